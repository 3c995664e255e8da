package io.sagaflow.serde;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * What the serdes need from a schema registry. {@link SchemaRegistryClient} speaks the Confluent
 * REST API to a real one; {@link InMemorySchemaRegistry} stands in where no HTTP should happen
 * (TopologyTestDriver tests). Failures are {@link SchemaRegistryException}s.
 */
public interface SchemaRegistry {

  /**
   * Registers {@code schema} under {@code subject} (or finds it already there) and returns its id.
   */
  int register(String subject, Schema schema);

  /** The id of {@code schema} under {@code subject}, without registering it. */
  int idOf(String subject, Schema schema);

  /** The schema with global id {@code id}. */
  Schema schemaById(int id);

  /** The newest version of {@code subject}. */
  RegisteredSchema latest(String subject);

  /** All subjects. */
  List<String> subjects();

  /** Whether {@code schema} may become the next version of {@code subject} under its level. */
  CompatibilityResult testCompatibility(String subject, Schema schema);

  /**
   * The compatibility level of {@code subject}, or the global one when {@code subject} is empty.
   */
  String compatibility(Optional<String> subject);

  /** Sets the compatibility level of {@code subject}, or the global one when empty. */
  void setCompatibility(Optional<String> subject, String level);

  /** Where this registry is, for messages: its base URL, or what stands in for one. */
  default String location() {
    return "the schema registry";
  }
}
