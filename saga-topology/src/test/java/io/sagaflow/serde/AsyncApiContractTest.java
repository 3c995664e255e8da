package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps schemas/asyncapi.yaml, the Avro schemas and the code's topic and header names from
 * drifting: every topic and record type the code uses is described, and everything described
 * exists.
 */
class AsyncApiContractTest {

  private static final Path SCHEMAS = Path.of("..", "schemas");
  private static final Path ORDER_EXAMPLE =
      Path.of("..", "examples", "order-fulfilment", "src", "main", "avro");

  /**
   * The topics the orchestrator reads and writes (the topology's topic registry uses these names;
   * when it lands, read them from there instead of listing them here).
   */
  private static final Set<String> CODE_TOPICS =
      Set.of(
          "saga.requests",
          "saga.replies",
          "saga.events",
          "saga.dlq",
          "saga.rollout.requests",
          "saga.rollouts",
          "saga.rollout.events",
          "saga.rollout.observations",
          "inventory.commands",
          "payment.commands",
          "shipping.commands",
          "notification.commands",
          "{applicationId}-saga-state-changelog");

  private final JsonNode doc = read();

  @Test
  void shouldDescribeExactlyTheTopicsTheCodeUses() {
    Set<String> addresses = new TreeSet<>();
    doc.get("channels").forEach(channel -> addresses.add(channel.get("address").asText()));

    assertThat(addresses).containsExactlyInAnyOrderElementsOf(CODE_TOPICS);
    assertThat(doc.get("asyncapi").asText()).startsWith("3.");
  }

  @Test
  void shouldNameEveryRecordTypeOfTheContract() throws IOException {
    Set<String> described = new TreeSet<>();
    doc.at("/components/messages").forEach(m -> described.add(m.get("name").asText()));
    doc.at("/components/schemas")
        .forEach(s -> described.add(s.path("x-sagaflow-record").asText("")));

    assertThat(described).containsAll(contractRecordNames());
  }

  @Test
  void shouldPointEveryPayloadAtAnExistingSchemaFile() {
    List<String> refs = new ArrayList<>();
    doc.at("/components/messages").forEach(m -> refs.add(m.at("/payload/schema/$ref").asText()));
    doc.at("/components/schemas")
        .forEach(
            s -> {
              if (s.has("schema")) {
                refs.add(s.at("/schema/$ref").asText());
              }
            });

    assertThat(refs)
        .isNotEmpty()
        .allSatisfy(ref -> assertThat(SCHEMAS.resolve(ref)).isRegularFile());
  }

  @Test
  void shouldGiveEveryChannelMessagesThatExist() {
    JsonNode messages = doc.at("/components/messages");
    doc.get("channels")
        .forEach(
            channel -> {
              assertThat(channel.get("messages")).isNotEmpty();
              channel
                  .get("messages")
                  .forEach(
                      ref -> {
                        String name =
                            ref.get("$ref").asText().replace("#/components/messages/", "");
                        assertThat(messages.has(name)).as(name).isTrue();
                      });
            });
  }

  @Test
  void shouldDocumentEveryHeaderTheCodeUsesAndNoOther() {
    Set<String> documented = new TreeSet<>();
    doc.at("/components/schemas")
        .forEach(s -> s.path("properties").fieldNames().forEachRemaining(documented::add));

    assertThat(documented).containsAll(SagaHeaders.ALL);
    assertThat(documented)
        .allMatch(h -> SagaHeaders.ALL.contains(h) || h.startsWith("__streams.errors."));
  }

  // The core contract, plus the order example's commands, which the document shows as the
  // participant protocol's worked example.
  private static Set<String> contractRecordNames() throws IOException {
    Set<String> names = new TreeSet<>();
    for (Path dir : List.of(SCHEMAS.resolve("avro"), ORDER_EXAMPLE)) {
      try (Stream<Path> files = Files.walk(dir)) {
        files
            .filter(f -> f.toString().endsWith(".avsc"))
            .filter(f -> !f.toString().contains("released"))
            .forEach(f -> names.add(recordName(f)));
      }
    }
    return names;
  }

  private static String recordName(Path avsc) {
    try {
      JsonNode schema = new ObjectMapper().readTree(avsc.toFile());
      return schema.get("namespace").asText() + "." + schema.get("name").asText();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode read() {
    try {
      return new ObjectMapper(new YAMLFactory())
          .readTree(SCHEMAS.resolve("asyncapi.yaml").toFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
