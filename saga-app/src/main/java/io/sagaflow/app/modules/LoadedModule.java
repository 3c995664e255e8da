package io.sagaflow.app.modules;

import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.module.SagaModule;
import java.util.List;

/**
 * A saga module as loaded: the module, where it came from (a plugin's path, or "class path") and
 * its definitions, validated once at load time.
 */
public record LoadedModule(SagaModule module, String source, List<SagaDefinition<?>> definitions) {
  /** Copies the definitions. */
  public LoadedModule {
    definitions = List.copyOf(definitions);
  }

  /** "name (source)", as errors and the start-up log name a module. */
  public String describe() {
    return module.moduleName() + " (" + source + ")";
  }
}
