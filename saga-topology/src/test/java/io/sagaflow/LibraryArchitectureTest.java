package io.sagaflow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The library's package boundaries (each package-info.java says the same in prose). The engine's
 * own purity rules are in EnginePurityTest; these hold the rest of the library.
 */
class LibraryArchitectureTest {
  private static final JavaClasses LIBRARY =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.sagaflow");

  @Test
  void shouldNameNoExampleSaga() {
    // The core holds no saga type: examples (and users' sagas) depend on it, never the reverse.
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.sagaflow.examples..")
        .orShould()
        .haveSimpleNameContaining("OrderFulfilment")
        .check(LIBRARY);
  }

  @Test
  void shouldKeepTheModuleSpiFreeOfKafkaAndTheTopology() {
    noClasses()
        .that()
        .resideInAPackage("io.sagaflow.module..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..", "io.sagaflow.topology..", "io.sagaflow.serde..", "org.slf4j..")
        .check(LIBRARY);
  }

  @Test
  void shouldKeepSerdeIndependentOfTheTopologyAndTheEngine() {
    noClasses()
        .that()
        .resideInAPackage("io.sagaflow.serde..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.sagaflow.topology..", "io.sagaflow.engine..", "io.sagaflow.module..")
        .check(LIBRARY);
  }

  @Test
  void shouldKeepTheTopologyUnawareOfModulesAndKafkaStreamsTestUtilities() {
    noClasses()
        .that()
        .resideInAPackage("io.sagaflow.topology..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.sagaflow.module..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.apache.kafka.streams.TopologyTestDriver")
        .check(LIBRARY);
  }
}
