package io.sagaflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.serde.Redaction;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a start whose {@code Idempotency-Key} was already used with other data: {@code 422}, as
 * the IETF Idempotency-Key draft asks, instead of a 202 for a body the engine would then drop as a
 * duplicate of the first. A retry with the same data passes, so retrying stays safe.
 *
 * <p>Two sources, because the engine keeps no copy of a start's request: {@link RecentStarts}, what
 * this instance accepted lately (exact, also before the first start is processed), and the saga's
 * stored state, read like {@code GET /sagas/{sagaId}} (on any instance, but only while the stored
 * data is still the start's data, and comparing only what the status view shows: fields tagged pii
 * or secret are masked there). What neither can see is accepted as before; docs/api.md says which
 * cases those are.
 */
final class IdempotencyKeys {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeys.class);

  /**
   * Step statuses a step can have without ever having succeeded. Saga data changes only when a step
   * succeeds with a result (its reply mapping), so while every step is in one of these the stored
   * data is exactly the start's. Any other status, including one added later, means "may have
   * changed", and the stored data then proves nothing.
   */
  private static final Set<String> NEVER_SUCCEEDED =
      Set.of("PENDING", "AWAITING_REPLY", "RETRY_SCHEDULED", "FAILED", "SKIPPED");

  private final RecentStarts recent;
  private final SagaLookup lookup;
  private final ObjectMapper mapper;

  IdempotencyKeys(RecentStarts recent, SagaLookup lookup, ObjectMapper mapper) {
    this.recent = recent;
    this.lookup = lookup;
    this.mapper = mapper;
  }

  /**
   * A keyed start to check before it is written.
   *
   * @param digest {@link #digest} of the data's encoding, which is what the start writes
   */
  record Start(
      String sagaId,
      String key,
      int definitionVersion,
      SpecificRecord data,
      String digest,
      Optional<String> authorization) {}

  /** A start that passed; hand it to {@link #notWritten} if writing it fails. */
  record Admitted(String sagaId, String digest) {}

  /**
   * Passes a first start or a retry of the same start.
   *
   * @throws ApiProblem 422 {@code idempotency-key-reused} when the key names a start with other
   *     data
   */
  Admitted admit(Start start) {
    String digest = start.digest();
    return switch (recent.claim(start.sagaId(), digest)) {
      case CONFLICT -> throw reused(start, "this instance accepted it");
      case SAME -> new Admitted(start.sagaId(), digest);
      case NEW -> {
        try {
          checkStored(start);
        } catch (ApiProblem e) {
          recent.forget(start.sagaId(), digest);
          throw e;
        }
        yield new Admitted(start.sagaId(), digest);
      }
    };
  }

  /** Forgets an admitted start Kafka did not take, so a corrected retry is not refused. */
  void notWritten(Admitted admitted) {
    recent.forget(admitted.sagaId(), admitted.digest());
  }

  private void checkStored(Start start) {
    Optional<JsonNode> stored = storedView(start);
    if (stored.isEmpty() || !stillStartData(stored.get(), start.definitionVersion())) {
      return;
    }
    JsonNode offered = normalized(Redaction.redact(start.data()));
    if (!offered.equals(stored.get().get("data"))) {
      throw reused(start, "the saga's stored data differs from this body");
    }
  }

  private Optional<JsonNode> storedView(Start start) {
    SagaLookup.Answer answer;
    try {
      answer = lookup.find(start.sagaId(), false, start.authorization());
    } catch (ApiProblem e) {
      if (e.status() != 404) {
        unchecked(start, e.getMessage());
      }
      return Optional.empty();
    }
    if (answer instanceof SagaLookup.Local local) {
      return Optional.of(normalized(local.body()));
    }
    Forwarder.Answer relayed = ((SagaLookup.Forwarded) answer).answer();
    if (relayed.status() == 200) {
      try {
        return Optional.of(mapper.readTree(relayed.body()));
      } catch (IOException e) {
        unchecked(start, "the owner's answer is not JSON: " + e.getMessage());
        return Optional.empty();
      }
    }
    if (relayed.status() != 404) {
      unchecked(start, "the owner answered " + relayed.status());
    }
    return Optional.empty();
  }

  private static boolean stillStartData(JsonNode view, int definitionVersion) {
    JsonNode steps = view.path("steps");
    return view.path("definitionVersion").asInt(-1) == definitionVersion
        && StreamSupport.stream(steps.spliterator(), false)
            .allMatch(step -> NEVER_SUCCEEDED.contains(step.path("status").asText()));
  }

  /**
   * A saga that cannot be read now (restoring, rebalancing, owner away) cannot be compared: the
   * start is accepted as it was before this check existed, rather than made unavailable.
   */
  private static void unchecked(Start start, String why) {
    LOG.info(
        "Start of saga {} with an Idempotency-Key accepted without comparing it to the stored"
            + " saga, which could not be read: {}",
        start.sagaId(),
        why);
  }

  /** Both sides of a comparison through one JSON round trip, so numbers and maps compare alike. */
  private JsonNode normalized(Object value) {
    try {
      return mapper.readTree(mapper.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new IllegalStateException("A status view must always serialize", e);
    }
  }

  private static ApiProblem reused(Start start, String how) {
    return ApiProblem.of(
        422,
        "idempotency-key-reused",
        "Idempotency-Key reused with a different body",
        "Idempotency-Key '"
            + start.key()
            + "' already started saga "
            + start.sagaId()
            + " with other data ("
            + how
            + "); nothing was written. A key names one start: resend exactly the first body to"
            + " retry it, or send a new key to start another saga. GET /sagas/"
            + start.sagaId()
            + " shows the saga the key started.");
  }

  /** SHA-256 of {@code encoded}, in hex. */
  static String digest(byte[] encoded) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has SHA-256", e);
    }
  }
}
