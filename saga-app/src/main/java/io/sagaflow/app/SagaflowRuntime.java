package io.sagaflow.app;

import io.sagaflow.app.config.RunMode;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts one instance runs, started in dependency order and closed in reverse: in embedded mode
 * the broker first, then topics.
 */
final class SagaflowRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SagaflowRuntime.class);

  private final SagaflowConfig configured;
  private Optional<EmbeddedKafkaBroker> broker = Optional.empty();
  private SagaflowConfig effective;

  SagaflowRuntime(SagaflowConfig config) {
    this.configured = config;
    this.effective = config;
  }

  /** Starts every part; on failure closes what was started and rethrows. */
  SagaflowRuntime start() {
    try {
      if (configured.mode() == RunMode.EMBEDDED) {
        EmbeddedKafkaBroker b =
            EmbeddedKafkaBroker.builder()
                .dataDir(configured.dataDir().resolve("kafka"))
                .brokerPort(configured.kafkaPort())
                .build();
        broker = Optional.of(b);
        b.start();
        effective = configured.withBootstrapServers(b.bootstrapServers());
      }
      LOG.info("Effective configuration:\n{}", effective.describe());
      if (effective.createTopics()) {
        TopicProvisioner.ensure(effective, AppTopics.all());
      }
      if (!effective.enabled()) {
        LOG.warn(
            "Sagas are DISABLED (saga.enabled=false, env={}): no saga input is consumed; set"
                + " SAGA_ENABLED=true to enable.",
            effective.env().settingValue());
      }
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The configuration in force, with the embedded broker's address filled in. */
  SagaflowConfig config() {
    return effective;
  }

  @Override
  public void close() {
    broker.ifPresent(EmbeddedKafkaBroker::close);
    broker = Optional.empty();
  }
}
