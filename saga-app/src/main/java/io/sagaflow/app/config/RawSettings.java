package io.sagaflow.app.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of raw {@code key=value} settings. Every failure is a {@link ConfigException} whose
 * message names the setting, the value and what would be accepted.
 */
final class RawSettings {
  private final Map<String, String> raw;

  RawSettings(Map<String, String> raw) {
    this.raw = raw;
  }

  Optional<String> optional(String key) {
    return Optional.ofNullable(raw.get(key)).map(String::trim).filter(v -> !v.isEmpty());
  }

  String required(String key) {
    return optional(key)
        .orElseThrow(
            () ->
                new ConfigException(
                    "Setting " + key + " is empty; give it a value or leave it unset."));
  }

  <E extends Enum<E>> E enumValue(String key, Class<E> type) {
    String value = required(key);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value)) {
        return constant;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E constant : type.getEnumConstants()) {
      allowed
          .append(allowed.length() == 0 ? "" : ", ")
          .append(constant.name().toLowerCase(Locale.ROOT));
    }
    throw new ConfigException(
        "Invalid value '" + value + "' for " + key + ": expected one of " + allowed + ".");
  }

  boolean bool(String key) {
    String value = required(key).toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new ConfigException(
              "Invalid value '" + value + "' for " + key + ": expected true or false.");
    };
  }

  /** {@code key} as a boolean when set, else {@code fallback}. */
  boolean bool(String key, boolean fallback) {
    return optional(key).isPresent() ? bool(key) : fallback;
  }

  int integer(String key, int min, int max) {
    return (int) longValue(key, min, max);
  }

  long longValue(String key, long min, long max) {
    String value = required(key);
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(
          "Invalid value '" + value + "' for " + key + ": expected a whole number.");
    }
    if (n < min || n > max) {
      throw new ConfigException(
          "Invalid value " + n + " for " + key + ": expected " + min + " to " + max + ".");
    }
    return n;
  }

  /** A probability: a decimal number from 0 to 1, for example 0.1 for 10%. */
  double rate(String key) {
    String value = required(key);
    double n;
    try {
      n = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      n = Double.NaN;
    }
    if (!(n >= 0.0 && n <= 1.0)) {
      throw new ConfigException(
          "Invalid value '"
              + value
              + "' for "
              + key
              + ": expected a rate from 0 to 1 (for example 0.1 for 10%).");
    }
    return n;
  }

  Duration millis(String key, long max) {
    return Duration.ofMillis(longValue(key, 0, max));
  }

  Duration seconds(String key, long min, long max) {
    return Duration.ofSeconds(longValue(key, min, max));
  }

  /**
   * A retention: {@code off} (or unset) keeps forever, else a positive whole number and a unit,
   * {@code s}, {@code m}, {@code h} or {@code d}, for example {@code 90m} or {@code 7d}.
   */
  Optional<Duration> retention(String key) {
    Optional<String> set = optional(key);
    if (set.isEmpty() || set.get().equalsIgnoreCase("off")) {
      return Optional.empty();
    }
    String value = set.get().toLowerCase(Locale.ROOT);
    String expected =
        ": expected off (keep forever) or a positive whole number with a unit s, m, h or d, for"
            + " example 1h or 7d.";
    long amount;
    try {
      amount = Long.parseLong(value.substring(0, value.length() - 1));
    } catch (NumberFormatException e) {
      throw new ConfigException("Invalid value '" + set.get() + "' for " + key + expected);
    }
    if (amount <= 0) {
      throw new ConfigException(
          "Invalid value '" + set.get() + "' for " + key + expected + " Use off to keep forever.");
    }
    Duration unit =
        switch (value.charAt(value.length() - 1)) {
          case 's' -> Duration.ofSeconds(1);
          case 'm' -> Duration.ofMinutes(1);
          case 'h' -> Duration.ofHours(1);
          case 'd' -> Duration.ofDays(1);
          default ->
              throw new ConfigException("Invalid value '" + set.get() + "' for " + key + expected);
        };
    try {
      return Optional.of(unit.multipliedBy(amount));
    } catch (ArithmeticException e) {
      throw new ConfigException("Invalid value '" + set.get() + "' for " + key + expected);
    }
  }

  Path path(String key) {
    String value = required(key);
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new ConfigException("Invalid path '" + value + "' for " + key + ": " + e.getReason());
    }
  }
}
