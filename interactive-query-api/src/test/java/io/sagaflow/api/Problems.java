package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;

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
}
