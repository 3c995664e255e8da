package io.sagaflow.app.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.app.Sagaflow;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.Ids;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryModeIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldRunASagaEndToEndInAUsersOwnApplication(@TempDir Path dataDir) throws Exception {
    // Given the user's application started with the builder on the embedded broker
    try (Sagaflow sagaflow = TransferApplication.start(dataDir)) {
      URI api = URI.create(sagaflow.httpUrl());
      assertThat(sagaflow.bootstrapServers()).startsWith("127.0.0.1:");
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> get(api.resolve("/health/ready")).statusCode() == 200);

      // When a transfer is started over its HTTP API
      HttpResponse<String> started =
          http.send(
              HttpRequest.newBuilder(api.resolve("/sagas/money-transfer"))
                  .header("Content-Type", "application/json")
                  .header("Idempotency-Key", "t-library-1")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"transferId\":\"t-1\",\"sourceAccount\":\"GB00SAGA1\","
                              + "\"destinationAccount\":\"GB00SAGA2\",\"amount\":\"12.50\","
                              + "\"currency\":\"EUR\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      URI saga = api.resolve(started.headers().firstValue("Location").orElseThrow());

      // Then the module's participants carry it through all three steps
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> get(saga).body().contains("\"status\":\"COMPLETED\""));
      assertThat(get(saga).body())
          .contains("hold-funds")
          .contains("reserve-credit")
          .contains("post-transfer")
          .doesNotContain("GB00SAGA1");
    }
  }

  @Test
  void shouldLeaveADisabledParticipantsStepToTheRealService(@TempDir Path dataDir)
      throws Exception {
    // Given the transfer module with its simulated ledger switched off: a real ledger answers
    try (Sagaflow sagaflow =
        TransferApplication.builder(dataDir).set("saga.participants.disabled", "ledger").start()) {
      URI api = URI.create(sagaflow.httpUrl());
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> get(api.resolve("/health/ready")).statusCode() == 200);
      URI saga = start(api, "t-real-ledger");

      // When the simulated accounts and payee bank have done their steps, the saga waits on the
      // ledger, which nobody simulates
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> get(saga).body().matches("(?s).*\"currentSteps\":\\[\"post-transfer\"\\].*"));
      String sagaId = saga.getPath().substring(saga.getPath().lastIndexOf('/') + 1);
      assertThat(get(saga).body()).contains("\"status\":\"RUNNING\"");

      // Then the real ledger's answer over the callback route completes it
      String commandId = Ids.commandId(sagaId, "post-transfer", 1, CommandKind.ACTION).toString();
      HttpResponse<String> replied =
          http.send(
              HttpRequest.newBuilder(api.resolve(saga.getPath() + "/steps/post-transfer/reply"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"attempt\":1,\"commandId\":\""
                              + commandId
                              + "\",\"outcome\":\"SUCCEEDED\","
                              + "\"result\":{\"ledgerEntryId\":\"real-entry-1\"}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(replied.statusCode()).as(replied.body()).isEqualTo(202);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> get(saga).body().contains("\"status\":\"COMPLETED\""));
      assertThat(get(saga).body()).contains("real-entry-1");
    }
  }

  private URI start(URI api, String key) throws Exception {
    HttpResponse<String> started =
        http.send(
            HttpRequest.newBuilder(api.resolve("/sagas/money-transfer"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"transferId\":\""
                            + key
                            + "\",\"sourceAccount\":\"GB00SAGA1\","
                            + "\"destinationAccount\":\"GB00SAGA2\",\"amount\":\"12.50\","
                            + "\"currency\":\"EUR\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    return api.resolve(started.headers().firstValue("Location").orElseThrow());
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
