package io.sagaflow.bench;

import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.app.participants.SimulatedParticipants;
import io.sagaflow.examples.order.OrderFulfilmentModule;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistryClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's simulated participants in a JVM of their own ({@code participants=jvm}), started
 * by {@link ParticipantsProcess}. Arguments: bootstrap servers, schema registry URL, the phase's
 * application id and the payment decline rate. It prints {@code ready} once the participants run;
 * each {@code measure} line on standard input is answered with the participants' producer totals
 * (the parent cannot read this JVM's JMX) and {@code end}; end of input stops it.
 */
public final class ParticipantsMain {
  static final String READY = "ready";
  static final String MEASURE = "measure";
  static final String END = "end";

  private ParticipantsMain() {}

  /** Runs the participants until standard input ends. */
  // The participants are a resource only for their lifetime: they answer commands while it lasts.
  @SuppressWarnings("try")
  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      throw new IllegalArgumentException(
          "Usage: ParticipantsMain <bootstrap> <registry url> <application id> <decline rate>");
    }
    SagaModules modules = SagaModules.ofModules(List.of(new OrderFulfilmentModule()), "bench");
    SchemaRegistryClient schemas = new SchemaRegistryClient(RegistryClientSettings.of(args[1]));
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (SimulatedParticipants participants =
            SimulatedParticipants.start(
                SagaRun.participantConfig(args[0], args[2], Double.parseDouble(args[3])),
                schemas,
                modules);
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      out.println(READY);
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals(MEASURE)) {
          for (Map.Entry<ProducerTotals.Key, ProducerTotals.Sent> e :
              ProducerTotals.read().entrySet()) {
            out.println(
                String.join(
                    "\t",
                    e.getKey().clientId(),
                    e.getKey().topic(),
                    Long.toString(e.getValue().records()),
                    Long.toString(e.getValue().bytes()),
                    Long.toString(e.getValue().retries())));
          }
          out.println(END);
        }
      }
    }
  }
}
