package io.sagaflow.app.config;

/** A setting is missing or invalid; the message names the setting and says what is accepted. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message is shown to the operator as is. */
  public ConfigException(String message) {
    super(message);
  }
}
