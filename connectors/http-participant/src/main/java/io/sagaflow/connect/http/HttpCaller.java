package io.sagaflow.connect.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;

/**
 * Posts one command and retries what is worth retrying, without blocking a thread while it waits: a
 * batch's commands are all in flight at once, so one slow participant does not serialise them.
 */
final class HttpCaller {
  /** Error code of the retriable-failure reply when the participant could not be reached. */
  static final String UNREACHABLE_CODE = "HTTP_UNREACHABLE";

  private final HttpClient client;
  private final Duration timeout;
  private final RetryPolicy retry;

  HttpCaller(HttpClient client, Duration timeout, RetryPolicy retry) {
    this.client = client;
    this.timeout = timeout;
    this.retry = retry;
  }

  /**
   * The outcome of posting {@code body} to {@code target} with {@code headers}; a transient fault
   * still there after the last attempt becomes a retriable-failure answer.
   */
  CompletableFuture<Outcome> post(
      URI target, Map<String, String> headers, String body, Optional<Schema> result) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target)
            .timeout(timeout)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(request::header);
    return attempt(request.build(), result, 1);
  }

  private CompletableFuture<Outcome> attempt(HttpRequest request, Optional<Schema> result, int n) {
    String target = request.method() + " " + request.uri();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .handle(
            (response, error) ->
                error == null
                    ? AnswerMapping.map(response.statusCode(), response.body(), result, target)
                    : unreachable(error, target))
        .thenCompose(
            outcome -> {
              if (!(outcome instanceof Outcome.Transient fault)) {
                return CompletableFuture.completedFuture(outcome);
              }
              if (n >= retry.attempts()) {
                return CompletableFuture.completedFuture(
                    new Outcome.Answered(
                        io.sagaflow.participant.Reply.retriableFailure(
                            fault.code(), fault.message() + " (" + n + " attempts)")));
              }
              long wait =
                  retry.backoff(n, () -> ThreadLocalRandom.current().nextDouble()).toMillis();
              return CompletableFuture.supplyAsync(
                      () -> null, CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS))
                  .thenCompose(ignored -> attempt(request, result, n + 1));
            });
  }

  private static Outcome unreachable(Throwable error, String target) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String what =
        cause instanceof HttpTimeoutException
            ? "no answer in time"
            : cause instanceof IOException ? "no connection" : cause.getClass().getName();
    return new Outcome.Transient(
        UNREACHABLE_CODE, what + " from " + target + " (" + cause.getClass().getSimpleName() + ")");
  }
}
