package com.example.greeting;

import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.StepKind;
import io.sagaflow.module.SagaModule;
import java.time.Duration;
import java.util.List;

/**
 * A user's saga as a test builds it into a plugin jar: reserve a slot, then send (the pivot). Tests
 * edit the marked places: another version number, another step kind, a second version (a rollout's
 * candidate) and an invariant that candidate breaks.
 */
public final class GreetingModule implements SagaModule {
  @Override
  public List<SagaDefinition<?>> definitions() {
    return List.of(definition(/*VERSION*/ 1) /*MORE_VERSIONS*/);
  }

  private static SagaDefinition<GreetingData> definition(int version) {
    SagaDefinition.Builder<GreetingData> builder =
        SagaDefinition.builder("greeting", version, GreetingData.class)
            .step(
                "reserve-slot",
                "greeting.commands",
                /*FIRST_KIND*/ StepKind.COMPENSATABLE,
                s ->
                    s.action(d -> new ReserveSlot(d.getGreetingId()))
                        .compensation(d -> new FreeSlot(d.getGreetingId(), d.getSlotId()))
                        .onSuccess(
                            SlotReserved.class,
                            (d, r) -> GreetingData.newBuilder(d).setSlotId(r.getSlotId()).build())
                        .timeout(Duration.ofSeconds(30)))
            .step(
                "send-greeting",
                "greeting.commands",
                /*SECOND_KIND*/ StepKind.PIVOT,
                s ->
                    s.action(d -> new SendGreeting(d.getGreetingId(), d.getName()))
                        .onSuccess(
                            GreetingSent.class,
                            (d, r) ->
                                GreetingData.newBuilder(d).setMessageId(r.getMessageId()).build())
                        .timeout(Duration.ofSeconds(30)));
    /*CANDIDATE_INVARIANT*/
    return builder.build();
  }

  @Override
  public String moduleName() {
    return "greeting";
  }
}
