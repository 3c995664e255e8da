package io.sagaflow.app.modules;

import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.module.DemoData;
import io.sagaflow.module.SagaModule;
import io.sagaflow.module.SimulatedParticipant;
import io.sagaflow.topology.SagaClassLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The saga modules one Sagaflow instance runs, checked together: no two modules define the same
 * saga type and version, no two simulated participants share a name, every demo names a type that
 * is defined, and there is at least one module.
 */
public final class SagaModules {
  private final List<LoadedModule> modules;
  private final SagaRegistry registry;
  private final ClassLoader classLoader;

  private SagaModules(List<LoadedModule> modules, SagaRegistry registry) {
    this.modules = List.copyOf(modules);
    this.registry = registry;
    // One loader for every user: each new one would start its own class cache.
    this.classLoader = SagaClassLoader.of(registry);
  }

  /**
   * The modules, checked.
   *
   * @throws ModuleLoadException on duplicates, an unknown demo type, or no module at all
   */
  public static SagaModules of(List<LoadedModule> modules) {
    if (modules.isEmpty()) {
      throw new ModuleLoadException(
          "No saga module found. Put saga module jars in a directory and name it with"
              + " --plugin-path (or SAGA_PLUGIN_PATH, saga.plugin.path); see"
              + " docs/your-first-saga.md.");
    }
    Map<String, LoadedModule> owners = new HashMap<>();
    SagaRegistry registry = SagaRegistry.of();
    for (LoadedModule module : modules) {
      for (SagaDefinition<?> definition : module.definitions()) {
        String key = definition.type() + " v" + definition.version();
        LoadedModule earlier = owners.putIfAbsent(key, module);
        if (earlier != null) {
          throw new ModuleLoadException(
              "Saga type '"
                  + definition.type()
                  + "' v"
                  + definition.version()
                  + " is defined by two modules: "
                  + earlier.describe()
                  + " and "
                  + module.describe()
                  + ". Remove one of them from the plugin path, or give the new definition a"
                  + " higher version.");
        }
        registry = registry.with(definition);
      }
    }
    SagaModules result = new SagaModules(modules, registry);
    result.checkParticipants();
    result.checkDemos();
    return result;
  }

  /** The modules given to a builder in library mode. */
  public static SagaModules ofModules(List<SagaModule> modules, String source) {
    List<LoadedModule> loaded = new ArrayList<>();
    for (SagaModule module : modules) {
      loaded.add(ModuleLoader.loaded(module, source));
    }
    return of(loaded);
  }

  private void checkParticipants() {
    Map<String, LoadedModule> names = new HashMap<>();
    for (LoadedModule module : modules) {
      for (SimulatedParticipant participant : module.module().simulatedParticipants()) {
        LoadedModule earlier = names.putIfAbsent(participant.name(), module);
        if (earlier != null) {
          throw new ModuleLoadException(
              "Two simulated participants are named '"
                  + participant.name()
                  + "': in "
                  + earlier.describe()
                  + " and in "
                  + module.describe()
                  + ". Participant names are global; rename one.");
        }
      }
    }
  }

  private void checkDemos() {
    for (LoadedModule module : modules) {
      module
          .module()
          .demoData()
          .ifPresent(
              demo -> {
                if (registry.latest(demo.sagaType()).isEmpty()) {
                  throw new ModuleLoadException(
                      "The demo data of "
                          + module.describe()
                          + " starts saga type '"
                          + demo.sagaType()
                          + "', which no module defines.");
                }
              });
    }
  }

  /** Every definition of every module. */
  public SagaRegistry registry() {
    return registry;
  }

  /** The modules, in load order. */
  public List<LoadedModule> modules() {
    return modules;
  }

  /** Every module's simulated participants. */
  public List<SimulatedParticipant> participants() {
    return modules.stream().flatMap(m -> m.module().simulatedParticipants().stream()).toList();
  }

  /** The demo data of every module that has some. */
  public List<DemoData> demoData() {
    return modules.stream().flatMap(m -> m.module().demoData().stream()).toList();
  }

  /** A class loader that sees every module's generated records. */
  public ClassLoader classLoader() {
    return classLoader;
  }

  /** One line per module: name, source and its saga types with versions. */
  public String describe() {
    return modules.stream()
        .map(
            m ->
                "  "
                    + m.describe()
                    + ": "
                    + m.definitions().stream()
                        .map(d -> d.type() + " v" + d.version())
                        .collect(Collectors.joining(", ")))
        .collect(Collectors.joining("\n"));
  }
}
