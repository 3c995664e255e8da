package io.sagaflow.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  @Test
  void shouldRunEmbeddedPreviewWithSagasEnabledByDefault() {
    SagaflowConfig config = ConfigLoader.load(Map.of(), Map.of());

    assertThat(config.mode()).isEqualTo(RunMode.EMBEDDED);
    assertThat(config.env()).isEqualTo(SagaEnv.PREVIEW);
    assertThat(config.enabled()).isTrue();
    assertThat(config.dataDir()).isEqualTo(Path.of(".sagaflow"));
    assertThat(config.kafka())
        .containsEntry("application.id", "sagaflow")
        .containsEntry("processing.guarantee", "exactly_once_v2");
  }

  @Test
  void shouldDisableSagasByDefaultInProduction() {
    SagaflowConfig config = ConfigLoader.load(Map.of("SAGA_ENV", "production"), Map.of());

    assertThat(config.env()).isEqualTo(SagaEnv.PRODUCTION);
    assertThat(config.enabled()).isFalse();
    assertThat(config.settings()).containsEntry("saga.enabled", "false");
  }

  @Test
  void shouldLoadAToolsConfigurationInExternalModeWithoutTheClustersAddresses() {
    // sagaflow schemas talks to the registry only: a production environment without
    // KAFKA_BOOTSTRAP_SERVERS is enough, and the registry comes from the tool's own option.
    SagaflowConfig config =
        ConfigLoader.loadWithoutCluster(
            Map.of("SAGA_MODE", "external", "KAFKA_APPLICATION_ID", "orders"), Map.of());

    assertThat(config.env()).isEqualTo(SagaEnv.PRODUCTION);
    assertThat(config.autoRegister()).isFalse();
    assertThat(config.schemaRegistryUrl()).isEmpty();
    assertThat(config.applicationId()).isEqualTo("orders");
    assertThatThrownBy(
            () -> ConfigLoader.loadWithoutCluster(Map.of(), Map.of("saga.schema.registr.url", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Unknown setting 'saga.schema.registr.url'");
  }

  @Test
  void shouldDefaultExternalModeToProductionAndRequireBootstrapServers() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SAGA_MODE", "external"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.bootstrap.servers is required")
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");

    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("SAGA_MODE", "external", "KAFKA_BOOTSTRAP_SERVERS", "broker:9092"),
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("saga.schema.registry.url is required")
        .hasMessageContaining("SAGA_SCHEMA_REGISTRY_URL");

    SagaflowConfig config =
        ConfigLoader.load(
            Map.of(
                "SAGA_MODE",
                "external",
                "KAFKA_BOOTSTRAP_SERVERS",
                "broker:9092",
                "SAGA_SCHEMA_REGISTRY_URL",
                "http://registry:8081"),
            Map.of());
    assertThat(config.env()).isEqualTo(SagaEnv.PRODUCTION);
    assertThat(config.enabled()).isFalse();
    assertThat(config.autoRegister()).isFalse();
    assertThat(config.participants().enabled()).isFalse();
    assertThat(config.demo().enabled()).isFalse();
    assertThat(config.schemaRegistryUrl()).contains("http://registry:8081");
    assertThat(config.kafka()).containsEntry("bootstrap.servers", "broker:9092");
  }

  @Test
  void shouldLetExplicitFlagWinOverEnvironmentDefault() {
    SagaflowConfig config =
        ConfigLoader.load(Map.of("SAGA_ENV", "production", "SAGA_ENABLED", "TRUE"), Map.of());

    assertThat(config.enabled()).isTrue();
  }

  @Test
  void shouldLetCommandLineOverrideEnvironmentAndEnvironmentOverrideDefaults() {
    SagaflowConfig config =
        ConfigLoader.load(
            Map.of("SAGA_TOPICS_PARTITIONS", "8", "KAFKA_COMMIT_INTERVAL_MS", "100"),
            Map.of("saga.topics.partitions", "12"));

    assertThat(config.topicPartitions()).isEqualTo(12);
    assertThat(config.kafka()).containsEntry("commit.interval.ms", "100");
  }

  @Test
  void shouldIgnoreKafkaScriptVariablesAndUnrelatedVariables() {
    SagaflowConfig config =
        ConfigLoader.load(Map.of("KAFKA_HEAP_OPTS", "-Xmx1g", "HOME", "/root"), Map.of());

    assertThat(config.kafka()).doesNotContainKey("heap.opts");
  }

  @Test
  void shouldLeaveTheLoggingVariablesToTheLoggingConfiguration() {
    // scripts/run exports SAGA_LOG_FORMAT; the app must start with it, not call it unknown
    SagaflowConfig config =
        ConfigLoader.load(Map.of("SAGA_LOG_FORMAT", "text", "SAGA_LOG_LEVEL", "debug"), Map.of());

    assertThat(config.settings()).doesNotContainKeys("saga.log.format", "saga.log.level");
  }

  @Test
  void shouldRejectUnknownSagaSettingNamingItsSource() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SAGA_ENABLD", "true"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("saga.enabld")
        .hasMessageContaining("environment variable SAGA_ENABLD")
        .hasMessageContaining("saga.enabled");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("saga.nope", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("saga.nope")
        .hasMessageContaining("command line");
  }

  @Test
  void shouldRejectInvalidValuesNamingTheSetting() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SAGA_ENV", "staging"), Map.of()))
        .hasMessage("Invalid value 'staging' for saga.env: expected one of preview, production.");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SAGA_ENABLED", "yes"), Map.of()))
        .hasMessage("Invalid value 'yes' for saga.enabled: expected true or false.");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SAGA_TOPICS_PARTITIONS", "0"), Map.of()))
        .hasMessage("Invalid value 0 for saga.topics.partitions: expected 1 to 10000.");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SAGA_KAFKA_PORT", "http"), Map.of()))
        .hasMessage("Invalid value 'http' for saga.kafka.port: expected a whole number.");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SAGA_DATA_DIR", " "), Map.of()))
        .hasMessageContaining("saga.data.dir is empty");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SAGA_DATA_DIR", "a\0b"), Map.of()))
        .hasMessageContaining("Invalid path")
        .hasMessageContaining("saga.data.dir");
  }

  @Test
  void shouldRedactSecretsWhenDescribingTheConfiguration() {
    SagaflowConfig config =
        ConfigLoader.load(
            Map.of(
                "KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain.PlainLoginModule password=\"hunter2\";",
                "KAFKA_SSL_KEYSTORE_PASSWORD",
                "hunter3"),
            Map.of());

    String described = config.describe();
    assertThat(described)
        .contains("kafka.sasl.jaas.config=[redacted]")
        .contains("kafka.ssl.keystore.password=[redacted]")
        .contains("kafka.application.id=sagaflow")
        .doesNotContain("hunter2")
        .doesNotContain("hunter3");
    assertThat(config.kafka()).containsEntry("ssl.keystore.password", "hunter3");
  }

  @Test
  void shouldPointKafkaClientsAtGivenBootstrapServers() {
    SagaflowConfig config =
        ConfigLoader.load(Map.of(), Map.of()).withBootstrapServers("127.0.0.1:1234");

    assertThat(config.kafkaProperties()).containsEntry("bootstrap.servers", "127.0.0.1:1234");
    assertThat(config.settings()).containsEntry("kafka.bootstrap.servers", "127.0.0.1:1234");
  }

  @Test
  void shouldServeHttpOnLoopbackFreePortByDefaultAndRejectBadPort() {
    SagaflowConfig config = ConfigLoader.load(Map.of(), Map.of());
    assertThat(config.http().host()).isEqualTo("127.0.0.1");
    assertThat(config.http().port()).isZero();
    assertThat(config.http().token()).isEmpty();

    SagaflowConfig withToken =
        ConfigLoader.load(Map.of("SAGA_HTTP_PORT", "8088", "SAGA_HTTP_TOKEN", "s3cret"), Map.of());
    assertThat(withToken.http().port()).isEqualTo(8088);
    assertThat(withToken.http().token()).contains("s3cret");
    assertThat(withToken.describe())
        .contains("saga.http.token=[redacted]")
        .doesNotContain("s3cret");

    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SAGA_HTTP_PORT", "70000"), Map.of()))
        .hasMessage("Invalid value 70000 for saga.http.port: expected 0 to 65535.");
  }

  @Test
  void shouldLeaveReadsOpenByDefaultAndRequireTheTokenOnReadsWhenAsked() {
    assertThat(ConfigLoader.load(Map.of(), Map.of()).http().tokenOnReads()).isFalse();

    SagaflowConfig guarded =
        ConfigLoader.load(
            Map.of("SAGA_HTTP_TOKEN", "s3cret", "SAGA_HTTP_TOKEN_ON_READS", "true"), Map.of());

    assertThat(guarded.http().tokenOnReads()).isTrue();
    assertThat(guarded.http().token()).contains("s3cret");
    // Whether reads are guarded is no secret: the effective configuration shows it.
    assertThat(guarded.describe())
        .contains("saga.http.token.on.reads=true")
        .contains("saga.http.token=[redacted]");
    assertThat(
            ConfigLoader.load(
                    Map.of("SAGA_HTTP_TOKEN", "s3cret"), Map.of("saga.http.token.on.reads", "TRUE"))
                .http()
                .tokenOnReads())
        .isTrue();
  }

  @Test
  void shouldRejectAnInvalidTokenOnReadsValueNamingTheSetting() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("SAGA_HTTP_TOKEN", "s3cret", "SAGA_HTTP_TOKEN_ON_READS", "yes"),
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value 'yes' for saga.http.token.on.reads: expected true or false.");
  }

  @Test
  void shouldRejectTokenOnReadsWithoutATokenNamingBothSettings() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of("SAGA_HTTP_TOKEN_ON_READS", "true"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("saga.http.token.on.reads=true")
        .hasMessageContaining("saga.http.token,")
        .hasMessageContaining("SAGA_HTTP_TOKEN ");
  }

  @Test
  void shouldReadDisabledParticipantsAndThePluginPath() {
    SagaflowConfig config =
        ConfigLoader.load(
            Map.of("SAGA_PLUGIN_PATH", "/opt/sagaflow/plugins"),
            Map.of("saga.participants.disabled", "payment, ledger,"));

    assertThat(config.participants().disabled()).containsExactlyInAnyOrder("payment", "ledger");
    assertThat(config.pluginPath()).contains(Path.of("/opt/sagaflow/plugins"));
    assertThat(ConfigLoader.load(Map.of(), Map.of()).pluginPath()).isEmpty();
    assertThat(ConfigLoader.load(Map.of(), Map.of()).participants().disabled()).isEmpty();
  }

  @Test
  void shouldTolerateThreeThreadReplacementsInFiveMinutesByDefaultAndTakeOtherBounds() {
    assertThat(ConfigLoader.load(Map.of(), Map.of()).health())
        .isEqualTo(new HealthConfig(3, Duration.ofMinutes(5)));

    SagaflowConfig config =
        ConfigLoader.load(
            Map.of("SAGA_HEALTH_THREAD_REPLACEMENTS_MAX", "1"),
            Map.of("saga.health.thread.replacements.window.seconds", "30"));

    assertThat(config.health()).isEqualTo(new HealthConfig(1, Duration.ofSeconds(30)));
  }

  @Test
  void shouldKeepDeadLettersThirtyDaysByDefaultAndTakeTheEnvironmentsRetention() {
    assertThat(ConfigLoader.load(Map.of(), Map.of()).dlqRetention()).isEqualTo(Duration.ofDays(30));
    assertThat(ConfigLoader.load(Map.of("SAGA_DLQ_RETENTION_DAYS", "3"), Map.of()).dlqRetention())
        .isEqualTo(Duration.ofDays(3));
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("saga.dlq.retention.days", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("saga.dlq.retention.days")
        .hasMessageContaining("1 to 3650");
  }

  @Test
  void shouldKeepFinishedSagasForeverUnlessARetentionIsSet() {
    assertThat(ConfigLoader.load(Map.of(), Map.of()).finishedRetention()).isEmpty();
    assertThat(
            ConfigLoader.load(Map.of("SAGA_RETENTION_FINISHED", "off"), Map.of())
                .finishedRetention())
        .isEmpty();
    assertThat(
            ConfigLoader.load(Map.of("SAGA_RETENTION_FINISHED", "1h"), Map.of())
                .finishedRetention())
        .contains(Duration.ofHours(1));
    assertThat(
            ConfigLoader.load(Map.of(), Map.of("saga.retention.finished", "7d"))
                .finishedRetention())
        .contains(Duration.ofDays(7));
    assertThat(
            ConfigLoader.load(Map.of(), Map.of("saga.retention.finished", "90m"))
                .finishedRetention())
        .contains(Duration.ofMinutes(90));
    assertThat(
            ConfigLoader.load(Map.of(), Map.of("saga.retention.finished", "45S"))
                .finishedRetention())
        .contains(Duration.ofSeconds(45));
  }

  @Test
  void shouldRefuseARetentionThatIsNegativeZeroOrUnreadableNamingTheSetting() {
    for (String bad : new String[] {"-1h", "0d", "7", "7w", "d", "one day", "99999999999999999d"}) {
      assertThatThrownBy(
              () -> ConfigLoader.load(Map.of(), Map.of("saga.retention.finished", bad)), bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("saga.retention.finished")
          .hasMessageContaining("off (keep forever)");
    }
  }

  @Test
  void shouldRefuseAnEmptyReplacementWindowNamingTheSetting() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(), Map.of("saga.health.thread.replacements.window.seconds", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("saga.health.thread.replacements.window.seconds")
        .hasMessageContaining("1 to 86400");
  }

  @Test
  void shouldKeepParticipantsWellBehavedByDefaultAndReadTheMisbehaviourRates() {
    ParticipantsConfig defaults = ConfigLoader.load(Map.of(), Map.of()).participants();
    assertThat(defaults.duplicateReplyRate()).isZero();
    assertThat(defaults.lateReplyRate()).isZero();
    assertThat(defaults.garbageReplyRate()).isZero();

    ParticipantsConfig config =
        ConfigLoader.load(
                Map.of("SAGA_PARTICIPANTS_DUPLICATE_REPLY_RATE", "0.2"),
                Map.of(
                    "saga.participants.late.reply.rate", "0.1",
                    "saga.participants.garbage.reply.rate", "0.05"))
            .participants();

    assertThat(config.duplicateReplyRate()).isEqualTo(0.2);
    assertThat(config.lateReplyRate()).isEqualTo(0.1);
    assertThat(config.garbageReplyRate()).isEqualTo(0.05);
  }

  @Test
  void shouldRefuseAMisbehaviourRateOutOfRangeNamingTheSetting() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), Map.of("saga.participants.late.reply.rate", "1.2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("saga.participants.late.reply.rate")
        .hasMessageContaining("expected a rate from 0 to 1");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(Map.of(), Map.of("saga.participants.garbage.reply.rate", "some")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("saga.participants.garbage.reply.rate");
  }

  @Test
  void shouldRefuseMisbehaviourRatesThatTogetherExceedOne() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(),
                    Map.of(
                        "saga.participants.duplicate.reply.rate", "0.6",
                        "saga.participants.late.reply.rate", "0.3",
                        "saga.participants.garbage.reply.rate", "0.2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "saga.participants.duplicate.reply.rate + late.reply.rate + garbage.reply.rate")
        .hasMessageContaining("must not exceed 1");
  }
}
