package io.sagaflow.app.modules;

import io.sagaflow.app.config.ConfigException;

/**
 * Sagaflow cannot start with the saga modules it found. The message names the plugin (jar or
 * directory), the module, the saga type and the step where it knows them, and says what to change.
 */
public final class ModuleLoadException extends ConfigException {
  private static final long serialVersionUID = 1L;

  /** A failure explained by {@code message}. */
  public ModuleLoadException(String message) {
    super(message);
  }

  /** A failure explained by {@code message}, caused by {@code cause}. */
  public ModuleLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
