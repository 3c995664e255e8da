package io.sagaflow.serde;

/** Registry failures for tests outside this package, whose constructor is package-private. */
public final class RegistryFailures {
  private RegistryFailures() {}

  /** What the client raises when the registry cannot be reached: no HTTP answer, retriable. */
  public static SchemaRegistryException unreachable(String what) {
    return new SchemaRegistryException(0, 0, "Connection refused during " + what, null);
  }
}
