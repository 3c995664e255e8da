package io.sagaflow.app.config;

import java.util.Locale;

/** Where the Kafka cluster comes from. */
public enum RunMode {
  /** Start a single-node broker inside this process, keeping its data under the data directory. */
  EMBEDDED,
  /** Connect to the cluster named by {@code kafka.bootstrap.servers}; start nothing else. */
  EXTERNAL;

  /** The lower-case name used in settings. */
  public String settingValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
