package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.serde.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * A step result written by a participant in another language: its own copy of the schema (no docs,
 * no Java properties) under whatever subject its tooling chose, framed by hand. The processor
 * decodes it by schema id alone, so no subject strategy of Sagaflow's is needed.
 */
class ForeignStepResultTest {
  private static final Schema FOREIGN =
      new Schema.Parser()
          .parse(
              """
              {"type": "record", "name": "InventoryReserved",
               "namespace": "io.sagaflow.examples.order",
               "fields": [{"name": "reservationId", "type": "string"}]}
              """);

  @Test
  void shouldDecodeAResultFramedByHandUnderAnySubject() throws Exception {
    // Given the result's schema registered under a subject Sagaflow never uses
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    int id = registry.register("inventory-service-results-value", FOREIGN);

    // When a participant frames the result itself: 0, the id big-endian, the Avro binary
    GenericRecord result = new GenericData.Record(FOREIGN);
    result.put("reservationId", "res-42");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(FOREIGN).write(result, encoder);
    encoder.flush();

    // Then the processor's codec reads it into the step's result type
    DataCodec codec = new DataCodec(registry, false);
    assertThat(codec.decode(out.toByteArray(), InventoryReserved.class))
        .isEqualTo(new InventoryReserved("res-42"));
  }
}
