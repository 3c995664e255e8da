package io.sagaflow.embedded.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reading requests and writing Confluent-shaped JSON responses on the JDK HTTP server. */
final class HttpExchanges {
  /** At most this many bytes of an oversized body are read and thrown away before answering. */
  static final long DISCARD_LIMIT = 64L * 1024 * 1024;

  static final ObjectMapper JSON = new ObjectMapper();

  private static final java.util.regex.Pattern SLASH = java.util.regex.Pattern.compile("/");

  private static final java.util.regex.Pattern AMPERSAND = java.util.regex.Pattern.compile("&");

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private HttpExchanges() {}

  /** Path segments after the leading slash, percent-decoded ('+' stays '+', as in a path). */
  static List<String> segments(HttpExchange exchange) {
    List<String> segments = new ArrayList<>();
    for (String raw : SLASH.splitAsStream(exchange.getRequestURI().getRawPath()).toList()) {
      if (!raw.isEmpty()) {
        segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return segments;
  }

  static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> params = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : AMPERSAND.splitAsStream(raw).toList()) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        params.put(
            URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  /** The body as JSON, refusing more than {@code maxBytes} before parsing anything. */
  static JsonNode jsonBody(HttpExchange exchange, int maxBytes) throws IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null
        && declared.chars().allMatch(Character::isDigit)
        && Long.parseLong(declared) > maxBytes) {
      refuseOversized(exchange, maxBytes);
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(maxBytes + 1);
    }
    if (body.length > maxBytes) {
      refuseOversized(exchange, maxBytes);
    }
    if (body.length == 0) {
      throw RegistryException.badRequest("Empty request body: send a JSON object.");
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw RegistryException.badRequest("Request body must be a JSON object.");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw RegistryException.badRequest(
          "Malformed JSON in request body: " + e.getOriginalMessage() + ".");
    }
  }

  /**
   * Refuses a body over the limit. Closing a socket that still holds unread request bytes makes TCP
   * reset the connection, and the reset can destroy the 413 answer before the client reads it; so a
   * moderately large body is read and discarded first, and only a body beyond {@link
   * #DISCARD_LIMIT} is cut off.
   */
  private static void refuseOversized(HttpExchange exchange, int maxBytes) throws IOException {
    exchange.getResponseHeaders().set("Connection", "close");
    try (InputStream in = exchange.getRequestBody()) {
      long discarded = 0;
      byte[] buffer = new byte[64 * 1024];
      int n;
      while (discarded < DISCARD_LIMIT && (n = in.read(buffer)) >= 0) {
        discarded += n;
      }
    }
    throw tooLarge(maxBytes);
  }

  private static RegistryException tooLarge(int maxBytes) {
    return new RegistryException(
        413,
        41301,
        "Request body larger than "
            + maxBytes
            + " bytes. Schemas that large are refused; split"
            + " the record or raise the registry's request limit.");
  }

  static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  static void sendError(HttpExchange exchange, RegistryException error) throws IOException {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("error_code", error.errorCode());
    body.put("message", error.getMessage());
    send(exchange, error.httpStatus(), body);
  }
}
