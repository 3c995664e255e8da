package io.sagaflow.app.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Decides which settings hold secrets, so that logs never print them. */
public final class Secrets {
  /** What a redacted value is replaced with. */
  public static final String REDACTED = "[redacted]";

  // Kafka's own secret settings end in .password, .jaas.config, .key or user.info; ours use token.
  private static final Pattern SECRET_KEY =
      Pattern.compile(
          ".*(password|secret|token|jaas\\.config|credentials|user\\.info|private\\.key|\\.key)$");

  private Secrets() {}

  /** Whether the setting named {@code key} holds a secret. */
  public static boolean isSecret(String key) {
    return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches();
  }

  /** {@code value}, or {@link #REDACTED} when {@code key} names a secret. */
  public static String redact(String key, String value) {
    return isSecret(key) ? REDACTED : value;
  }
}
