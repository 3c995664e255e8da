package io.sagaflow.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Forwards a read to another instance (the owner of a saga, or every other instance for search and
 * dead letters): one hop, bounded by a timeout, marked with {@link #HEADER} so the receiver answers
 * from its own stores and never forwards again.
 *
 * <p>The caller's {@code Authorization} header travels with the read, so the receiving instance
 * applies its own token check to the caller's credentials: a forward never grants more than the
 * caller had, and reads keep working across instances when they require the token.
 */
final class Forwarder {
  /** Marks a forwarded request; its value is the forwarding instance. */
  static final String HEADER = "X-Sagaflow-Forwarded";

  private static final String AUTHORIZATION = "Authorization";

  private final HttpClient client;
  private final Duration timeout;
  private final String self;

  Forwarder(Duration timeout, String self) {
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.timeout = timeout;
    this.self = self;
  }

  /**
   * A read to repeat on another instance.
   *
   * @param pathAndQuery already encoded
   * @param authorization the caller's {@code Authorization} header, when it sent one
   */
  record Read(String pathAndQuery, Optional<String> authorization) {
    /** {@code pathAndQuery} with the credentials of the request {@code ctx}. */
    static Read of(Context ctx, String pathAndQuery) {
      return new Read(pathAndQuery, Forwarder.authorization(ctx));
    }
  }

  /** The {@code Authorization} header of {@code ctx}, to pass on with a forwarded read. */
  static Optional<String> authorization(Context ctx) {
    return Optional.ofNullable(ctx.header(AUTHORIZATION));
  }

  /** The owner's answer as it came. */
  record Answer(int status, String contentType, Optional<String> retryAfter, String body) {}

  /**
   * Gets {@code /sagas/{sagaId}} from {@code owner}.
   *
   * @throws ApiProblem 503 when the owner does not answer in time
   */
  Answer status(HostInfo owner, String sagaId, Optional<String> authorization) {
    return get(
        owner,
        new Read("/sagas/" + URLEncoder.encode(sagaId, StandardCharsets.UTF_8), authorization));
  }

  /**
   * Gets {@code read} from {@code owner}, marked as forwarded so the owner answers from its own
   * stores only.
   *
   * @throws ApiProblem 503 when the owner does not answer in time
   */
  Answer get(HostInfo owner, Read read) {
    URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + read.pathAndQuery());
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout).header(HEADER, self);
    read.authorization().ifPresent(value -> builder.header(AUTHORIZATION, value));
    HttpRequest request = builder.GET().build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse("application/json"),
          response.headers().firstValue("Retry-After"),
          response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ownerUnreachable(owner, e);
    } catch (IOException e) {
      throw ownerUnreachable(owner, e);
    }
  }

  private ApiProblem ownerUnreachable(HostInfo owner, Exception cause) {
    return ApiProblem.unavailable(
        "owner-unreachable",
        "Instance "
            + owner.host()
            + ":"
            + owner.port()
            + " did not answer within "
            + timeout.toMillis()
            + " ms ("
            + cause.getClass().getSimpleName()
            + "); it may be restarting or rebalancing. Retry shortly.",
        2);
  }
}
