package io.sagaflow.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.SagaTopology;
import java.time.Clock;
import java.util.Optional;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The saga routes of an instance over a processor: reads from the local stores (forwarded or fanned
 * out to the owning instances), inputs written to Kafka, health from the Streams state and the
 * processor's faults. Builds the route objects and their shared helpers once; access checks are the
 * route table's.
 */
final class ProcessorEndpoints implements SagaEndpoints {
  private final SearchRoute search;
  private final StatusRoute status;
  private final DeadLettersRoute deadLetters;
  private final EntryRoutes entries;
  private final ReplyRoute replies;
  private final HealthRoutes health;
  private final OverviewRoute overview;
  private final SagaTypesRoute sagaTypes;
  private final DeadLetterSearch deadLetterSearch;
  private final RedriveRoutes redrive;

  ProcessorEndpoints(
      KafkaStreams streams,
      SagaRegistry registry,
      SchemaRegistry schemas,
      Producer<String, byte[]> producer,
      ApiSettings settings,
      HealthSignals signals,
      ObjectMapper mapper,
      Optional<Redriver> redriver) {
    DataCodec codec = new DataCodec(schemas, settings.autoRegister());
    SagaInputs inputs = new SagaInputs(producer, schemas, settings.autoRegister());
    JsonBodies bodies = new JsonBodies(mapper, settings.maxBodyBytes());
    String self = settings.advertised().map(h -> h.host() + ":" + h.port()).orElse("local");
    FanOut fanOut =
        new FanOut(
            streams,
            settings.advertised(),
            new Forwarder(settings.forwardTimeout(), self),
            topic -> producer.partitionsFor(topic).size());
    this.search =
        new SearchRoute(
            fanOut,
            new LocalSearch(
                new StoreRanges(streams, SagaTopology.INDEX_STORE),
                new StepProbes(new LocalStore(streams))),
            registry,
            mapper);
    SagaLookup lookup =
        new SagaLookup(
            streams,
            new SagaStatusView(codec),
            settings.advertised(),
            new Forwarder(settings.forwardTimeout(), self));
    this.status = new StatusRoute(lookup);
    this.deadLetters =
        new DeadLettersRoute(
            fanOut,
            new LocalDeadLetters(new StoreRanges(streams, SagaTopology.DEAD_LETTER_STORE)),
            mapper);
    this.entries =
        new EntryRoutes(
            registry,
            codec,
            inputs,
            bodies,
            new IdempotencyKeys(RecentStarts.withDefaults(), lookup, mapper));
    this.replies = new ReplyRoute(registry, codec, inputs, bodies);
    this.health = new HealthRoutes(streams, settings.sagasEnabled(), signals);
    this.overview = new OverviewRoute(fanOut, new StateScan(streams), mapper, Clock.systemUTC());
    this.sagaTypes = new SagaTypesRoute(registry);
    this.deadLetterSearch =
        new DeadLetterSearch(
            fanOut, new StoreRanges(streams, SagaTopology.DEAD_LETTER_STORE), lookup, mapper);
    this.redrive = new RedriveRoutes(redriver, deadLetterSearch, bodies);
  }

  @Override
  public void search(Context ctx) {
    search.handle(ctx);
  }

  @Override
  public void status(Context ctx) {
    status.handle(ctx);
  }

  @Override
  public void deadLetters(Context ctx) {
    deadLetters.handle(ctx);
  }

  @Override
  public void start(Context ctx) {
    entries.start(ctx);
  }

  @Override
  public void cancel(Context ctx) {
    entries.cancel(ctx);
  }

  @Override
  public void operator(Context ctx) {
    entries.operator(ctx);
  }

  @Override
  public void reply(Context ctx) {
    replies.reply(ctx);
  }

  @Override
  public void overview(Context ctx) {
    overview.handle(ctx);
  }

  @Override
  public void sagaTypes(Context ctx) {
    sagaTypes.handle(ctx);
  }

  @Override
  public void deadLetterSearch(Context ctx) {
    deadLetterSearch.handle(ctx);
  }

  @Override
  public void deadLetter(Context ctx) {
    redrive.show(ctx);
  }

  @Override
  public void redriveOne(Context ctx) {
    redrive.redriveOne(ctx);
  }

  @Override
  public void redriveBulk(Context ctx) {
    redrive.redriveBulk(ctx);
  }

  @Override
  public void live(Context ctx) {
    health.live(ctx);
  }

  @Override
  public void ready(Context ctx) {
    health.ready(ctx);
  }
}
