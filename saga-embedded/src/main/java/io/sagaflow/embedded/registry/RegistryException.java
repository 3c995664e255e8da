package io.sagaflow.embedded.registry;

/**
 * A request the registry refuses, carrying the HTTP status and the Confluent error code that
 * clients (Confluent's own included) switch on. Messages say what was wrong and what to do.
 */
public final class RegistryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Confluent: subject not found. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Confluent: version not found. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Confluent: schema not found. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Confluent: subject has no subject-level compatibility configured. */
  public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;

  /** Confluent: incompatible schema (HTTP 409 carries error code 409). */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  /** Confluent: invalid schema. */
  public static final int INVALID_SCHEMA = 42201;

  /** Confluent: invalid version. */
  public static final int INVALID_VERSION = 42202;

  /** Confluent: invalid compatibility level. */
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

  /** Confluent: error in the backend data store. */
  public static final int STORE_ERROR = 50001;

  private final int httpStatus;
  private final int errorCode;

  public RegistryException(int httpStatus, int errorCode, String message) {
    super(message);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public RegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public int errorCode() {
    return errorCode;
  }

  static RegistryException subjectNotFound(String subject) {
    return new RegistryException(
        404,
        SUBJECT_NOT_FOUND,
        "Subject '" + subject + "' not found. Register a schema under it first.");
  }

  static RegistryException versionNotFound(String subject, String version) {
    return new RegistryException(
        404,
        VERSION_NOT_FOUND,
        "Version "
            + version
            + " not found for subject '"
            + subject
            + "'. GET /subjects/"
            + subject
            + "/versions lists the existing ones.");
  }

  static RegistryException badRequest(String message) {
    return new RegistryException(400, 400, message);
  }

  static RegistryException invalidSchema(String message) {
    return new RegistryException(422, INVALID_SCHEMA, message);
  }
}
