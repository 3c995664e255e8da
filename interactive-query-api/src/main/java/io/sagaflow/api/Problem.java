package io.sagaflow.api;

/**
 * An RFC 9457 problem document, the body of every error answer.
 *
 * @param type URI naming the kind of problem; docs/api.md lists them
 * @param title short summary of the kind
 * @param status the HTTP status code
 * @param detail what was wrong with this request and what to do about it
 * @param instance the request path
 */
public record Problem(String type, String title, int status, String detail, String instance) {
  /** The media type of problem answers. */
  public static final String MEDIA_TYPE = "application/problem+json";
}
