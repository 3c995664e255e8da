package io.sagaflow.serde;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * How the client proves who it is to the registry: nothing (embedded registry), HTTP basic
 * (Confluent Cloud API key and secret, Karapace) or a bearer token (OAuth). The secret never
 * appears in {@code toString()}.
 */
public sealed interface RegistryCredentials {

  /** The {@code Authorization} header value, if any. */
  Optional<String> authorizationHeader();

  static RegistryCredentials none() {
    return new None();
  }

  static RegistryCredentials basic(String user, String password) {
    return new Basic(user, password);
  }

  static RegistryCredentials bearer(String token) {
    return new Bearer(token);
  }

  /** No credentials. */
  record None() implements RegistryCredentials {
    @Override
    public Optional<String> authorizationHeader() {
      return Optional.empty();
    }
  }

  /** HTTP basic authentication. */
  record Basic(String user, String password) implements RegistryCredentials {
    @Override
    public Optional<String> authorizationHeader() {
      String pair = user + ":" + password;
      return Optional.of(
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
      return "Basic[user=" + user + ", password=***]";
    }
  }

  /** A bearer token. */
  record Bearer(String token) implements RegistryCredentials {
    @Override
    public Optional<String> authorizationHeader() {
      return Optional.of("Bearer " + token);
    }

    @Override
    public String toString() {
      return "Bearer[***]";
    }
  }
}
