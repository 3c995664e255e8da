package io.sagaflow.api;

import java.util.Optional;

/**
 * A failure answered as an RFC 9457 problem. Thrown by route handlers; the server renders it as
 * {@code application/problem+json} with the request path as {@code instance}.
 */
public final class ApiProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Base of the problem type URIs; each type is documented in docs/api.md under its slug. */
  public static final String TYPE_BASE = "https://sagaflow.io/problems/";

  private final int status;
  private final String slug;
  private final String title;
  private final transient Optional<Integer> retryAfterSeconds;

  private ApiProblem(
      int status, String slug, String title, String detail, Optional<Integer> retryAfter) {
    super(detail);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.retryAfterSeconds = retryAfter;
  }

  /** A problem of {@code status}, typed by {@code slug}, with a person-readable detail. */
  public static ApiProblem of(int status, String slug, String title, String detail) {
    return new ApiProblem(status, slug, title, detail, Optional.empty());
  }

  /** 503 with {@code Retry-After}: the caller should try again shortly. */
  public static ApiProblem unavailable(String slug, String detail, int retryAfterSeconds) {
    return new ApiProblem(
        503, slug, "Temporarily unavailable", detail, Optional.of(retryAfterSeconds));
  }

  /** 400 for an invalid path, query or body part. */
  public static ApiProblem badRequest(String detail) {
    return of(400, "invalid-request", "Invalid request", detail);
  }

  public int status() {
    return status;
  }

  public String type() {
    return TYPE_BASE + slug;
  }

  public String title() {
    return title;
  }

  public Optional<Integer> retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The problem document for a request to {@code instance}. */
  public Problem toProblem(String instance) {
    return new Problem(type(), title, status, getMessage(), instance);
  }
}
