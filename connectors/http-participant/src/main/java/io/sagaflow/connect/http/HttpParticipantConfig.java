package io.sagaflow.connect.http;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The connector's settings. Secrets are {@link ConfigDef.Type#PASSWORD}: Connect masks them in its
 * logs and REST answers, and they are meant to come from a config provider ({@code
 * ${file:/secrets/shipping.properties:token}}), never from the connector's stored config.
 */
final class HttpParticipantConfig extends AbstractConfig {
  static final String ROUTES_CONFIG = "routes";
  static final String RESULTS_CONFIG = "results";
  static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
  static final String SCHEMA_REGISTRY_TOKEN_CONFIG = "schema.registry.bearer.auth.token";
  static final String REPLY_BOOTSTRAP_SERVERS_CONFIG = "reply.bootstrap.servers";
  static final String REPLY_SOURCE_CONFIG = "reply.source";
  static final String REPLY_PRODUCER_PREFIX = "reply.producer.";
  static final String HTTP_TOKEN_CONFIG = "http.auth.token";
  static final String HTTP_TIMEOUT_MS_CONFIG = "http.timeout.ms";
  static final String RETRY_ATTEMPTS_CONFIG = "http.retry.attempts";
  static final String RETRY_BACKOFF_MS_CONFIG = "http.retry.backoff.ms";
  static final String RETRY_BACKOFF_MAX_MS_CONFIG = "http.retry.backoff.max.ms";

  static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(
              ROUTES_CONFIG,
              ConfigDef.Type.LIST,
              ConfigDef.NO_DEFAULT_VALUE,
              ConfigDef.Importance.HIGH,
              "Where each command type is posted: <Avro record full name>=<URL>, comma-separated."
                  + " A command of a type not listed goes to the errant-record reporter.")
          .define(
              RESULTS_CONFIG,
              ConfigDef.Type.LIST,
              "",
              ConfigDef.Importance.HIGH,
              "The result record of a command type: <command full name>=<result full name>. A 2xx"
                  + " body is read as that record (its latest schema in the registry); a command"
                  + " type not listed succeeds without a result.")
          .define(
              SCHEMA_REGISTRY_URL_CONFIG,
              ConfigDef.Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              ConfigDef.Importance.HIGH,
              "Confluent-compatible schema registry holding the commands' and results' schemas.")
          .define(
              SCHEMA_REGISTRY_TOKEN_CONFIG,
              ConfigDef.Type.PASSWORD,
              null,
              ConfigDef.Importance.MEDIUM,
              "Bearer token for the schema registry, if it asks for one.")
          .define(
              REPLY_BOOTSTRAP_SERVERS_CONFIG,
              ConfigDef.Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              ConfigDef.Importance.HIGH,
              "Kafka cluster of the reply topic (saga_reply_topic, saga.replies by default)."
                  + " Further producer settings: reply.producer.<setting>.")
          .define(
              REPLY_SOURCE_CONFIG,
              ConfigDef.Type.STRING,
              "",
              ConfigDef.Importance.MEDIUM,
              "ce_source of the replies; the connector's name when empty.")
          .define(
              HTTP_TOKEN_CONFIG,
              ConfigDef.Type.PASSWORD,
              null,
              ConfigDef.Importance.HIGH,
              "Sent as 'Authorization: Bearer <token>'. Give it through a config provider.")
          .define(
              HTTP_TIMEOUT_MS_CONFIG,
              ConfigDef.Type.LONG,
              10_000L,
              ConfigDef.Range.atLeast(1),
              ConfigDef.Importance.MEDIUM,
              "How long one HTTP request may take before it counts as failed (and is retried).")
          .define(
              RETRY_ATTEMPTS_CONFIG,
              ConfigDef.Type.INT,
              4,
              ConfigDef.Range.atLeast(1),
              ConfigDef.Importance.MEDIUM,
              "HTTP requests per command delivery, the first included, before a 5xx, timeout or"
                  + " connection error is answered RETRIABLE_FAILURE.")
          .define(
              RETRY_BACKOFF_MS_CONFIG,
              ConfigDef.Type.LONG,
              200L,
              ConfigDef.Range.atLeast(0),
              ConfigDef.Importance.LOW,
              "Back-off before the second request; doubled before each next one, with up to"
                  + " half of it added as random jitter.")
          .define(
              RETRY_BACKOFF_MAX_MS_CONFIG,
              ConfigDef.Type.LONG,
              5_000L,
              ConfigDef.Range.atLeast(0),
              ConfigDef.Importance.LOW,
              "Upper bound of one back-off, jitter included.");

  private final Map<String, URI> routes;
  private final Map<String, String> results;

  HttpParticipantConfig(Map<String, String> props) {
    super(DEFINITION, props);
    this.routes = new LinkedHashMap<>();
    pairs(ROUTES_CONFIG).forEach((type, url) -> routes.put(type, uri(type, url)));
    if (routes.isEmpty()) {
      throw new ConfigException(ROUTES_CONFIG, "", "name at least one <command type>=<URL>");
    }
    this.results = pairs(RESULTS_CONFIG);
  }

  /** The URL commands of {@code type} are posted to. */
  Optional<URI> route(String type) {
    return Optional.ofNullable(routes.get(type));
  }

  /** The full name of the result record of commands of {@code type}. */
  Optional<String> resultType(String type) {
    return Optional.ofNullable(results.get(type));
  }

  String registryUrl() {
    return getString(SCHEMA_REGISTRY_URL_CONFIG);
  }

  Optional<String> registryToken() {
    return secret(SCHEMA_REGISTRY_TOKEN_CONFIG);
  }

  Optional<String> httpToken() {
    return secret(HTTP_TOKEN_CONFIG);
  }

  String replyBootstrapServers() {
    return getString(REPLY_BOOTSTRAP_SERVERS_CONFIG);
  }

  Map<String, Object> replyProducerOverrides() {
    return originalsWithPrefix(REPLY_PRODUCER_PREFIX);
  }

  /** {@code ce_source} of replies: the setting, else {@code connectorName}. */
  String replySource(String connectorName) {
    String source = getString(REPLY_SOURCE_CONFIG);
    return source.isBlank() ? connectorName : source;
  }

  Duration httpTimeout() {
    return Duration.ofMillis(getLong(HTTP_TIMEOUT_MS_CONFIG));
  }

  RetryPolicy retry() {
    return new RetryPolicy(
        getInt(RETRY_ATTEMPTS_CONFIG),
        Duration.ofMillis(getLong(RETRY_BACKOFF_MS_CONFIG)),
        Duration.ofMillis(getLong(RETRY_BACKOFF_MAX_MS_CONFIG)));
  }

  private Optional<String> secret(String name) {
    Password password = getPassword(name);
    return Optional.ofNullable(password).map(Password::value).filter(v -> !v.isBlank());
  }

  private Map<String, String> pairs(String name) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> entries = getList(name);
    for (String entry : entries) {
      int equals = entry.indexOf('=');
      if (equals <= 0 || equals == entry.length() - 1) {
        throw new ConfigException(name, entry, "each entry is <command full name>=<value>");
      }
      out.put(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim());
    }
    return out;
  }

  private static URI uri(String type, String url) {
    try {
      URI uri = URI.create(url);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new IllegalArgumentException("not http or https");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ROUTES_CONFIG, url, "the URL of " + type + " is not an HTTP URL");
    }
  }
}
