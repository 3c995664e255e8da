package io.sagaflow.serde;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One JSON request to the registry with authentication, timeouts and bounded retries, turning every
 * failure into a {@link SchemaRegistryException} whose message names the request and what to do.
 */
final class RegistryTransport {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private final RegistryClientSettings settings;
  private final HttpClient http;

  RegistryTransport(RegistryClientSettings settings) {
    this.settings = settings;
    this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
  }

  URI baseUrl() {
    return settings.baseUrl();
  }

  /**
   * Sends {@code method path} with a JSON body ({@code null} for none) and returns the parsed
   * answer: a JSON null for an empty one.
   */
  JsonValue send(String method, String path, JsonValue body) {
    HttpRequest request = request(method, path, body);
    Duration backoff = settings.retryBackoff();
    for (int attempt = 0; ; attempt++) {
      try {
        return once(method, path, request);
      } catch (SchemaRegistryException e) {
        if (!e.isRetriable() || attempt >= settings.maxRetries()) {
          throw e;
        }
      }
      pause(backoff);
      backoff = backoff.multipliedBy(2);
    }
  }

  private JsonValue once(String method, String path, HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new SchemaRegistryException(
          0,
          0,
          method
              + " "
              + request.uri()
              + " failed: "
              + e
              + ". Is the schema registry running at "
              + settings.baseUrl()
              + " (scripts/registry status)?",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(0, 0, "Interrupted during " + method + " " + path, e);
    }
    String body = response.body();
    if (response.statusCode() / 100 != 2) {
      throw RegistryErrors.from(method, request.uri(), response.statusCode(), parseError(body));
    }
    try {
      return parse(body);
    } catch (MalformedJsonException e) {
      throw SchemaRegistryException.notARegistry(
          response.statusCode(),
          method
              + " "
              + request.uri()
              + " -> HTTP "
              + response.statusCode()
              + " with an answer that is not JSON ("
              + e.getMessage()
              + "): "
              + body
              + ". Check that "
              + settings.baseUrl()
              + " is a Confluent-compatible schema registry and not, say, a proxy's login page.",
          e);
    }
  }

  private HttpRequest request(String method, String path, JsonValue body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(settings.baseUrl() + path))
            .timeout(settings.requestTimeout())
            .header("Accept", CONTENT_TYPE);
    settings.credentials().authorizationHeader().ifPresent(h -> builder.header("Authorization", h));
    if (body == null) {
      return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
    }
    return builder
        .header("Content-Type", CONTENT_TYPE)
        .method(method, HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
  }

  private static JsonValue parse(String body) {
    return body == null || body.isBlank() ? new JsonValue.Null() : RegistryJson.parse(body);
  }

  /** An error answer; one that is not JSON (a proxy's HTML error page, say) is kept as text. */
  private static JsonValue parseError(String body) {
    try {
      return parse(body);
    } catch (MalformedJsonException e) {
      return new JsonValue.Str(body);
    }
  }

  private static void pause(Duration backoff) {
    try {
      Thread.sleep(backoff.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(0, 0, "Interrupted while waiting to retry", e);
    }
  }
}
