package io.sagaflow.embedded.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST subset Sagaflow and Confluent's own client use. Every failure
 * is answered with Confluent's {@code {"error_code", "message"}} body and the server carries on.
 */
final class RegistryRoutes implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryRoutes.class);

  private final SchemaStore store;
  private final int maxRequestBytes;

  RegistryRoutes(SchemaStore store, int maxRequestBytes) {
    this.store = store;
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        route(exchange, exchange.getRequestMethod(), HttpExchanges.segments(exchange));
      } catch (RegistryException e) {
        HttpExchanges.sendError(exchange, e);
      } catch (RuntimeException e) {
        LOG.error(
            "Unexpected failure on {} {}",
            exchange.getRequestMethod(),
            exchange.getRequestURI(),
            e);
        HttpExchanges.sendError(
            exchange,
            new RegistryException(
                500, 50001, "Internal registry error: " + e + ". See the registry log."));
      }
    }
  }

  private void route(HttpExchange exchange, String method, List<String> path) throws IOException {
    int size = path.size();
    String first = size > 0 ? path.get(0) : "";
    switch (first) {
      case "" -> reply(exchange, method, "GET", () -> Map.of());
      case "subjects" -> subjects(exchange, method, path);
      case "schemas" -> {
        if (size == 3 && path.get(1).equals("ids")) {
          int id = parseId(path.get(2));
          reply(exchange, method, "GET", () -> Map.of("schema", store.schemaById(id)));
        } else if (size == 2 && path.get(1).equals("types")) {
          reply(exchange, method, "GET", () -> List.of("AVRO"));
        } else {
          throw notFound(exchange);
        }
      }
      case "compatibility" -> {
        if (size == 5 && path.get(1).equals("subjects") && path.get(3).equals("versions")) {
          compatibility(exchange, method, path.get(2), path.get(4));
        } else {
          throw notFound(exchange);
        }
      }
      case "config" ->
          config(exchange, method, size == 2 ? Optional.of(path.get(1)) : Optional.empty(), size);
      default -> throw notFound(exchange);
    }
  }

  private void subjects(HttpExchange exchange, String method, List<String> path)
      throws IOException {
    int size = path.size();
    if (size == 1) {
      reply(exchange, method, "GET", store::subjects);
      return;
    }
    String subject = path.get(1);
    if (size == 2) {
      requireMethod(method, "POST");
      SchemaStore.SubjectVersion found = store.lookup(subject, schemaOf(exchange));
      HttpExchanges.send(exchange, 200, describe(found));
    } else if (size == 3 && path.get(2).equals("versions")) {
      if (method.equals("POST")) {
        int id = store.register(subject, schemaOf(exchange));
        HttpExchanges.send(exchange, 200, Map.of("id", id));
      } else {
        reply(exchange, method, "GET", () -> store.versions(subject));
      }
    } else if (size == 4 && path.get(2).equals("versions")) {
      reply(exchange, method, "GET", () -> describe(store.version(subject, path.get(3))));
    } else if (size == 5 && path.get(2).equals("versions") && path.get(4).equals("schema")) {
      reply(
          exchange,
          method,
          "GET",
          () -> HttpExchanges.JSON.readTree(store.version(subject, path.get(3)).schema()));
    } else {
      throw notFound(exchange);
    }
  }

  private void compatibility(HttpExchange exchange, String method, String subject, String version)
      throws IOException {
    requireMethod(method, "POST");
    List<String> violations = store.compatibilityViolations(subject, version, schemaOf(exchange));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("is_compatible", violations.isEmpty());
    if (Boolean.parseBoolean(HttpExchanges.query(exchange).get("verbose"))) {
      body.put("messages", violations);
    }
    HttpExchanges.send(exchange, 200, body);
  }

  private void config(HttpExchange exchange, String method, Optional<String> subject, int size)
      throws IOException {
    if (size > 2) {
      throw notFound(exchange);
    }
    if (method.equals("PUT")) {
      JsonNode body = HttpExchanges.jsonBody(exchange, maxRequestBytes);
      String requested = body.path("compatibility").asText("");
      CompatibilityLevel level;
      try {
        level = CompatibilityLevel.parse(requested);
      } catch (IllegalArgumentException e) {
        throw new RegistryException(
            422,
            RegistryException.INVALID_COMPATIBILITY_LEVEL,
            "Invalid compatibility level '"
                + requested
                + "'. Valid: "
                + java.util.Arrays.toString(CompatibilityLevel.values())
                + ".");
      }
      store.setLevel(subject, level);
      HttpExchanges.send(exchange, 200, Map.of("compatibility", level.name()));
      return;
    }
    requireMethod(method, "GET");
    boolean defaultToGlobal =
        Boolean.parseBoolean(HttpExchanges.query(exchange).get("defaultToGlobal"));
    CompatibilityLevel level =
        subject.isEmpty()
            ? store.globalLevel()
            : store
                .subjectLevel(subject.get())
                .or(() -> defaultToGlobal ? Optional.of(store.globalLevel()) : Optional.empty())
                .orElseThrow(
                    () ->
                        new RegistryException(
                            404,
                            RegistryException.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
                            "Subject '"
                                + subject.get()
                                + "' does not have subject-level compatibility"
                                + " configured; it uses the global level (GET /config, or add"
                                + " ?defaultToGlobal=true)."));
    HttpExchanges.send(exchange, 200, Map.of("compatibilityLevel", level.name()));
  }

  private String schemaOf(HttpExchange exchange) throws IOException {
    JsonNode body = HttpExchanges.jsonBody(exchange, maxRequestBytes);
    String type = body.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw RegistryException.invalidSchema(
          "Schema type "
              + type
              + " is not supported here; this registry stores Avro schemas only.");
    }
    JsonNode references = body.path("references");
    if (references.isArray() && !references.isEmpty()) {
      throw RegistryException.invalidSchema(
          "Schema references are not supported; inline the referenced types.");
    }
    JsonNode schema = body.get("schema");
    if (schema == null || !schema.isTextual()) {
      throw RegistryException.invalidSchema(
          "Missing \"schema\": send {\"schema\": \"<Avro schema JSON as a string>\"}.");
    }
    return schema.asText();
  }

  private static Map<String, Object> describe(SchemaStore.SubjectVersion version) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("subject", version.subject());
    body.put("version", version.version());
    body.put("id", version.id());
    body.put("schema", version.schema());
    return body;
  }

  private static int parseId(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new RegistryException(
          404, RegistryException.SCHEMA_NOT_FOUND, "Schema id '" + text + "' is not a number.");
    }
  }

  private static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw new RegistryException(
          405, 405, "Method " + method + " not allowed here; use " + allowed + ".");
    }
  }

  private static RegistryException notFound(HttpExchange exchange) {
    return new RegistryException(
        404,
        404,
        "No such endpoint: "
            + exchange.getRequestMethod()
            + " "
            + exchange.getRequestURI().getPath());
  }

  /** A GET whose body can fail with a {@link RegistryException}. */
  @FunctionalInterface
  private interface Body {
    Object get() throws IOException;
  }

  private static void reply(HttpExchange exchange, String method, String allowed, Body body)
      throws IOException {
    requireMethod(method, allowed);
    HttpExchanges.send(exchange, 200, body.get());
  }
}
