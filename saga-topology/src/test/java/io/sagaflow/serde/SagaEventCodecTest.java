package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.SagaFact;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The hand-written lifecycle event writer against Avro's own: the same bytes for every event. */
class SagaEventCodecTest {
  private static final String TOPIC = "saga.events";

  @Test
  void isWrittenForTheGeneratedSchema() {
    assertThat(SagaEventCodec.handles(SagaEvent.getClassSchema()))
        .as(
            "SagaEvent's schema changed: update SagaEventCodec's fields and FINGERPRINT"
                + " (until then every event takes Avro's slower writer)")
        .isTrue();
  }

  @Test
  void writesTheBytesAvroWritesForEveryGeneratedEvent() throws IOException {
    Random random = new Random(7);
    for (int i = 0; i < 3000; i++) {
      SagaEvent event = randomEvent(random);
      assertThat(bytes(event, true)).as("event %d: %s", i, event).isEqualTo(bytes(event, false));
    }
  }

  @Test
  void theEventSerdeWritesAvrosBytesUnderTheRegistryIdAndReadsBack() throws IOException {
    AvroSerde<SagaEvent> serde =
        AvroSerde.specific(
            SagaEvent.class,
            new InMemorySchemaRegistry(),
            AvroSerdeConfig.topicName().withAutoRegister(true));
    SagaEvent event = randomEvent(new Random(70));

    byte[] framed = serde.serializer().serialize(TOPIC, event);

    assertThat(Arrays.copyOfRange(framed, WireFormat.HEADER_LENGTH, framed.length))
        .isEqualTo(bytes(event, false));
    assertThat(serde.deserializer().deserialize(TOPIC, framed)).isEqualTo(event);
  }

  @Test
  void aMissingRequiredFieldFailsTheWriteAsAvrosWriterWould() {
    SagaEvent event = randomEvent(new Random(71));
    event.setStatus(null);
    AvroSerde<SagaEvent> serde =
        AvroSerde.specific(
            SagaEvent.class,
            new InMemorySchemaRegistry(),
            AvroSerdeConfig.topicName().withAutoRegister(true));

    assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, event))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("SagaEvent.status");
  }

  private static byte[] bytes(SagaEvent event, boolean codec) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    if (codec) {
      SagaEventCodec.INSTANCE.write(event, encoder);
    } else {
      new SpecificDatumWriter<SagaEvent>(SagaEvent.getClassSchema(), ContractModel.SPECIFIC)
          .write(event, encoder);
    }
    encoder.flush();
    return out.toByteArray();
  }

  private static SagaEvent randomEvent(Random r) {
    SagaEventType[] types = SagaEventType.values();
    List<SagaFact> facts = new ArrayList<>();
    for (int i = r.nextInt(r.nextInt(10) == 0 ? 30 : 4); i > 0; i--) {
      facts.add(
          new SagaFact(
              types[r.nextInt(types.length)],
              maybe(r, text(r)),
              maybe(r, r.nextInt()),
              text(r),
              maybe(r, text(r))));
    }
    return new SagaEvent(
        text(r),
        text(r),
        r.nextInt(),
        types[r.nextInt(types.length)],
        maybe(r, text(r)),
        maybe(r, r.nextInt(5) == 0 ? -r.nextInt(100) : r.nextInt(100)),
        text(r),
        maybe(r, text(r)),
        Instant.ofEpochMilli(r.nextInt(4) == 0 ? -r.nextInt(1_000_000) : r.nextLong() >>> 24),
        maybe(r, text(r)),
        maybe(r, r.nextBoolean() ? r.nextLong() : (long) r.nextInt(100)),
        maybe(r, r.nextInt(10_001)),
        maybe(r, r.nextInt(10_000)),
        maybe(r, text(r)),
        facts);
  }

  private static <T> T maybe(Random r, T value) {
    return r.nextInt(3) == 0 ? null : value;
  }

  private static String text(Random r) {
    String[] pool = {"", "SUCCEEDED", "charge-card", "rückbuchung", "配送", "😀", "x\u0000y"};
    return pool[r.nextInt(pool.length)] + r.nextInt(100_000);
  }
}
