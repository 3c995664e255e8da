package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Optional;

/** Assertions on RFC 9457 answers. */
final class Problems {
  private Problems() {}

  /** Asserts a complete problem document of {@code status} and {@code slug}; returns its detail. */
  static String assertProblem(HttpResponse<String> response, int status, String slug) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    JsonNode problem = Http.json(response);
    assertThat(problem.get("type").asText()).isEqualTo(ApiProblem.TYPE_BASE + slug);
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("instance").asText()).isEqualTo(response.uri().getRawPath());
    String detail = problem.get("detail").asText();
    assertThat(detail).isNotBlank();
    return detail;
  }

  /**
   * Asserts a complete problem document of {@code status} and {@code slug} in an answer read off a
   * socket; {@code instance} is the path it must name, or empty when it must name none (a request
   * line too long or too broken to echo). Returns its detail.
   */
  static String assertProblem(
      RawHttp.Answer answer, int status, String slug, Optional<String> instance) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.header("Content-Type"))
        .as(answer.body())
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    JsonNode problem = answer.json();
    assertThat(problem.path("type").asText()).isEqualTo(ApiProblem.TYPE_BASE + slug);
    assertThat(problem.path("title").asText()).isNotBlank();
    assertThat(problem.path("status").asInt()).isEqualTo(status);
    if (instance.isPresent()) {
      assertThat(problem.path("instance").asText()).isEqualTo(instance.get());
    } else {
      assertThat(problem.has("instance")).as(answer.body()).isFalse();
    }
    String detail = problem.path("detail").asText();
    assertThat(detail).isNotBlank();
    return detail;
  }
}
