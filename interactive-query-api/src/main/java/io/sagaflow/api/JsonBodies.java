package io.sagaflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Optional;

/** Reads a bounded JSON request body, answering 413 and 400 problems a client can act on. */
final class JsonBodies {
  private final ObjectMapper mapper;
  private final long maxBytes;

  JsonBodies(ObjectMapper mapper, long maxBytes) {
    this.mapper = mapper;
    this.maxBytes = maxBytes;
  }

  /** The body as a JSON object. */
  JsonNode object(Context ctx) {
    byte[] body = bounded(ctx);
    if (body.length == 0) {
      throw ApiProblem.badRequest("The request body is empty; send a JSON object.");
    }
    JsonNode node;
    try {
      node = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiProblem.of(
          400,
          "invalid-json",
          "Malformed JSON",
          "The request body is not valid JSON: " + e.getOriginalMessage() + ".");
    } catch (IOException e) {
      throw ApiProblem.badRequest("The request body could not be read: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw ApiProblem.badRequest("The request body must be a JSON object.");
    }
    return node;
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
