package io.sagaflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a bounded JSON request body, answering 411, 413, 415 and 400 problems a client can act on.
 * A body is taken only when it is exactly one JSON object, uncompressed, declared as {@code
 * application/json}: anything else is refused rather than guessed at, so what the client meant is
 * never silently replaced by what the server happened to parse.
 */
final class JsonBodies {
  static final String MEDIA_TYPE = "application/json";

  // Jackson by default stops after the first value ("{} xyz" reads as {}), keeps the last of two
  // equal keys, and reads 42.50 as a double; all three would let a body mean something other than
  // what was sent (a double cannot tell 0.1 from 0.1000000000000000055511151231257827).
  private final ObjectReader reader;
  private final long maxBytes;

  JsonBodies(ObjectMapper mapper, long maxBytes) {
    this.reader =
        mapper
            .reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    this.maxBytes = maxBytes;
  }

  /** The body as a JSON object. */
  JsonNode object(Context ctx) {
    requireLength(ctx);
    requireNoContentEncoding(ctx);
    requireJsonContentType(ctx);
    byte[] body = bounded(ctx);
    if (body.length == 0) {
      throw ApiProblem.badRequest("The request body is empty; send a JSON object.");
    }
    JsonNode node;
    try {
      node = reader.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiProblem.of(
          400,
          "invalid-json",
          "Malformed JSON",
          "The request body is not valid JSON: "
              + e.getOriginalMessage()
              + ". Send exactly one JSON object, each field once, with nothing after it.");
    } catch (IOException e) {
      throw ApiProblem.badRequest("The request body could not be read: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw ApiProblem.badRequest("The request body must be a JSON object.");
    }
    return node;
  }

  /**
   * Without {@code Content-Length} or {@code Transfer-Encoding} an HTTP/1.1 request has no body at
   * all, which is a client that forgot to send one (or a proxy that dropped it).
   */
  private static void requireLength(Context ctx) {
    if (ctx.req().getContentLengthLong() < 0 && ctx.header("Transfer-Encoding") == null) {
      throw ApiProblem.of(
          411,
          "length-required",
          "Length required",
          "The request has neither Content-Length nor Transfer-Encoding, so it carries no body;"
              + " send the JSON object with its Content-Length.");
    }
  }

  private void requireNoContentEncoding(Context ctx) {
    List<String> encodings = Collections.list(ctx.req().getHeaders("Content-Encoding"));
    boolean identity =
        encodings.stream()
            .flatMap(v -> List.of(v.split(",", -1)).stream())
            .map(String::trim)
            .allMatch(v -> v.isEmpty() || v.equalsIgnoreCase("identity"));
    if (!identity) {
      // RFC 9110 15.5.16: a 415 for a content coding names the acceptable ones in Accept-Encoding.
      ctx.header("Accept-Encoding", "identity");
      throw ApiProblem.of(
          415,
          "unsupported-media-type",
          "Unsupported media type",
          "This server does not decode compressed request bodies (Content-Encoding: "
              + String.join(", ", encodings)
              + "); send the JSON uncompressed, without Content-Encoding. Bodies are at most "
              + maxBytes
              + " bytes.");
    }
  }

  private static void requireJsonContentType(Context ctx) {
    String header = ctx.header("Content-Type");
    Optional<String> problem = contentTypeProblem(header);
    if (problem.isPresent()) {
      throw ApiProblem.of(
          415,
          "unsupported-media-type",
          "Unsupported media type",
          problem.get()
              + "; this route accepts only '"
              + MEDIA_TYPE
              + "' (optionally with charset=utf-8). Send the body as JSON with 'Content-Type: "
              + MEDIA_TYPE
              + "'.");
    }
  }

  /** Why {@code header} does not declare a UTF-8 JSON body, or empty when it does. */
  static Optional<String> contentTypeProblem(String header) {
    if (header == null || header.isBlank()) {
      return Optional.of("The request has no Content-Type");
    }
    String[] parts = header.split(";", -1);
    String type = parts[0].trim().toLowerCase(Locale.ROOT);
    if (!type.equals(MEDIA_TYPE)) {
      return Optional.of("Content-Type '" + header + "' is not JSON");
    }
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].split("=", 2);
      if (parameter[0].trim().equalsIgnoreCase("charset")) {
        String charset = parameter.length == 2 ? parameter[1].trim().replace("\"", "") : "";
        // RFC 8259: JSON exchanged between systems is UTF-8; another charset would be misread.
        if (!charset.equalsIgnoreCase("utf-8")) {
          return Optional.of("Content-Type '" + header + "' declares another charset than UTF-8");
        }
      }
    }
    return Optional.empty();
  }

  /** A text field of {@code body}, absent when missing or null; 400 when of another type. */
  static Optional<String> text(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw ApiProblem.badRequest("Field '" + field + "' must be a string.");
    }
    return Optional.of(node.textValue());
  }

  private byte[] bounded(Context ctx) {
    long declared = ctx.contentLength();
    if (declared > maxBytes) {
      throw tooLarge(declared);
    }
    byte[] body;
    try {
      body =
          ctx.req()
              .getInputStream()
              .readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
    } catch (IOException e) {
      throw ApiProblem.badRequest("The request body could not be read: " + e.getMessage());
    }
    if (body.length > maxBytes) {
      // Chunked, so no declared length: the size is only known to be over the limit.
      throw tooLarge(body.length);
    }
    return body;
  }

  private ApiProblem tooLarge(long size) {
    return ApiProblem.of(
        413,
        "body-too-large",
        "Request body too large",
        "The request body has "
            + size
            + " bytes; this server accepts at most "
            + maxBytes
            + ". Saga data belongs in the body, documents and files do not.");
  }
}
