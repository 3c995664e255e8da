package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.StartRequests;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Production mode: auto-registration off, on the real embedded broker and registry. The processor
 * refuses to start while its schemas are missing, naming a subject and the command that registers
 * them; an operator registers the core contract straight from {@code schemas/avro/*.avsc}, {@code
 * sagaflow schemas register} adds the rest, and then sagas run to their end with nothing registered
 * on the way.
 */
class ProductionSchemasIT {
  private static final int ORDERS = 30;
  private static final Path CONTRACT = Path.of("..", "schemas", "avro");

  @Test
  void shouldRefuseToStartWithoutSchemasAndRunSagasOnceTheCommandRegisteredThem(@TempDir Path work)
      throws Exception {
    try (SagaCluster cluster = SagaCluster.start(work)) {
      String url = cluster.registry.url().toString();
      SagaflowConfig config =
          cluster.config(
              work.resolve("app"),
              Map.of(
                  "saga.env", "production",
                  "saga.enabled", "true",
                  "saga.participants.enabled", "true"));
      assertThat(config.autoRegister()).isFalse();
      SagaModules modules = TestModules.onClassPath();
      String[] target = {"--registry-url", url, "--set", "kafka.application.id=sagaflow-it"};

      // Given an empty registry, check reports every subject missing and fails
      Cli empty = Cli.schemas("check", target);
      assertThat(empty.code()).as(empty.out()).isEqualTo(SchemasCommand.NOT_READY);
      assertThat(empty.out())
          .containsPattern("missing +saga\\.replies-value +io\\.sagaflow\\.contract\\.StepReply")
          .containsPattern(
              "missing +io\\.sagaflow\\.examples\\.order\\.ReserveInventory +io\\.sagaflow"
                  + "\\.examples\\.order\\.ReserveInventory, command of saga 'order-fulfilment'"
                  + " v1, step 'reserve-inventory' \\(action\\)")
          .contains("0 present, ")
          .contains(
              "Register the missing ones with: sagaflow schemas register --registry-url " + url);

      // When the processor starts with auto-registration off
      // Then it refuses, naming a missing subject and the command to run, and registers nothing
      assertThatThrownBy(() -> new SagaflowRuntime(config, modules).start())
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("subject 'saga.replies-value' (io.sagaflow.contract.StepReply)")
          .hasMessageContaining("not registered in " + url)
          .hasMessageContaining("`sagaflow schemas register --registry-url " + url);
      assertThat(cluster.schemas.subjects()).isEmpty();

      // Given the core contract registered straight from its .avsc files, as an operator would
      Map<String, String> core = new LinkedHashMap<>();
      core.put("io.sagaflow.contract.StartSaga", "StartSaga.avsc");
      core.put("io.sagaflow.contract.CancelSaga", "CancelSaga.avsc");
      core.put("io.sagaflow.contract.OperatorCommand", "OperatorCommand.avsc");
      core.put("saga.replies-value", "StepReply.avsc");
      core.put("saga.events-value", "SagaEvent.avsc");
      core.put("saga.dlq-value", "DeadLetter.avsc");
      core.put("sagaflow-it-saga-state-changelog-value", "SagaStateRecord.avsc");
      for (Map.Entry<String, String> file : core.entrySet()) {
        postAvsc(url, file.getKey(), CONTRACT.resolve(file.getValue()));
      }

      // Then check finds each of them as the writers would look it up
      Cli half = Cli.schemas("check", target);
      assertThat(half.code()).isEqualTo(SchemasCommand.NOT_READY);
      for (String subject : core.keySet()) {
        assertThat(half.out()).containsPattern("present +" + subject.replace(".", "\\.") + " ");
      }
      assertThat(half.out()).contains("7 present, ");

      // When register runs
      Cli register = Cli.schemas("register", target);

      // Then it adds the modules' schemas and leaves the .avsc ones as they are
      assertThat(register.code()).as(register.out()).isZero();
      assertThat(register.out())
          .containsPattern("already +saga\\.replies-value ")
          .containsPattern("registered +io\\.sagaflow\\.examples\\.order\\.OrderFulfilmentData ")
          .containsPattern("registered +io\\.sagaflow\\.examples\\.transfer\\.HoldFunds ")
          .contains(" 7 already registered, 0 incompatible.");
      List<String> subjects = cluster.schemas.subjects();
      assertThat(subjects).hasSizeGreaterThan(core.size());
      Cli passes = Cli.schemas("check", target);
      assertThat(passes.code()).as(passes.out()).isZero();
      assertThat(passes.out())
          .doesNotContainPattern("(?m)^missing")
          .contains("29 present, 0 missing, 0 incompatible.");

      // When the processor starts again, with participants, and orders arrive
      try (SagaflowRuntime runtime = new SagaflowRuntime(config, modules).start();
          SagaCluster.Watch watch = cluster.watch(config, "prod-", ORDERS);
          StartRequests requests =
              new StartRequests(
                  config, cluster.schemas, config.participants().seed(), modules.classLoader())) {
        requests.send(
            TestModules.orders(),
            io.sagaflow.app.demo.DemoWorkload.sagaIds("prod", ORDERS),
            () -> {});

        // Then every saga ends, completed or compensated
        await().atMost(Duration.ofMinutes(2)).until(() -> watch.now().settled() == ORDERS);
        assertThat(
                watch.now().count(SagaStatus.COMPLETED) + watch.now().count(SagaStatus.COMPENSATED))
            .isEqualTo(ORDERS);
        assertThat(watch.now().count(SagaStatus.COMPLETED)).isPositive();
        assertThat(runtime.health()).contains("processor RUNNING");
      }

      // And nothing was registered on the way: the same subjects, each with its one version
      assertThat(cluster.schemas.subjects()).isEqualTo(subjects);
      for (String subject : subjects) {
        assertThat(cluster.schemas.latest(subject).version()).as(subject).isEqualTo(1);
      }
    }
  }

  @Test
  void shouldRegisterThePluginsRecordsAsTheirAvscFilesStateThem(@TempDir Path work)
      throws Exception {
    // Given a saga module loaded from a plugin jar, and a registry
    Path plugins = work.resolve("plugins");
    Files.createDirectories(plugins);
    io.sagaflow.app.modules.PluginJars.build("greeting", plugins.resolve("greeting.jar"));
    try (SchemaRegistryServer server = SchemaRegistryServer.startInMemory()) {
      String url = server.url().toString();

      // When register runs with the plugin path, as for run
      Cli register =
          Cli.run(
              "schemas", "register", "--registry-url", url, "--plugin-path", plugins.toString());

      // Then the plugin's data, commands, compensation and results are registered, each as its
      // .avsc file states it
      assertThat(register.code()).as(register.out() + register.err()).isZero();
      assertThat(register.out())
          .containsPattern("greeting \\(.*greeting\\.jar\\): greeting v1")
          .containsPattern("registered +com\\.example\\.greeting\\.GreetingData ")
          .containsPattern("registered +com\\.example\\.greeting\\.ReserveSlot ")
          .containsPattern("registered +com\\.example\\.greeting\\.FreeSlot ")
          .containsPattern("registered +com\\.example\\.greeting\\.SendGreeting ")
          .containsPattern("registered +com\\.example\\.greeting\\.SlotReserved ")
          .containsPattern("registered +com\\.example\\.greeting\\.GreetingSent ");
      SchemaRegistry registry = new SchemaRegistryClient(RegistryClientSettings.of(url));
      Path fixture = Path.of("src", "test", "resources", "plugin-fixture", "greeting", "avro");
      assertThat(registry.latest("com.example.greeting.ReserveSlot").schema())
          .isEqualTo(
              new Schema.Parser().parse(Files.readString(fixture.resolve("ReserveSlot.avsc"))));
    }
  }

  @Test
  void shouldSayWhichRegistryCannotBeReachedAndWhatIsWrongWithTheArguments() {
    Cli unreachable =
        Cli.run("schemas", "check", "--registry-url", "http://127.0.0.1:" + unusedPort());
    assertThat(unreachable.code()).isEqualTo(SchemasCommand.REGISTRY_FAILED);
    assertThat(unreachable.err()).contains("Cannot use the schema registry at http://127.0.0.1:");

    Cli badUrl = Cli.run("schemas", "register", "--registry-url", "registry:8081");
    assertThat(badUrl.code()).isEqualTo(2);
    assertThat(badUrl.err()).contains("Invalid registry URL 'registry:8081'");

    Cli noSubcommand = Cli.run("schemas");
    assertThat(noSubcommand.code()).isEqualTo(2);
    assertThat(noSubcommand.err()).contains("Name a subcommand: register or check.");
  }

  private static int unusedPort() {
    return io.sagaflow.embedded.kafka.FreePorts.pick();
  }

  private static void postAvsc(String registry, String subject, Path file) throws Exception {
    String body = new ObjectMapper().writeValueAsString(Map.of("schema", Files.readString(file)));
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(registry + "/subjects/" + subject + "/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** One run of the command line, with what it printed. */
  private record Cli(int code, String out, String err) {
    static Cli run(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = SagaflowCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
      return new Cli(code, out.toString(), err.toString());
    }

    /** {@code schemas <subcommand>} against {@code target}. */
    static Cli schemas(String subcommand, String... target) {
      List<String> all = new java.util.ArrayList<>(List.of("schemas", subcommand));
      all.addAll(List.of(target));
      return run(all.toArray(String[]::new));
    }
  }
}
