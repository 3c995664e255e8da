package io.sagaflow.app;

/**
 * Something the instance needs at start could not be reached or used (the Kafka cluster, the schema
 * registry); the message says what, where, and what to check. The CLI prints it without a stack
 * trace and exits with code 1: the settings may be right and the cluster merely down.
 */
public class StartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message is shown to the operator as is. */
  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
