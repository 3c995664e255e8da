package io.sagaflow.serde;

import java.util.OptionalInt;

/**
 * The registry refused a request or could not be reached. Carries the HTTP status and the Confluent
 * error code (40401 subject not found, 40403 schema not found, 409 incompatible, 42201 invalid
 * schema, 5xxxx registry-side failures...) and a message that says what to do about it.
 */
public final class SchemaRegistryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Confluent: subject not found. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Confluent: version not found. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Confluent: schema not found. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Confluent: incompatible schema. */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  /** Confluent: invalid schema. */
  public static final int INVALID_SCHEMA = 42201;

  private final int httpStatus;
  private final int errorCode;
  private final boolean notARegistry;

  SchemaRegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
    this(httpStatus, errorCode, message, cause, false);
  }

  private SchemaRegistryException(
      int httpStatus, int errorCode, String message, Throwable cause, boolean notARegistry) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.notARegistry = notARegistry;
  }

  /**
   * A successful HTTP answer that is not a schema registry's (a proxy's login page, another service
   * at the configured address): asking again will not help, but the records are not at fault
   * either.
   */
  static SchemaRegistryException notARegistry(int httpStatus, String message, Throwable cause) {
    return new SchemaRegistryException(httpStatus, 0, message, cause, true);
  }

  /** HTTP status, or empty when no answer arrived (connection refused, timeout). */
  public OptionalInt httpStatus() {
    return httpStatus == 0 ? OptionalInt.empty() : OptionalInt.of(httpStatus);
  }

  /** Confluent error code from the response body, or empty when there was none. */
  public OptionalInt errorCode() {
    return errorCode == 0 ? OptionalInt.empty() : OptionalInt.of(errorCode);
  }

  /** Whether the registry said the subject, or the schema within it, is not registered. */
  public boolean isNotRegistered() {
    return errorCode == SUBJECT_NOT_FOUND || errorCode == SCHEMA_NOT_FOUND;
  }

  /** Whether the subject exists but does not hold the schema (Confluent's 40403). */
  public boolean isSchemaNotFound() {
    return errorCode == SCHEMA_NOT_FOUND;
  }

  /** Whether another attempt could succeed: no answer, or a registry-side (5xx) failure. */
  public boolean isRetriable() {
    return httpStatus == 0 || httpStatus >= 500;
  }

  /**
   * Whether the registry could not be used at all: unreachable, failing, or answering as something
   * other than a schema registry. Readers must then stop and wait for it rather than dead-letter
   * the records they were reading, which are not at fault.
   */
  public boolean isOutage() {
    return isRetriable() || notARegistry;
  }
}
