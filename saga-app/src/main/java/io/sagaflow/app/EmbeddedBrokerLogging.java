package io.sagaflow.app;

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
  private static final String NETWORK_CLIENT_LEVEL =
      "org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient";

  private EmbeddedBrokerLogging() {}

  /**
   * Applies the level, unless the operator set one; must run before the first Kafka client or
   * broker of the JVM is created (slf4j-simple fixes a logger's level when it creates it).
   */
  static void quietBrokerShutdown() {
    if (System.getProperty(NETWORK_CLIENT_LEVEL) == null) {
      System.setProperty(NETWORK_CLIENT_LEVEL, "error");
    }
  }
}
