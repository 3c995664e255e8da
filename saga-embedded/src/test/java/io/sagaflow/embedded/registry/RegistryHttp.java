package io.sagaflow.embedded.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Raw HTTP against the registry, so the tests see exactly the status codes and bodies on the wire.
 */
final class RegistryHttp {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One response: status and parsed JSON body. */
  record Reply(int status, JsonNode body) {
    int errorCode() {
      return body.path("error_code").asInt();
    }
  }

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;

  RegistryHttp(URI base) {
    this.base = base;
  }

  Reply get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  Reply post(String path, String body) {
    return send(
        HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Reply put(String path, String body) {
    return send(
        HttpRequest.newBuilder(base.resolve(path)).PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  Reply register(String subject, String schema) {
    return post("/subjects/" + subject + "/versions", schemaBody(schema));
  }

  int registerOk(String subject, String schema) {
    Reply reply = register(subject, schema);
    if (reply.status() != 200) {
      throw new AssertionError("registration failed: " + reply);
    }
    return reply.body().get("id").asInt();
  }

  static String schemaBody(String schema) {
    try {
      return JSON.writeValueAsString(Map.of("schema", schema));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          client.send(
              request
                  .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), JSON.readTree(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
