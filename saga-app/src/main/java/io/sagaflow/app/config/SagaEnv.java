package io.sagaflow.app.config;

import java.util.Locale;

/** The environment an instance runs in; it decides whether sagas are enabled by default. */
public enum SagaEnv {
  /** A preview (or local) environment: sagas are enabled unless {@code SAGA_ENABLED=false}. */
  PREVIEW,
  /** A production environment: sagas stay off until {@code SAGA_ENABLED=true} is set. */
  PRODUCTION;

  /** The lower-case name used in settings. */
  public String settingValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
