package io.sagaflow.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry over real HTTP, with state in memory. Broker-backed behaviour is in the IT. */
class SchemaRegistryServerTest {

  private SchemaRegistryServer server;
  private RegistryHttp http;

  @BeforeEach
  void startServer() {
    server = SchemaRegistryServer.startInMemory();
    http = new RegistryHttp(server.url());
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void shouldBindLoopbackOnly() {
    assertThat(server.url().getHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void shouldRegisterAndServeSchemaById() {
    int id = http.registerOk("orders-value", Schemas.V1);

    RegistryHttp.Reply byId = http.get("/schemas/ids/" + id);
    RegistryHttp.Reply latest = http.get("/subjects/orders-value/versions/latest");

    assertThat(byId.status()).isEqualTo(200);
    assertThat(byId.body().get("schema").asText()).contains("\"name\":\"Order\"");
    assertThat(latest.body().get("id").asInt()).isEqualTo(id);
    assertThat(latest.body().get("version").asInt()).isEqualTo(1);
    assertThat(http.get("/subjects").body().toString()).isEqualTo("[\"orders-value\"]");
  }

  @Test
  void shouldReturnSameIdForSameSchemaInAnySubjectAndWhitespace() {
    int first = http.registerOk("a-value", Schemas.V1);
    int again = http.registerOk("a-value", Schemas.V1.replace(",", " ,\n "));
    int elsewhere = http.registerOk("b-value", Schemas.V1);

    assertThat(again).isEqualTo(first);
    assertThat(elsewhere).isEqualTo(first);
    assertThat(http.get("/subjects/a-value/versions").body().toString()).isEqualTo("[1]");
  }

  @Test
  void shouldLookUpRegisteredSchemaUnderSubject() {
    int id = http.registerOk("orders-value", Schemas.V1);

    RegistryHttp.Reply found =
        http.post("/subjects/orders-value", RegistryHttp.schemaBody(Schemas.V1));
    RegistryHttp.Reply missing =
        http.post("/subjects/orders-value", RegistryHttp.schemaBody(Schemas.V2_COMPATIBLE));

    assertThat(found.body().get("id").asInt()).isEqualTo(id);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo(RegistryException.SCHEMA_NOT_FOUND);
  }

  @Test
  void shouldRefuseIncompatibleRegistrationWithConfluentCode() {
    http.registerOk("orders-value", Schemas.V1);

    RegistryHttp.Reply refused = http.register("orders-value", Schemas.V2_INCOMPATIBLE);
    int evolved = http.registerOk("orders-value", Schemas.V2_COMPATIBLE);

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo(409);
    assertThat(refused.body().get("message").asText()).contains("incompatible", "quantity");
    assertThat(http.get("/subjects/orders-value/versions/2").body().get("id").asInt())
        .isEqualTo(evolved);
  }

  @Test
  void shouldAnswerCompatibilityChecksWithoutRegistering() {
    http.registerOk("orders-value", Schemas.V1);

    RegistryHttp.Reply bad =
        http.post(
            "/compatibility/subjects/orders-value/versions/latest?verbose=true",
            RegistryHttp.schemaBody(Schemas.V2_INCOMPATIBLE));
    RegistryHttp.Reply good =
        http.post(
            "/compatibility/subjects/orders-value/versions/latest",
            RegistryHttp.schemaBody(Schemas.V2_COMPATIBLE));

    assertThat(bad.body().get("is_compatible").asBoolean()).isFalse();
    assertThat(bad.body().get("messages").toString())
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    assertThat(good.body().get("is_compatible").asBoolean()).isTrue();
    assertThat(http.get("/subjects/orders-value/versions").body().toString()).isEqualTo("[1]");
  }

  @Test
  void shouldApplySubjectLevelOverGlobalLevel() {
    http.registerOk("orders-value", Schemas.V1);

    RegistryHttp.Reply set = http.put("/config/orders-value", "{\"compatibility\":\"NONE\"}");

    assertThat(set.body().get("compatibility").asText()).isEqualTo("NONE");
    assertThat(http.get("/config/orders-value").body().get("compatibilityLevel").asText())
        .isEqualTo("NONE");
    assertThat(http.get("/config").body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    assertThat(http.register("orders-value", Schemas.V2_INCOMPATIBLE).status()).isEqualTo(200);
  }

  @Test
  void shouldEnforceForwardCompatibility() {
    http.put("/config/orders-value", "{\"compatibility\":\"FORWARD\"}");
    http.registerOk("orders-value", Schemas.V2_COMPATIBLE);
    String dropsNoteAddsRequired =
        "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"test\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"int\"}]}";

    assertThat(http.register("orders-value", dropsNoteAddsRequired).errorCode()).isEqualTo(409);
    assertThat(http.register("orders-value", Schemas.V1).status()).isEqualTo(200);
  }

  @Test
  void shouldRefuseUnknownCompatibilityLevel() {
    RegistryHttp.Reply reply = http.put("/config", "{\"compatibility\":\"SOMETIMES\"}");

    assertThat(reply.status()).isEqualTo(422);
    assertThat(reply.errorCode()).isEqualTo(RegistryException.INVALID_COMPATIBILITY_LEVEL);
    assertThat(reply.body().get("message").asText()).contains("SOMETIMES", "BACKWARD_TRANSITIVE");
  }

  @Test
  void shouldReportSubjectWithoutOwnLevelUnlessDefaultToGlobal() {
    http.registerOk("orders-value", Schemas.V1);

    assertThat(http.get("/config/orders-value").errorCode())
        .isEqualTo(RegistryException.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED);
    assertThat(
            http.get("/config/orders-value?defaultToGlobal=true")
                .body()
                .get("compatibilityLevel")
                .asText())
        .isEqualTo("BACKWARD");
  }

  @Test
  void shouldAnswerBadInputWithClearErrorsAndKeepServing() {
    http.registerOk("orders-value", Schemas.V1);
    String huge =
        "{\"type\":\"record\",\"name\":\"Big\",\"doc\":\""
            + "x".repeat(SchemaRegistryServer.DEFAULT_MAX_REQUEST_BYTES)
            + "\",\"fields\":[]}";

    RegistryHttp.Reply malformed = http.post("/subjects/orders-value/versions", "{\"schema\": ");
    RegistryHttp.Reply unknownSubject = http.get("/subjects/nobody/versions/latest");
    RegistryHttp.Reply unknownVersion = http.get("/subjects/orders-value/versions/7");
    RegistryHttp.Reply badVersion = http.get("/subjects/orders-value/versions/abc");
    RegistryHttp.Reply unknownId = http.get("/schemas/ids/999");
    RegistryHttp.Reply oversized = http.register("orders-value", huge);
    RegistryHttp.Reply invalid =
        http.register("orders-value", "{\"type\":\"record\",\"name\":\"X\"}");
    RegistryHttp.Reply notAvro = http.register("orders-value", "not json at all");
    RegistryHttp.Reply noSchema = http.post("/subjects/orders-value/versions", "{}");
    RegistryHttp.Reply noRoute = http.get("/nowhere");

    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.body().get("message").asText()).contains("Malformed JSON");
    assertThat(unknownSubject.errorCode()).isEqualTo(RegistryException.SUBJECT_NOT_FOUND);
    assertThat(unknownSubject.body().get("message").asText()).contains("'nobody'");
    assertThat(unknownVersion.errorCode()).isEqualTo(RegistryException.VERSION_NOT_FOUND);
    assertThat(badVersion.errorCode()).isEqualTo(RegistryException.INVALID_VERSION);
    assertThat(unknownId.errorCode()).isEqualTo(RegistryException.SCHEMA_NOT_FOUND);
    assertThat(oversized.status()).isEqualTo(413);
    assertThat(oversized.body().get("message").asText()).contains("larger than");
    assertThat(invalid.errorCode()).isEqualTo(RegistryException.INVALID_SCHEMA);
    assertThat(invalid.body().get("message").asText()).contains("Invalid Avro schema");
    assertThat(notAvro.errorCode()).isEqualTo(RegistryException.INVALID_SCHEMA);
    assertThat(noSchema.errorCode()).isEqualTo(RegistryException.INVALID_SCHEMA);
    assertThat(noRoute.status()).isEqualTo(404);
    // and the server still serves
    assertThat(http.registerOk("orders-value", Schemas.V2_COMPATIBLE)).isPositive();
    assertThat(http.get("/subjects/orders-value/versions").body().toString()).isEqualTo("[1,2]");
  }

  @Test
  void shouldGiveConcurrentRegistrationsOfOneSchemaOneId() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String subject = "s" + (i % 4) + "-value";
        calls.add(() -> http.registerOk(subject, Schemas.V1));
      }
      List<Integer> ids = new ArrayList<>();
      for (Future<Integer> id : pool.invokeAll(calls)) {
        ids.add(id.get());
      }

      assertThat(ids).hasSize(32).containsOnly(ids.get(0));
      assertThat(http.get("/subjects/s0-value/versions").body().toString()).isEqualTo("[1]");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldKeepIdsWhenRestartedOnTheSameLog() {
    SchemaLog log = new RetainedLog();
    int first;
    int second;
    try (SchemaRegistryServer before = SchemaRegistryServer.start(0, log, 1 << 20)) {
      RegistryHttp client = new RegistryHttp(before.url());
      first = client.registerOk("a-value", Schemas.numbered(1));
      second = client.registerOk("b-value", Schemas.numbered(2));
      client.put("/config/a-value", "{\"compatibility\":\"FULL\"}");
    }

    try (SchemaRegistryServer after = SchemaRegistryServer.start(0, log, 1 << 20)) {
      RegistryHttp client = new RegistryHttp(after.url());

      assertThat(client.get("/schemas/ids/" + first).body().get("schema").asText()).contains("R1");
      assertThat(client.registerOk("b-value", Schemas.numbered(2))).isEqualTo(second);
      assertThat(client.registerOk("c-value", Schemas.numbered(3))).isEqualTo(second + 1);
      assertThat(client.get("/config/a-value").body().get("compatibilityLevel").asText())
          .isEqualTo("FULL");
    }
  }

  /** An in-memory log that outlives the server closing it, standing in for the Kafka topic. */
  private static final class RetainedLog implements SchemaLog {
    private final InMemorySchemaLog entries = new InMemorySchemaLog();

    @Override
    public List<LogEntry> replay() {
      return entries.replay();
    }

    @Override
    public void append(LogEntry entry) {
      entries.append(entry);
    }

    @Override
    public String describe() {
      return "retained in memory";
    }

    @Override
    public void close() {
      // Kept open on purpose: the next server replays it.
    }
  }
}
