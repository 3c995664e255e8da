package io.sagaflow.embedded.registry;

import org.apache.avro.Schema;

/** Parses schema text sent by clients, turning Avro's complaints into Confluent's 42201. */
final class AvroSchemas {

  private AvroSchemas() {}

  static Schema parse(String text) {
    if (text == null || text.isBlank()) {
      throw RegistryException.invalidSchema(
          "Empty schema: send {\"schema\": \"<Avro schema JSON>\"}.");
    }
    try {
      return new Schema.Parser().parse(text);
    } catch (RuntimeException e) {
      // SchemaParseException and AvroTypeException (bad defaults) both mean the client sent a bad
      // schema.
      throw RegistryException.invalidSchema(
          "Invalid Avro schema: "
              + e.getMessage()
              + ". Check it with the Avro parser before registering.");
    }
  }
}
