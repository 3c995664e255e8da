package io.sagaflow.api;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.topology.SagaTopology;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Answers "what is the status of saga X" on any instance: from the local store when this instance
 * owns the saga's partition (or hosts a standby of it and the request was already forwarded),
 * otherwise by forwarding once to the owner.
 */
final class SagaLookup {
  private final KafkaStreams streams;
  private final LocalStore store;
  private final SagaStatusView view;
  private final Optional<HostInfo> self;
  private final Forwarder forwarder;

  SagaLookup(
      KafkaStreams streams, SagaStatusView view, Optional<HostInfo> self, Forwarder forwarder) {
    this.streams = streams;
    this.store = new LocalStore(streams);
    this.view = view;
    this.self = self;
    this.forwarder = forwarder;
  }

  /** Either a rendered status from here or the owner's answer to pass on. */
  sealed interface Answer {}

  record Local(Map<String, Object> body) implements Answer {}

  record Forwarded(Forwarder.Answer answer) implements Answer {}

  /**
   * Where saga {@code sagaId} is read, and its status when read here.
   *
   * @param alreadyForwarded whether another instance sent this request, so it must not go on
   * @param authorization the caller's {@code Authorization} header, passed on when forwarding
   */
  Answer find(String sagaId, boolean alreadyForwarded, Optional<String> authorization) {
    KeyQueryMetadata owner;
    try {
      owner =
          streams.queryMetadataForKey(
              SagaTopology.STATE_STORE, sagaId, Serdes.String().serializer());
    } catch (RuntimeException e) {
      throw rebalancing("the processor is not running (" + streams.state() + ")");
    }
    if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      throw rebalancing(
          "no instance owns the saga's partition right now (" + streams.state() + ")");
    }
    boolean active = self.map(owner.activeHost()::equals).orElse(true);
    if (active) {
      return local(sagaId, owner.partition(), true);
    }
    boolean standby = self.map(owner.standbyHosts()::contains).orElse(false);
    if (alreadyForwarded) {
      if (standby) {
        return local(sagaId, owner.partition(), false);
      }
      throw rebalancing(
          "this instance was asked as the owner but partition "
              + owner.partition()
              + " now belongs to "
              + hostPort(owner.activeHost())
              + "; ownership is moving");
    }
    return new Forwarded(forwarder.status(owner.activeHost(), sagaId, authorization));
  }

  private Answer local(String sagaId, int partition, boolean active) {
    LocalStore.Read read = store.read(sagaId, partition, active);
    if (read instanceof LocalStore.Unavailable u) {
      throw rebalancing("the saga-state store cannot be read now: " + u.reason());
    }
    LocalStore.Found found = (LocalStore.Found) read;
    SagaStateRecord state =
        found
            .state()
            .orElseThrow(
                () ->
                    ApiProblem.of(
                        404,
                        "saga-not-found",
                        "Saga not found",
                        "No saga with id '"
                            + sagaId
                            + "' is known: it is unknown, or it finished longer ago than the"
                            + " retention of finished sagas (saga.retention.finished) and was"
                            + " removed. Check the id returned by POST /sagas/{type}; a saga"
                            + " that was just started may take a moment to appear."));
    String host = self.map(SagaLookup::hostPort).orElse("local");
    return new Local(
        view.render(
            state, new SagaStatusView.Freshness(active ? "active" : "standby", host, found.lag())));
  }

  private static String hostPort(HostInfo host) {
    return host.host() + ":" + host.port();
  }

  private static ApiProblem rebalancing(String why) {
    return ApiProblem.unavailable(
        "store-unavailable",
        "Saga status cannot be served right now: " + why + ". Retry shortly.",
        1);
  }
}
