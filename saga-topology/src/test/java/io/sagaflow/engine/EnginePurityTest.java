package io.sagaflow.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine is a pure function: these rules fail the build when someone makes it impure. */
class EnginePurityTest {
  private static final JavaClasses ENGINE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.sagaflow.engine");

  @Test
  void shouldNotDependOnKafkaOtherSagaflowPackagesAvroOrIo() {
    noClasses()
        .that()
        .resideInAPackage("io.sagaflow.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "org.apache.avro..",
            "io.sagaflow.topology..",
            "io.sagaflow.serde..",
            "java.io..",
            "java.net..",
            "java.nio.file..",
            "java.nio.channels..",
            "java.sql..",
            "java.util.concurrent..",
            "org.slf4j..")
        .check(ENGINE);
  }

  @Test
  void shouldReadNoClockRandomSourceOrEnvironment() {
    noClasses()
        .that()
        .resideInAPackage("io.sagaflow.engine..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.time.Clock")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.util.Random")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.security.SecureRandom")
        .orShould()
        .callMethodWhere(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "reads the clock, randomness or the environment",
                call ->
                    call.getName().equals("now")
                        || call.getName().equals("randomUUID")
                        || call.getName().equals("random")
                        || call.getName().equals("currentTimeMillis")
                        || call.getName().equals("nanoTime")
                        || call.getName().equals("getenv")
                        || call.getName().equals("getProperty")))
        .check(ENGINE);
  }

  @Test
  void shouldHoldNoStaticMutableState() {
    fields()
        .that()
        .areDeclaredInClassesThat()
        .resideInAPackage("io.sagaflow.engine..")
        .and()
        .areStatic()
        .should()
        .beFinal()
        .check(ENGINE);
  }
}
