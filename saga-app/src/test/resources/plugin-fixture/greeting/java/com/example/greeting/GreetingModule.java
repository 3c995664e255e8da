package com.example.greeting;

import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.StepKind;
import io.sagaflow.module.SagaModule;
import java.time.Duration;
import java.util.List;

/** A user's saga as a test builds it into a plugin jar: reserve a slot, then send (the pivot). */
public final class GreetingModule implements SagaModule {
  @Override
  public List<SagaDefinition<?>> definitions() {
    return List.of(
        SagaDefinition.builder("greeting", /*VERSION*/ 1, GreetingData.class)
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
                        .timeout(Duration.ofSeconds(30)))
            .build());
  }

  @Override
  public String moduleName() {
    return "greeting";
  }
}
