package io.sagaflow.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.embedded.kafka.KafkaBrokerExtension;
import io.sagaflow.embedded.kafka.TestKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry with its state in a compacted topic on the real embedded broker. */
@ExtendWith(KafkaBrokerExtension.class)
class SchemaRegistryServerIT {

  @Test
  void shouldKeepIdsVersionsAndLevelsAcrossRestart(TestKafka kafka) {
    String topic = kafka.uniqueName("_schemas");
    int orderId;
    int otherId;
    try (SchemaRegistryServer before = start(kafka, topic)) {
      RegistryHttp http = new RegistryHttp(before.url());
      orderId = http.registerOk("orders-value", Schemas.V1);
      http.registerOk("orders-value", Schemas.V2_COMPATIBLE);
      otherId = http.registerOk("other-value", Schemas.numbered(1));
      http.put("/config/other-value", "{\"compatibility\":\"NONE\"}");
    }

    try (SchemaRegistryServer after = start(kafka, topic)) {
      RegistryHttp http = new RegistryHttp(after.url());

      assertThat(http.get("/schemas/ids/" + orderId).body().get("schema").asText())
          .contains("Order");
      assertThat(http.get("/subjects/orders-value/versions").body().toString()).isEqualTo("[1,2]");
      assertThat(http.registerOk("other-value", Schemas.numbered(1))).isEqualTo(otherId);
      assertThat(http.registerOk("third-value", Schemas.numbered(3))).isGreaterThan(otherId);
      assertThat(http.get("/config/other-value").body().get("compatibilityLevel").asText())
          .isEqualTo("NONE");
      assertThat(http.register("orders-value", Schemas.V2_INCOMPATIBLE).errorCode()).isEqualTo(409);
    }
  }

  @Test
  void shouldStoreSchemasInACompactedTopic(TestKafka kafka) throws Exception {
    String topic = kafka.uniqueName("_schemas");
    try (SchemaRegistryServer server = start(kafka, topic);
        Admin admin = kafka.admin()) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(resource)).all().get();

      assertThat(configs.get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
          .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
      assertThat(server.url().getHost()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void shouldGiveConcurrentRegistrationsOneIdOnKafka(TestKafka kafka) throws Exception {
    String topic = kafka.uniqueName("_schemas");
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try (SchemaRegistryServer server = start(kafka, topic)) {
      RegistryHttp http = new RegistryHttp(server.url());
      List<Callable<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        calls.add(() -> http.registerOk("orders-value", Schemas.V1));
      }
      List<Integer> ids = new ArrayList<>();
      for (Future<Integer> id : pool.invokeAll(calls)) {
        ids.add(id.get());
      }

      assertThat(ids).hasSize(12).containsOnly(ids.get(0));
      assertThat(http.get("/subjects/orders-value/versions").body().toString()).isEqualTo("[1]");
    } finally {
      pool.shutdownNow();
    }
  }

  private static SchemaRegistryServer start(TestKafka kafka, String topic) {
    return SchemaRegistryServer.start(
        0,
        new KafkaSchemaLog(kafka.bootstrapServers(), topic),
        SchemaRegistryServer.DEFAULT_MAX_REQUEST_BYTES);
  }
}
