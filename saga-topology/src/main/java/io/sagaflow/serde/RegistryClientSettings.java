package io.sagaflow.serde;

import java.net.URI;
import java.time.Duration;

/**
 * Where the registry is and how patiently to talk to it. Retries apply to 5xx answers and I/O
 * failures only: a 4xx means the request itself is wrong and repeating it cannot help.
 *
 * @param baseUrl registry root, for example {@code http://127.0.0.1:8081}
 * @param connectTimeout TCP connect timeout
 * @param requestTimeout timeout of one HTTP exchange
 * @param maxRetries retries after the first attempt (0 disables retrying)
 * @param retryBackoff wait before the first retry; doubled for each further one
 * @param credentials how to authenticate
 */
public record RegistryClientSettings(
    URI baseUrl,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxRetries,
    Duration retryBackoff,
    RegistryCredentials credentials) {

  public RegistryClientSettings {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
    }
    String text = baseUrl.toString();
    if (text.endsWith("/")) {
      baseUrl = URI.create(text.substring(0, text.length() - 1));
    }
  }

  /** Defaults: 5 s connect, 10 s per request, 3 retries starting at 100 ms, no credentials. */
  public static RegistryClientSettings of(String baseUrl) {
    return new RegistryClientSettings(
        URI.create(baseUrl),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        3,
        Duration.ofMillis(100),
        RegistryCredentials.none());
  }

  public RegistryClientSettings withCredentials(RegistryCredentials value) {
    return new RegistryClientSettings(
        baseUrl, connectTimeout, requestTimeout, maxRetries, retryBackoff, value);
  }

  public RegistryClientSettings withRetries(int retries, Duration backoff) {
    return new RegistryClientSettings(
        baseUrl, connectTimeout, requestTimeout, retries, backoff, credentials);
  }

  public RegistryClientSettings withRequestTimeout(Duration value) {
    return new RegistryClientSettings(
        baseUrl, connectTimeout, value, maxRetries, retryBackoff, credentials);
  }
}
