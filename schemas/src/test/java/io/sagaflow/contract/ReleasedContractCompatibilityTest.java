package io.sagaflow.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The build's compatibility gate: fails when a schema change would break released data. */
class ReleasedContractCompatibilityTest {

  @Test
  void shouldReadEveryReleasedSchemaWithItsCurrentTwin() {
    Map<String, Schema> released = ContractDirectory.load(ContractDirectory.RELEASED);
    Map<String, Schema> current = ContractDirectory.load(ContractDirectory.CURRENT);

    List<String> problems = CompatibilityGate.breakingChanges(released, current);

    assertThat(released).as("released contract snapshot in schemas/avro/released").isNotEmpty();
    assertThat(problems)
        .withFailMessage(
            "The contract is not backward compatible with schemas/avro/released:%n  %s",
            String.join(System.lineSeparator() + "  ", problems))
        .isEmpty();
  }

  @Test
  void shouldNameSchemaAndFieldWhenARequiredFieldIsAdded() {
    Schema released = StepReply.getClassSchema();
    Schema breaking = withExtraField(released, "{\"name\":\"tenant\",\"type\":\"string\"}");

    List<String> problems = CompatibilityGate.breakingChanges(released, breaking);

    assertThat(problems)
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("io.sagaflow.contract.StepReply", "field 'tenant'");
  }

  @Test
  void shouldNameNestedFieldWhenItsTypeChanges() {
    Schema released = SagaStateRecord.getClassSchema();
    Schema breaking =
        new Schema.Parser()
            .parse(
                released
                    .toString()
                    .replace(
                        "{\"name\":\"attempt\",\"type\":\"int\",\"doc\":\"Current",
                        "{\"name\":\"attempt\",\"type\":\"string\",\"doc\":\"Current"));

    List<String> problems = CompatibilityGate.breakingChanges(released, breaking);

    assertThat(problems)
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("SagaStateRecord", "field 'steps.attempt'", "TYPE_MISMATCH");
  }

  @Test
  void shouldAcceptAnOptionalFieldWithDefault() {
    Schema released = StepReply.getClassSchema();
    Schema evolved =
        withExtraField(
            released, "{\"name\":\"tenant\",\"type\":[\"null\",\"string\"],\"default\":null}");

    assertThat(CompatibilityGate.breakingChanges(released, evolved)).isEmpty();
  }

  @Test
  void shouldReportARemovedReleasedSchema() {
    Map<String, Schema> released = Map.of("io.sagaflow.contract.Gone", StepReply.getClassSchema());

    assertThat(CompatibilityGate.breakingChanges(released, Map.of()))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("io.sagaflow.contract.Gone", "gone");
  }

  private static Schema withExtraField(Schema schema, String fieldJson) {
    String json = schema.toString();
    int endOfFields = json.lastIndexOf(']');
    return new Schema.Parser()
        .parse(json.substring(0, endOfFields) + "," + fieldJson + json.substring(endOfFields));
  }
}
