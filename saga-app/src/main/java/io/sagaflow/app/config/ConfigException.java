package io.sagaflow.app.config;

/**
 * A setting or what it points at is missing or invalid; the message names the setting and says what
 * is accepted. The CLI prints it as is and exits with code 2.
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message is shown to the operator as is. */
  public ConfigException(String message) {
    super(message);
  }

  /** Creates an exception whose message is shown to the operator as is. */
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
