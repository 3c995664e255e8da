package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.embedded.kafka.KafkaBrokerExtension;
import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.topology.SagaTopics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two instances with one standby replica each: a read that was already forwarded to an instance
 * which holds only a standby of the saga's partition is answered from that standby, and the answer
 * says so (servedBy standby, the instance, its lag) instead of pretending to be the owner.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandbyReadIT {
  private static final int SAGAS = 8;

  private RunningProcessor first;
  private RunningProcessor second;
  private Http firstHttp;
  private Http secondHttp;
  private Participants participants;
  private final List<String> sagas = new ArrayList<>();

  @BeforeAll
  void startTwoInstancesWithStandbys(TestKafka kafka) throws Exception {
    first = new RunningProcessor(kafka, Map.of(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1));
    firstHttp = new Http(first.server(first.settings().withPort(first.apiPort)).port());
    second = RunningProcessor.joining(first);
    secondHttp = new Http(second.server(second.settings().withPort(second.apiPort)).port());
    RunningProcessor.awaitSettled(List.of(first, second));
    participants = new Participants(kafka, SagaTopics.commandTopics(RunningProcessor.SAGAS));
    SagaFlows flows = new SagaFlows(firstHttp, participants);
    for (int i = 0; i < SAGAS; i++) {
      String sagaId = flows.start("standby-" + i);
      // Refused at the first step: a terminal status that no timer changes while we read it.
      flows.answer(sagaId, "reserve-inventory", "BUSINESS_FAILURE", "null");
      flows.awaitStatus(sagaId, "COMPENSATED");
      sagas.add(sagaId);
    }
  }

  @AfterAll
  void stop() {
    participants.close();
    second.close();
    first.close();
  }

  @Test
  void shouldAnswerAForwardedReadFromTheStandbyAndSaySo() {
    for (RunningProcessor owner : List.of(first, second)) {
      RunningProcessor standby = owner == first ? second : first;
      Http standbyHttp = owner == first ? secondHttp : firstHttp;
      String sagaId = ownedBy(owner);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> owner.metadata(sagaId).standbyHosts().contains(standby.address()));

      // As if the owner had forwarded it here: the instance must not forward again, and it holds
      // a copy of the partition, so it answers from that copy once the copy has the saga.
      JsonNode view =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      standbyHttp.get(
                          "/sagas/" + sagaId,
                          Forwarder.HEADER,
                          RunningProcessor.hostPort(owner.address())),
                  r -> r.statusCode() == 200)
              .body()
              .transform(StandbyReadIT::json);

      assertThat(view.get("sagaId").asText()).isEqualTo(sagaId);
      assertThat(view.get("status").asText()).isEqualTo("COMPENSATED");
      assertThat(view.at("/freshness/servedBy").asText()).isEqualTo("standby");
      assertThat(view.at("/freshness/instance").asText())
          .isEqualTo(RunningProcessor.hostPort(standby.address()));
      assertThat(view.at("/freshness/lag").isIntegralNumber())
          .as("a standby knows how far behind its changelog it is: %s", view.get("freshness"))
          .isTrue();
      assertThat(view.at("/freshness/lag").asLong()).isNotNegative();

      // Without the forwarding header the same instance forwards to the owner, which answers.
      HttpResponse<String> direct = standbyHttp.get("/sagas/" + sagaId);
      assertThat(direct.statusCode()).as(direct.body()).isEqualTo(200);
      assertThat(json(direct.body()).at("/freshness/servedBy").asText()).isEqualTo("active");
      assertThat(json(direct.body()).at("/freshness/instance").asText())
          .isEqualTo(RunningProcessor.hostPort(owner.address()));
    }
  }

  private String ownedBy(RunningProcessor owner) {
    return sagas.stream()
        .filter(id -> owner.metadata(id).activeHost().equals(owner.address()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no saga is owned by " + owner.address()));
  }

  private static JsonNode json(String body) {
    try {
      return Http.JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }
}
