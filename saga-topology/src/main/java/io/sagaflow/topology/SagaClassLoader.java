package io.sagaflow.topology;

import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Sees the generated Avro classes of every registered saga type. Decoding a record by the name in
 * its writer schema needs the class, and a saga module loaded as a plugin lives in a class loader
 * of its own that Sagaflow's loader cannot see; this one asks Sagaflow's loader first, then each
 * module's, in registration order.
 */
public final class SagaClassLoader extends ClassLoader {
  static {
    registerAsParallelCapable();
  }

  private final List<ClassLoader> modules;

  private SagaClassLoader(ClassLoader parent, List<ClassLoader> modules) {
    super("sagaflow-sagas", parent);
    this.modules = List.copyOf(modules);
  }

  /**
   * The loader for {@code registry}: Sagaflow's own when every definition's data class comes from
   * it (library mode, one class path), else one that also searches each module's loader.
   */
  public static ClassLoader of(SagaRegistry registry) {
    ClassLoader core = SagaClassLoader.class.getClassLoader();
    Set<ClassLoader> others = new LinkedHashSet<>();
    for (SagaDefinition<?> definition : registry.all()) {
      ClassLoader loader = definition.dataType().getClassLoader();
      if (loader != null && loader != core) {
        others.add(loader);
      }
    }
    return others.isEmpty() ? core : new SagaClassLoader(core, new ArrayList<>(others));
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    for (ClassLoader module : modules) {
      try {
        return module.loadClass(name);
      } catch (ClassNotFoundException e) {
        // Not this module's class: the next module may have it.
      }
    }
    throw new ClassNotFoundException(name + " is in no loaded saga module");
  }
}
