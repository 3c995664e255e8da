package io.sagaflow.serde;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How a serde uses the registry. Config keys match Confluent's serdes so existing client
 * configuration carries over, but {@code auto.register.schemas} defaults to {@code false}: in
 * production schemas are registered by the release, not by whichever instance writes first.
 *
 * @param subjectNameStrategy where a record's schema lives
 * @param autoRegisterSchemas register unknown schemas on first write (tests, the embedded default)
 */
public record AvroSerdeConfig(
    SubjectNameStrategy subjectNameStrategy, boolean autoRegisterSchemas) {

  /** Registry base URL, for example {@code http://127.0.0.1:8081}. */
  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";

  /** {@code true} to register unknown schemas on first write; default {@code false}. */
  public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";

  /**
   * Subject strategy for values: {@code TOPIC_NAME} (default), {@code RECORD_NAME} or {@code
   * TOPIC_RECORD_NAME}; Confluent's class names ({@code ...RecordNameStrategy}) are accepted too.
   */
  public static final String VALUE_SUBJECT_NAME_STRATEGY_CONFIG = "value.subject.name.strategy";

  /** Subject strategy for keys; same values as {@link #VALUE_SUBJECT_NAME_STRATEGY_CONFIG}. */
  public static final String KEY_SUBJECT_NAME_STRATEGY_CONFIG = "key.subject.name.strategy";

  /** {@code true} to decode into generated classes, {@code false} for GenericRecord. */
  public static final String SPECIFIC_AVRO_READER_CONFIG = "specific.avro.reader";

  /** {@code user:password} for HTTP basic authentication to the registry. */
  public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";

  /** Bearer token for the registry. */
  public static final String BEARER_AUTH_TOKEN_CONFIG = "bearer.auth.token";

  /** Timeout of one registry request in milliseconds; default 10000. */
  public static final String REQUEST_TIMEOUT_MS_CONFIG = "schema.registry.request.timeout.ms";

  /** Production default for single-type topics: topic-name subjects, no auto-registration. */
  public static AvroSerdeConfig topicName() {
    return new AvroSerdeConfig(SubjectNameStrategy.TOPIC_NAME, false);
  }

  /** Production default for topics carrying several record types. */
  public static AvroSerdeConfig recordName() {
    return new AvroSerdeConfig(SubjectNameStrategy.RECORD_NAME, false);
  }

  public AvroSerdeConfig withAutoRegister(boolean value) {
    return new AvroSerdeConfig(subjectNameStrategy, value);
  }

  /** Reads the serde settings from Kafka-style configs. */
  public static AvroSerdeConfig from(Map<String, ?> configs, boolean isKey) {
    Object strategy =
        configs.get(isKey ? KEY_SUBJECT_NAME_STRATEGY_CONFIG : VALUE_SUBJECT_NAME_STRATEGY_CONFIG);
    return new AvroSerdeConfig(
        strategy == null ? SubjectNameStrategy.TOPIC_NAME : strategy(strategy.toString()),
        Boolean.parseBoolean(String.valueOf(configs.get(AUTO_REGISTER_SCHEMAS_CONFIG))));
  }

  /** Builds a registry client from Kafka-style configs; fails with the missing key named. */
  public static SchemaRegistry registryFrom(Map<String, ?> configs) {
    Object url = configs.get(SCHEMA_REGISTRY_URL_CONFIG);
    if (url == null) {
      throw new IllegalArgumentException(
          "Missing " + SCHEMA_REGISTRY_URL_CONFIG + ": set it to the registry's base URL");
    }
    RegistryClientSettings settings = RegistryClientSettings.of(url.toString());
    Object userInfo = configs.get(BASIC_AUTH_USER_INFO_CONFIG);
    Object token = configs.get(BEARER_AUTH_TOKEN_CONFIG);
    if (userInfo != null) {
      String pair = userInfo.toString();
      int colon = pair.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(BASIC_AUTH_USER_INFO_CONFIG + " must be user:password");
      }
      settings =
          settings.withCredentials(
              RegistryCredentials.basic(pair.substring(0, colon), pair.substring(colon + 1)));
    } else if (token != null) {
      settings = settings.withCredentials(RegistryCredentials.bearer(token.toString()));
    }
    Object timeout = configs.get(REQUEST_TIMEOUT_MS_CONFIG);
    if (timeout != null) {
      settings = settings.withRequestTimeout(Duration.ofMillis(Long.parseLong(timeout.toString())));
    }
    return new SchemaRegistryClient(settings);
  }

  private static SubjectNameStrategy strategy(String value) {
    String simple = value.substring(value.lastIndexOf('.') + 1);
    return switch (simple) {
      case "TopicNameStrategy" -> SubjectNameStrategy.TOPIC_NAME;
      case "RecordNameStrategy" -> SubjectNameStrategy.RECORD_NAME;
      case "TopicRecordNameStrategy" -> SubjectNameStrategy.TOPIC_RECORD_NAME;
      default -> SubjectNameStrategy.valueOf(simple.toUpperCase(Locale.ROOT));
    };
  }
}
