package io.sagaflow.connect.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sagaflow.participant.Reply;
import java.io.IOException;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The documented meaning of an HTTP answer (docs/connectors.md, "Error mapping"). Pure: the same
 * status, body and result schema always map to the same outcome.
 */
final class AnswerMapping {
  /** Error code of a business failure answered without a {@code code} member. */
  static final String BUSINESS_CODE_PREFIX = "HTTP_";

  // Decimals (money) are read as BigDecimal, never through a double.
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  private AnswerMapping() {}

  /**
   * The outcome of answer {@code status} with {@code body} from {@code target}; a 2xx body is read
   * as {@code result} when the command type has one.
   */
  static Outcome map(int status, byte[] body, Optional<Schema> result, String target) {
    if (status == 202) {
      return Outcome.Later.INSTANCE;
    }
    if (status >= 200 && status < 300) {
      return success(body, result, status, target);
    }
    if (status == 409 || status == 422) {
      Optional<JsonNode> problem = json(body);
      String code =
          problem
              .map(p -> p.path("code").asText(""))
              .filter(c -> !c.isBlank())
              .orElse(BUSINESS_CODE_PREFIX + status);
      return new Outcome.Answered(Reply.businessFailure(code, describe(status, problem, target)));
    }
    if (status >= 500 || status == 408 || status == 429) {
      return new Outcome.Transient(
          BUSINESS_CODE_PREFIX + status, describe(status, json(body), target));
    }
    return new Outcome.Refused(
        describe(status, json(body), target)
            + ": neither a result nor a business failure; check the route, the token and the"
            + " participant's contract");
  }

  private static Outcome success(byte[] body, Optional<Schema> result, int status, String target) {
    if (result.isEmpty()) {
      return new Outcome.Answered(Reply.success());
    }
    Schema schema = result.get();
    Optional<JsonNode> json = json(body);
    if (json.isEmpty() || !json.get().isObject()) {
      return new Outcome.Refused(
          status
              + " from "
              + target
              + " without a JSON object body; the step expects a "
              + schema.getFullName());
    }
    try {
      return new Outcome.Answered(
          Reply.genericSuccess((GenericRecord) AvroJson.fromJson(json.get(), schema)));
    } catch (IllegalArgumentException e) {
      return new Outcome.Refused(
          "the "
              + status
              + " answer from "
              + target
              + " is not a "
              + schema.getFullName()
              + ": "
              + e.getMessage());
    }
  }

  /** Status, target and the problem's title and detail; never the rest of the body. */
  private static String describe(int status, Optional<JsonNode> problem, String target) {
    StringBuilder text = new StringBuilder().append(status).append(" from ").append(target);
    problem.ifPresent(
        p -> {
          String title = p.path("title").asText("");
          String detail = p.path("detail").asText("");
          if (!title.isBlank()) {
            text.append(": ").append(title);
          }
          if (!detail.isBlank()) {
            text.append(title.isBlank() ? ": " : " - ").append(detail);
          }
        });
    return text.toString();
  }

  private static Optional<JsonNode> json(byte[] body) {
    if (body == null || body.length == 0) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(JSON.readTree(body));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
