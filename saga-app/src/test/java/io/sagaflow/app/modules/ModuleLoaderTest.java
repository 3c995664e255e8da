package io.sagaflow.app.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.engine.SagaDefinition;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleLoaderTest {
  @TempDir Path plugins;

  @Test
  void shouldLoadAModuleJarInAClassLoaderOfItsOwn() throws ClassNotFoundException {
    // Given a user's saga module built into a jar on the plugin path
    Path jar = PluginJars.build("greeting", plugins.resolve("greeting.jar"));

    // When the plugin path is loaded
    SagaModules modules = ModuleLoader.load(Optional.of(plugins));

    // Then its definition is registered, and its classes come from the plugin's own loader
    SagaDefinition<?> greeting = modules.registry().find("greeting", 1).orElseThrow();
    assertThat(greeting.dataType().getClassLoader())
        .isNotSameAs(ModuleLoader.class.getClassLoader());
    assertThat(modules.classLoader().loadClass("com.example.greeting.SlotReserved")).isNotNull();
    assertThat(modules.describe()).contains("greeting (" + jar.toAbsolutePath() + "): greeting v1");
  }

  @Test
  void shouldLoadTwoVersionsOfOneTypeFromTwoPlugins() {
    PluginJars.build("greeting", plugins.resolve("greeting-v1.jar"));
    PluginJars.build("greeting", plugins.resolve("greeting-v2.jar"), Map.of("/*VERSION*/ 1", "2"));

    SagaModules modules = ModuleLoader.load(Optional.of(plugins));

    assertThat(modules.registry().versions("greeting")).containsExactly(1, 2);
    // Same class names, separate loaders: neither plugin sees the other's classes.
    assertThat(modules.registry().find("greeting", 1).orElseThrow().dataType())
        .isNotSameAs(modules.registry().find("greeting", 2).orElseThrow().dataType());
  }

  @Test
  void shouldRefuseTwoModulesClaimingOneTypeAndVersion() {
    Path first = PluginJars.build("greeting", plugins.resolve("a-greeting.jar"));
    Path second = PluginJars.build("greeting", plugins.resolve("b-greeting.jar"));

    assertThatThrownBy(() -> ModuleLoader.load(Optional.of(plugins)))
        .isInstanceOf(ModuleLoadException.class)
        .hasMessageContaining("Saga type 'greeting' v1 is defined by two modules")
        .hasMessageContaining(first.toAbsolutePath().toString())
        .hasMessageContaining(second.toAbsolutePath().toString());
  }

  @Test
  void shouldRefuseAJarWithoutAModule() throws IOException {
    Path jar = plugins.resolve("not-a-module.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream content = new JarOutputStream(out)) {
      content.putNextEntry(new JarEntry("README.txt"));
      content.write("just a library".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      content.closeEntry();
    }

    assertThatThrownBy(() -> ModuleLoader.load(Optional.of(plugins)))
        .isInstanceOf(ModuleLoadException.class)
        .hasMessageContaining("Plugin " + jar.toAbsolutePath() + " holds no saga module")
        .hasMessageContaining("META-INF/services/io.sagaflow.module.SagaModule");
  }

  @Test
  void shouldNameTheJarTheTypeAndTheStepOfAnInvalidDefinition() {
    // A retriable step before the pivot breaks the step order the builder enforces.
    Path jar =
        PluginJars.build(
            "greeting",
            plugins.resolve("broken.jar"),
            Map.of("/*FIRST_KIND*/ StepKind.COMPENSATABLE", "StepKind.RETRIABLE"));

    assertThatThrownBy(() -> ModuleLoader.load(Optional.of(plugins)))
        .isInstanceOf(ModuleLoadException.class)
        .hasMessageContaining(jar.toAbsolutePath().toString())
        .hasMessageContaining("saga 'greeting' v1")
        .hasMessageContaining("reserve-slot");
  }

  @Test
  void shouldRefuseAPluginPathThatIsNoDirectory() {
    Path missing = plugins.resolve("nowhere");

    assertThatThrownBy(() -> ModuleLoader.load(Optional.of(missing)))
        .isInstanceOf(ModuleLoadException.class)
        .hasMessageContaining(missing.toAbsolutePath() + " is not a directory");
  }

  @Test
  void shouldFindTheExamplesOnTheClassPathWithoutAPluginPath() {
    SagaModules modules = ModuleLoader.load(Optional.empty());

    assertThat(modules.registry().all())
        .extracting(SagaDefinition::type)
        .contains("order-fulfilment", "money-transfer");
    assertThat(modules.participants())
        .extracting(p -> p.name())
        .doesNotHaveDuplicates()
        .contains("payment", "payee-bank");
  }
}
