package io.sagaflow.api;

import io.javalin.http.Context;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.StepDefinition;
import io.sagaflow.engine.StepKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /console/saga-types}: every registered saga definition as the console draws it: stages
 * in order, each a list of steps that run side by side, with each step's kind and its compensation.
 * Read from the definitions this instance loaded; every instance loads the same.
 */
final class SagaTypesRoute {
  private final List<Map<String, Object>> body;

  SagaTypesRoute(SagaRegistry registry) {
    List<SagaDefinition<?>> all = new ArrayList<>(registry.all());
    all.sort(
        Comparator.comparing((SagaDefinition<?> d) -> d.type())
            .thenComparingInt(SagaDefinition::version));
    this.body = all.stream().map(SagaTypesRoute::definition).toList();
  }

  void handle(Context ctx) {
    if (!ctx.queryParamMap().isEmpty()) {
      throw ApiProblem.badRequest(
          "GET /console/saga-types takes no query parameters; got "
              + ctx.queryParamMap().keySet()
              + ".");
    }
    ctx.json(Map.of("items", body));
  }

  private static Map<String, Object> definition(SagaDefinition<?> d) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sagaType", d.type());
    out.put("version", d.version());
    List<List<Map<String, Object>>> stages = new ArrayList<>();
    for (List<? extends StepDefinition<?>> stage : d.stages()) {
      stages.add(stage.stream().map(SagaTypesRoute::step).toList());
    }
    out.put("stages", stages);
    return out;
  }

  private static Map<String, Object> step(StepDefinition<?> s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", s.name());
    out.put("kind", s.kind().name());
    out.put("pivot", s.kind() == StepKind.PIVOT);
    out.put("commandTopic", s.commandTopic());
    out.put("timeoutMs", s.timeout().toMillis());
    out.put(
        "compensationTopic", s.compensation().isPresent() ? s.effectiveCompensationTopic() : null);
    return out;
  }
}
