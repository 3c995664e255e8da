package io.sagaflow.app;

import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;

/**
 * Logging for a command that runs the embedded broker in its own JVM. Kafka 4.4's broker closes its
 * controller-registration client twice on the way down, and the second close logs {@code WARN
 * NetworkClient - [NodeToControllerChannelManager id=1 name=registration] Attempting to close
 * NetworkClient that has already been closed.} at the end of every clean stop. The logger is the
 * one every Kafka client shares, so it cannot be quieted for the broker alone; in a JVM whose
 * clients all talk to that same in-process broker, its warnings say nothing a client's own errors
 * and the health routes do not, so it logs errors only there. External mode keeps them.
 */
final class EmbeddedBrokerLogging {
  private static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";

  private EmbeddedBrokerLogging() {}

  /**
   * Applies the level, unless the logging configuration set one for that logger (an operator's own
   * {@code -Dlogback.configurationFile}), or the app runs on another logging backend.
   */
  static void quietBrokerShutdown() {
    if (LoggerFactory.getLogger(NETWORK_CLIENT) instanceof ch.qos.logback.classic.Logger logger
        && logger.getLevel() == null) {
      logger.setLevel(Level.ERROR);
    }
  }
}
