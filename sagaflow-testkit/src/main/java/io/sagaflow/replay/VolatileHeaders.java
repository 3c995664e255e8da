package io.sagaflow.replay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Headers whose bytes depend on where the replay runs rather than on the inputs. Kafka Streams puts
 * the failing exception's stack trace on dead letters; its frames name the JVM, the test runner or
 * the CLI, and the line numbers of whatever code changed last. Such a header is compared for
 * presence and position only: both sides carry {@link #PLACEHOLDER} instead of the trace.
 */
final class VolatileHeaders {
  static final Set<String> NAMES = Set.of("__streams.errors.stacktrace");
  static final String PLACEHOLDER = "(stack trace: compared for presence only)";

  private VolatileHeaders() {}

  static List<FixtureHeader> normalise(List<FixtureHeader> headers) {
    List<FixtureHeader> out = new ArrayList<>(headers.size());
    for (FixtureHeader header : headers) {
      out.add(
          NAMES.contains(header.name())
              ? FixtureHeader.of(header.name(), PLACEHOLDER.getBytes(StandardCharsets.UTF_8))
              : header);
    }
    return out;
  }
}
