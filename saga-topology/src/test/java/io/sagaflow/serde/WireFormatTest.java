package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.examples.order.InventoryReserved;
import org.junit.jupiter.api.Test;

/** The exact bytes on the wire, which non-Java participants depend on. */
class WireFormatTest {

  @Test
  void shouldWriteMagicByteBigEndianIdThenAvroBinary() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    registry.register("filler-1", InventoryReserved.getClassSchema());
    AvroSerializer<CancelSaga> serializer =
        new AvroSerializer<>(registry, AvroSerdeConfig.topicName().withAutoRegister(true));

    byte[] bytes =
        serializer.serialize("saga.requests", CancelSaga.newBuilder().setReason("no").build());

    // magic 0 | id 2 as 4 bytes big-endian | string "no": zig-zag length 2 -> 0x04, 'n', 'o'
    assertThat(bytes).containsExactly(0, 0, 0, 0, 2, 0x04, 'n', 'o');
    assertThat(registry.subjects()).contains("saga.requests-value");
  }

  @Test
  void shouldFrameLargeIdsBigEndian() {
    byte[] framed = WireFormat.frame(0x01020304, new byte[] {9});

    assertThat(framed).containsExactly(0, 1, 2, 3, 4, 9);
    assertThat(WireFormat.schemaId("t", framed)).isEqualTo(0x01020304);
  }

  @Test
  void shouldUseRecordNameOrTopicForSubjects() {
    var schema = CancelSaga.getClassSchema();

    assertThat(SubjectNameStrategy.TOPIC_NAME.subject("saga.requests", false, schema))
        .isEqualTo("saga.requests-value");
    assertThat(SubjectNameStrategy.TOPIC_NAME.subject("saga.requests", true, schema))
        .isEqualTo("saga.requests-key");
    assertThat(SubjectNameStrategy.RECORD_NAME.subject("saga.requests", false, schema))
        .isEqualTo("io.sagaflow.contract.CancelSaga");
    assertThat(SubjectNameStrategy.TOPIC_RECORD_NAME.subject("saga.requests", false, schema))
        .isEqualTo("saga.requests-io.sagaflow.contract.CancelSaga");
  }
}
