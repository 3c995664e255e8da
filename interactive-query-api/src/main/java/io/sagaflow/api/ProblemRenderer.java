package io.sagaflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.sagaflow.serde.SchemaRegistryException;
import java.io.EOFException;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into an RFC 9457 problem: our own {@link ApiProblem}s, Javalin's HTTP
 * exceptions (an oversized body, an unknown route) and unexpected bugs, which are logged with their
 * stack trace and answered without it.
 */
final class ProblemRenderer {
  /** How much of an unread body is dropped before answering a problem; beyond it, close. */
  private static final long DISCARD_LIMIT = 64L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ProblemRenderer.class);

  private final ObjectMapper mapper;
  private final long maxBodyBytes;

  ProblemRenderer(ObjectMapper mapper, long maxBodyBytes) {
    this.mapper = mapper;
    this.maxBodyBytes = maxBodyBytes;
  }

  void install(RoutesConfig routes) {
    routes.exception(ApiProblem.class, (e, ctx) -> render(ctx, e));
    routes.exception(
        HttpResponseException.class, (e, ctx) -> render(ctx, fromJavalin(ctx, e.getStatus(), e)));
    // Encoding needs the schema registry: unreachable, or a schema not registered while
    // auto-registration is off. Nothing was written, so the client may retry as is.
    routes.exception(SerializationException.class, (e, ctx) -> render(ctx, schemaUnavailable(e)));
    routes.exception(SchemaRegistryException.class, (e, ctx) -> render(ctx, schemaUnavailable(e)));
    routes.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("Unexpected failure answering {} {}", ctx.method(), ctx.path(), e);
          render(
              ctx,
              ApiProblem.of(
                  500,
                  "internal-error",
                  "Internal error",
                  "The server failed unexpectedly ("
                      + e.getClass().getSimpleName()
                      + "); the failure is logged. Retry; if it persists, report it with the time"
                      + " of the request."));
        });
  }

  private ApiProblem fromJavalin(Context ctx, int status, HttpResponseException e) {
    if (status == 413) {
      return ApiProblem.of(
          413,
          "body-too-large",
          "Request body too large",
          "The request body exceeds the limit of " + maxBodyBytes + " bytes.");
    }
    if (status == 404) {
      return noSuchRoute(ctx);
    }
    return ApiProblem.of(status, "http-" + status, "HTTP " + status, e.getMessage());
  }

  private static ApiProblem schemaUnavailable(RuntimeException e) {
    return ApiProblem.unavailable(
        "schema-unavailable",
        "The schema registry could not encode or decode a record: "
            + e.getMessage()
            + ". Nothing was written; retry once the registry answers and the schema is"
            + " registered.",
        5);
  }

  private static ApiProblem noSuchRoute(Context ctx) {
    return ApiProblem.of(
        404,
        "no-such-route",
        "No such route",
        "No route " + ctx.method() + " " + ctx.path() + "; GET /openapi.yaml lists every route.");
  }

  void render(Context ctx, ApiProblem problem) {
    discardUnreadBody(ctx);
    problem.retryAfterSeconds().ifPresent(s -> ctx.header("Retry-After", Integer.toString(s)));
    String body;
    try {
      body = mapper.writeValueAsString(problem.toProblem(ctx.path()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A problem document must always serialize", e);
    }
    ctx.status(problem.status()).contentType(Problem.MEDIA_TYPE).result(body);
  }

  /**
   * Reads and drops what the client may still be sending (up to {@link #DISCARD_LIMIT}). A problem
   * is often answered before the body is read (too large, no token, sagas disabled); answering with
   * request bytes unread makes the server close the connection, and a client still writing can then
   * see the reset instead of the answer ("header parser received no bytes").
   */
  private static void discardUnreadBody(Context ctx) {
    try {
      ctx.req().getInputStream().skipNBytes(DISCARD_LIMIT);
    } catch (EOFException e) {
      // Everything the client sent is read: the usual case.
    } catch (IOException | RuntimeException e) {
      // The client went away or the body was already consumed; the answer goes out regardless.
    }
  }
}
