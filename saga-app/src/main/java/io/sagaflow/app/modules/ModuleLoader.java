package io.sagaflow.app.modules;

import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.module.SagaModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Finds saga modules: on the application's class path, and on a plugin path laid out like Kafka
 * Connect's {@code plugin.path}: each {@code *.jar} directly in the directory is one plugin, and
 * each sub-directory is one plugin made of the jars in it. Every plugin gets a class loader of its
 * own whose parent is Sagaflow's, so two plugins never see each other's classes.
 */
public final class ModuleLoader {
  private static final String SERVICE_FILE = "META-INF/services/" + SagaModule.class.getName();

  private ModuleLoader() {}

  /**
   * Every module on the class path and under {@code pluginPath}, checked by {@link SagaModules#of}.
   *
   * @throws ModuleLoadException naming the plugin, module, type and step that is wrong
   */
  public static SagaModules load(Optional<Path> pluginPath) {
    List<LoadedModule> modules = new ArrayList<>(fromClassPath());
    pluginPath.ifPresent(dir -> modules.addAll(fromPluginPath(dir)));
    return SagaModules.of(modules);
  }

  /** The modules the application's own class loader finds (library mode, tests). */
  static List<LoadedModule> fromClassPath() {
    ClassLoader app = SagaModule.class.getClassLoader();
    return providers(app, "class path").stream()
        .map(module -> loaded(module, "class path"))
        .toList();
  }

  /** One module list per plugin under {@code dir}. */
  static List<LoadedModule> fromPluginPath(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ModuleLoadException(
          "The plugin path "
              + dir.toAbsolutePath()
              + " is not a directory. Set saga.plugin.path (SAGA_PLUGIN_PATH, --plugin-path) to a"
              + " directory holding saga module jars, or leave it unset.");
    }
    List<LoadedModule> modules = new ArrayList<>();
    for (Path plugin : plugins(dir)) {
      String source = plugin.toAbsolutePath().toString();
      List<SagaModule> found = providers(classLoaderFor(plugin), source);
      if (found.isEmpty()) {
        throw new ModuleLoadException(
            "Plugin "
                + source
                + " holds no saga module. A module jar lists its SagaModule implementation in "
                + SERVICE_FILE
                + "; remove the jar from the plugin path if it is not a saga module.");
      }
      found.forEach(module -> modules.add(loaded(module, source)));
    }
    return modules;
  }

  private static List<Path> plugins(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(p -> Files.isDirectory(p) || isJar(p)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the plugin path " + dir, e);
    }
  }

  private static boolean isJar(Path path) {
    return Files.isRegularFile(path) && path.getFileName().toString().endsWith(".jar");
  }

  private static ClassLoader classLoaderFor(Path plugin) {
    List<Path> jars;
    if (Files.isDirectory(plugin)) {
      try (Stream<Path> entries = Files.list(plugin)) {
        jars = entries.filter(ModuleLoader::isJar).sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list plugin directory " + plugin, e);
      }
    } else {
      jars = List.of(plugin);
    }
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new ModuleLoadException("Cannot use plugin jar " + jars.get(i), e);
      }
    }
    // Never closed: the module's classes are used until the JVM exits.
    return new URLClassLoader(
        "saga-plugin-" + plugin.getFileName(), urls, SagaModule.class.getClassLoader());
  }

  /** The modules whose class comes from {@code loader} itself, not from one of its parents. */
  private static List<SagaModule> providers(ClassLoader loader, String source) {
    try {
      return ServiceLoader.load(SagaModule.class, loader).stream()
          .filter(p -> p.type().getClassLoader() == loader)
          .map(ServiceLoader.Provider::get)
          .toList();
    } catch (ServiceConfigurationError | LinkageError e) {
      throw new ModuleLoadException(
          "Cannot load the saga module listed in "
              + SERVICE_FILE
              + " of "
              + source
              + ": "
              + e.getMessage()
              + ". The class must be public, implement "
              + SagaModule.class.getName()
              + " and have a public no-argument constructor.",
          e);
    }
  }

  static LoadedModule loaded(SagaModule module, String source) {
    List<SagaDefinition<?>> definitions;
    try {
      definitions = module.definitions();
    } catch (RuntimeException | LinkageError e) {
      throw new ModuleLoadException(
          "Saga module "
              + module.getClass().getName()
              + " in "
              + source
              + " has an invalid definition: "
              + e.getMessage(),
          e);
    }
    if (definitions == null || definitions.isEmpty()) {
      throw new ModuleLoadException(
          "Saga module "
              + module.getClass().getName()
              + " in "
              + source
              + " defines no saga; definitions() must return at least one definition.");
    }
    return new LoadedModule(module, source, definitions);
  }
}
