package io.sagaflow.serde;

import java.net.URI;

/** Maps a registry's error answer to advice for the person reading the exception. */
final class RegistryErrors {

  private RegistryErrors() {}

  static SchemaRegistryException from(String method, URI uri, int status, JsonValue body) {
    int code = body.intMember("error_code").orElse(0);
    String detail = body.member("message").map(JsonValue::asText).orElseGet(body::toString);
    String advice =
        switch (code) {
          case SchemaRegistryException.SUBJECT_NOT_FOUND,
              SchemaRegistryException.SCHEMA_NOT_FOUND ->
              "Register the schema first (`sagaflow schemas register` registers Sagaflow's and its"
                  + " saga modules'), or enable auto.register.schemas outside production.";
          case SchemaRegistryException.VERSION_NOT_FOUND ->
              "List the subject's versions and pick one.";
          case SchemaRegistryException.INCOMPATIBLE_SCHEMA ->
              "Evolve the schema compatibly (new fields need defaults; see docs/contracts.md) or"
                  + " change the subject's compatibility level deliberately.";
          case SchemaRegistryException.INVALID_SCHEMA -> "Fix the schema so that Avro parses it.";
          default -> adviceForStatus(status);
        };
    return new SchemaRegistryException(
        status,
        code,
        method
            + " "
            + uri
            + " -> HTTP "
            + status
            + (code == 0 ? "" : " (error code " + code + ")")
            + ": "
            + detail
            + ". "
            + advice,
        null);
  }

  private static String adviceForStatus(int status) {
    if (status == 401 || status == 403) {
      return "Check the registry credentials (basic.auth.user.info or bearer.auth.token).";
    }
    if (status >= 500) {
      return "The registry failed; it was retried. Check the registry's log and its storage.";
    }
    return "Check the request against the Confluent Schema Registry API.";
  }
}
