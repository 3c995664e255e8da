package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.StartSaga;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Undecodable bytes raise the one exception type the topology routes to the DLQ, with a reason. */
class DeserializationFailureTest {

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final AvroDeserializer<StartSaga> startSaga =
      AvroDeserializer.specific(StartSaga.class, registry);

  @Test
  void shouldRejectBytesShorterThanTheHeader() {
    assertThatThrownBy(() -> startSaga.deserialize("saga.requests", new byte[] {0, 0}))
        .isInstanceOf(AvroDeserializationException.class)
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("saga.requests")
        .hasMessageContaining("shorter than the 5-byte Confluent header");
  }

  @Test
  void shouldRejectUnknownMagicByte() {
    assertThatThrownBy(
            () ->
                startSaga.deserialize(
                    "saga.requests",
                    "{\"json\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(AvroDeserializationException.class)
        .hasMessageContaining("unknown magic byte 123");
  }

  @Test
  void shouldRejectUnknownSchemaId() {
    AvroDeserializationException error =
        org.junit.jupiter.api.Assertions.assertThrows(
            AvroDeserializationException.class,
            () -> startSaga.deserialize("saga.requests", new byte[] {0, 0, 0, 0, 77, 2, 'x'}));

    assertThat(error.schemaId()).hasValue(77);
    assertThat(error).hasMessageContaining("does not know this schema id");
  }

  @Test
  void shouldStopRatherThanBlameTheRecordWhenTheRegistryIsNotARegistry() {
    // Given a registry address that answers 200 with something else (a proxy's login page)
    SchemaRegistry loginPage =
        (SchemaRegistry)
            java.lang.reflect.Proxy.newProxyInstance(
                SchemaRegistry.class.getClassLoader(),
                new Class<?>[] {SchemaRegistry.class},
                (proxy, method, args) -> {
                  throw SchemaRegistryException.notARegistry(
                      200, "HTTP 200 with <html>Sign in</html>", null);
                });

    // Then reading fails as an outage, which the topology never dead-letters
    assertThatThrownBy(
            () ->
                AvroDeserializer.specific(StartSaga.class, loginPage)
                    .deserialize("saga.requests", new byte[] {0, 0, 0, 0, 9, 2, 'x'}))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.isOutage()).isTrue())
        .isNotInstanceOf(AvroDeserializationException.class);
  }

  @Test
  void shouldRejectTruncatedAndTrailingBodies() {
    AvroSerializer<CancelSaga> serializer =
        new AvroSerializer<>(registry, AvroSerdeConfig.topicName().withAutoRegister(true));
    byte[] good =
        serializer.serialize("saga.requests", CancelSaga.newBuilder().setReason("because").build());
    AvroDeserializer<CancelSaga> cancel = AvroDeserializer.specific(CancelSaga.class, registry);
    byte[] truncated = Arrays.copyOf(good, good.length - 3);
    byte[] trailing = Arrays.copyOf(good, good.length + 2);

    assertThat(cancel.deserialize("saga.requests", good).getReason()).isEqualTo("because");
    assertThatThrownBy(() -> cancel.deserialize("saga.requests", truncated))
        .isInstanceOf(AvroDeserializationException.class)
        .hasMessageContaining("Avro body unreadable");
    assertThatThrownBy(() -> cancel.deserialize("saga.requests", trailing))
        .isInstanceOf(AvroDeserializationException.class)
        .hasMessageContaining("trailing bytes");
  }

  @Test
  void shouldRejectARecordOfAnotherTypeThanExpected() {
    AvroSerializer<CancelSaga> serializer =
        new AvroSerializer<>(registry, AvroSerdeConfig.recordName().withAutoRegister(true));
    byte[] cancel =
        serializer.serialize("saga.requests", CancelSaga.newBuilder().setReason("r").build());

    assertThatThrownBy(() -> startSaga.deserialize("saga.requests", cancel))
        .isInstanceOf(AvroDeserializationException.class);
  }

  @Test
  void shouldRefuseToWriteUnregisteredSchemaWhenAutoRegisterIsOff() {
    AvroSerializer<CancelSaga> serializer =
        new AvroSerializer<>(registry, AvroSerdeConfig.recordName());

    assertThatThrownBy(
            () ->
                serializer.serialize(
                    "saga.requests", CancelSaga.newBuilder().setReason("r").build()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("io.sagaflow.contract.CancelSaga")
        .hasMessageContaining("auto.register.schemas is off");
  }
}
