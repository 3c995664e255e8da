package io.sagaflow.embedded.registry;

/** Small schemas for registry tests: a v1, a compatible v2 and an incompatible v2. */
final class Schemas {

  static final String V1 =
      "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"test\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"string\"}]}";

  /** Adds a field with a default: BACKWARD compatible with {@link #V1}. */
  static final String V2_COMPATIBLE =
      "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"test\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"string\"},"
          + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}";

  /** Adds a required field: a new reader cannot read {@link #V1} data. */
  static final String V2_INCOMPATIBLE =
      "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"test\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"string\"},"
          + "{\"name\":\"quantity\",\"type\":\"int\"}]}";

  private Schemas() {}

  /** A distinct valid record schema per {@code n}. */
  static String numbered(int n) {
    return "{\"type\":\"record\",\"name\":\"R"
        + n
        + "\",\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}";
  }
}
