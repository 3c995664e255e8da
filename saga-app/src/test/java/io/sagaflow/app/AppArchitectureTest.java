package io.sagaflow.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The app's and the HTTP API's package boundaries, as their package-info.java files state. */
class AppArchitectureTest {
  private static final JavaClasses APP =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.sagaflow.app", "io.sagaflow.api");

  @Test
  void shouldNameNoExampleSaga() {
    // The examples reach the app as plugins (or on a test class path), never by name.
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.sagaflow.examples..")
        .check(APP);
  }

  @Test
  void shouldLoadModulesWithoutKnowingWhatRunsThem() {
    noClasses()
        .that()
        .resideInAPackage("io.sagaflow.app.modules..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.sagaflow.app.demo..",
            "io.sagaflow.app.participants..",
            "io.sagaflow.app.fixture..",
            "io.sagaflow.api..")
        .check(APP);
  }

  @Test
  void shouldKeepConfigurationFreeOfClientsAndRuntimeParts() {
    noClasses()
        .that()
        .resideInAPackage("io.sagaflow.app.config..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "io.sagaflow.app.modules..",
            "io.sagaflow.app.demo..",
            "io.sagaflow.app.participants..",
            "io.sagaflow.api..")
        .check(APP);
  }

  @Test
  void shouldKeepTheHttpApiOutOfTheApp() {
    noClasses()
        .that()
        .resideInAPackage("io.sagaflow.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.sagaflow.app..", "io.sagaflow.engine.testkit..")
        .check(APP);
  }
}
