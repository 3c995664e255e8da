package io.sagaflow.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  static final ObjectMapper JSON = new ObjectMapper();

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

  /** Sends {@code method path} with an optional JSON body and returns the parsed answer. */
  JsonNode send(String method, String path, JsonNode body) {
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

  private JsonNode once(String method, String path, HttpRequest request) {
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
    JsonNode json = parse(response.body());
    if (response.statusCode() / 100 == 2) {
      return json;
    }
    throw RegistryErrors.from(method, request.uri(), response.statusCode(), json);
  }

  private HttpRequest request(String method, String path, JsonNode body) {
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

  private static JsonNode parse(String body) {
    try {
      return body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
    } catch (IOException e) {
      // A proxy's HTML error page, for example: keep the text for the message.
      return JSON.getNodeFactory().textNode(body);
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
