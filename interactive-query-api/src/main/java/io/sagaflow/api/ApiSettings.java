package io.sagaflow.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;

/**
 * How one API server runs.
 *
 * @param host the interface to bind, {@code 127.0.0.1} unless configured otherwise
 * @param port the port to bind; 0 picks a free one
 * @param sagasEnabled whether the saga entrypoints (start, cancel, operator, callback) accept input
 * @param bearerToken when present, the entrypoints require {@code Authorization: Bearer <token>}
 * @param tokenOnReads whether the read routes ({@code GET /sagas}, {@code GET /sagas/{sagaId}},
 *     {@code GET /sagas/{sagaId}/dead-letters}) require the bearer token too; needs {@code
 *     bearerToken}. Health, metrics, the contract and the UI's static files stay open either way.
 * @param advertised this instance's {@code application.server}; absent on a single instance, where
 *     every saga is read locally
 * @param maxBodyBytes largest request body accepted; larger ones get 413
 * @param forwardTimeout how long a read forwarded to the owning instance may take
 * @param autoRegister whether schemas of records the API produces are registered on first use
 */
public record ApiSettings(
    String host,
    int port,
    boolean sagasEnabled,
    Optional<String> bearerToken,
    boolean tokenOnReads,
    Optional<HostInfo> advertised,
    long maxBodyBytes,
    Duration forwardTimeout,
    boolean autoRegister) {

  /** Default body limit: saga data is small; 64 KiB is generous. */
  public static final long DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  /** Default timeout of a forwarded read. */
  public static final Duration DEFAULT_FORWARD_TIMEOUT = Duration.ofSeconds(2);

  /** Rejects missing parts and out-of-range numbers. */
  public ApiSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(bearerToken, "bearerToken");
    Objects.requireNonNull(advertised, "advertised");
    Objects.requireNonNull(forwardTimeout, "forwardTimeout");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
    }
    if (forwardTimeout.isNegative() || forwardTimeout.isZero()) {
      throw new IllegalArgumentException("forwardTimeout must be positive");
    }
    if (bearerToken.filter(String::isBlank).isPresent()) {
      throw new IllegalArgumentException("bearerToken must not be blank; leave it absent instead");
    }
    // Failing here, not serving reads open: a deployment that asked for guarded reads must not get
    // open ones because the token was forgotten.
    if (tokenOnReads && bearerToken.isEmpty()) {
      throw new IllegalArgumentException(
          "tokenOnReads needs a bearerToken to check reads against; set the token first");
    }
  }

  /** Sagas enabled, no token, single instance, free port on 127.0.0.1, default limits. */
  public static ApiSettings defaults() {
    return new ApiSettings(
        "127.0.0.1",
        0,
        true,
        Optional.empty(),
        false,
        Optional.empty(),
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_FORWARD_TIMEOUT,
        false);
  }

  public ApiSettings withPort(int value) {
    return new ApiSettings(
        host,
        value,
        sagasEnabled,
        bearerToken,
        tokenOnReads,
        advertised,
        maxBodyBytes,
        forwardTimeout,
        autoRegister);
  }

  public ApiSettings withSagasEnabled(boolean value) {
    return new ApiSettings(
        host,
        port,
        value,
        bearerToken,
        tokenOnReads,
        advertised,
        maxBodyBytes,
        forwardTimeout,
        autoRegister);
  }

  public ApiSettings withBearerToken(String value) {
    return new ApiSettings(
        host,
        port,
        sagasEnabled,
        Optional.of(value),
        tokenOnReads,
        advertised,
        maxBodyBytes,
        forwardTimeout,
        autoRegister);
  }

  /** Settings for an instance whose {@code application.server} is {@code value}. */
  public ApiSettings withAdvertised(HostInfo value) {
    return new ApiSettings(
        host,
        port,
        sagasEnabled,
        bearerToken,
        tokenOnReads,
        Optional.of(value),
        maxBodyBytes,
        forwardTimeout,
        autoRegister);
  }

  public ApiSettings withMaxBodyBytes(long value) {
    return new ApiSettings(
        host,
        port,
        sagasEnabled,
        bearerToken,
        tokenOnReads,
        advertised,
        value,
        forwardTimeout,
        autoRegister);
  }

  public ApiSettings withAutoRegister(boolean value) {
    return new ApiSettings(
        host,
        port,
        sagasEnabled,
        bearerToken,
        tokenOnReads,
        advertised,
        maxBodyBytes,
        forwardTimeout,
        value);
  }

  /**
   * Settings whose read routes also require the bearer token ({@code true}) or stay open ({@code
   * false}); {@link #withBearerToken} must come first.
   */
  public ApiSettings withTokenOnReads(boolean value) {
    return new ApiSettings(
        host,
        port,
        sagasEnabled,
        bearerToken,
        value,
        advertised,
        maxBodyBytes,
        forwardTimeout,
        autoRegister);
  }
}
