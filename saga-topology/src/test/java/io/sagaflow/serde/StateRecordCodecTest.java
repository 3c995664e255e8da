package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepStateRecord;
import io.sagaflow.contract.TimerRecord;
import io.sagaflow.contract.TransitionRecord;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The hand-written state codec against Avro's own writer and reader: same bytes, same records, for
 * every shape a state can take, and Avro's path for any other schema.
 */
class StateRecordCodecTest {
  private static final String TOPIC = "app-saga-state-changelog";

  @Test
  void isWrittenForTheGeneratedSchema() {
    assertThat(StateRecordCodec.handles(SagaStateRecord.getClassSchema()))
        .as(
            "SagaStateRecord's schema changed: update StateRecordCodec's fields and FINGERPRINT"
                + " (until then every state takes Avro's slower resolving path)")
        .isTrue();
  }

  @Test
  void writesTheBytesAvroWritesForEveryGeneratedState() throws IOException {
    Random random = new Random(16);
    for (int i = 0; i < 3000; i++) {
      SagaStateRecord state = randomState(random);
      assertThat(codecBytes(state)).as("state %d: %s", i, state).isEqualTo(avroBytes(state));
    }
  }

  @Test
  void readsWhatAvroWroteIntoTheSameRecord() throws IOException {
    Random random = new Random(61);
    for (int i = 0; i < 3000; i++) {
      SagaStateRecord state = randomState(random);
      byte[] bytes = avroBytes(state);
      Object read =
          StateRecordCodec.INSTANCE.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
      assertThat(read).as("state %d", i).isEqualTo(state);
      assertThat(avroBytes((SagaStateRecord) read)).isEqualTo(bytes);
    }
  }

  @Test
  void theStateSerdeUsesItAndStillWritesAvrosBytesUnderTheRegistryId() throws IOException {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    AvroSerde<SagaStateRecord> serde =
        AvroSerde.specific(
            SagaStateRecord.class, registry, AvroSerdeConfig.topicName().withAutoRegister(true));
    SagaStateRecord state = ContractSamples.stateRecord();

    byte[] framed = serde.serializer().serialize(TOPIC, state);

    assertThat(Arrays.copyOfRange(framed, WireFormat.HEADER_LENGTH, framed.length))
        .isEqualTo(avroBytes(state));
    assertThat(serde.deserializer().deserialize(TOPIC, framed)).isEqualTo(state);
  }

  @Test
  void aStateWrittenWithAnotherSchemaIsResolvedByAvro() throws IOException {
    // The released first shape lacks fields the current one has: another layout.
    Schema released =
        new Schema.Parser().parse(new File("../schemas/avro/released/SagaStateRecord.avsc"));
    assertThat(StateRecordCodec.handles(released)).isFalse();
    assertThat(StateRecordCodec.handles(SagaStateRecord.getClassSchema())).isTrue();
  }

  @Test
  void aTruncatedStateIsAnUnreadableBodyNotAWrongRecord() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    AvroSerde<SagaStateRecord> serde =
        AvroSerde.specific(
            SagaStateRecord.class, registry, AvroSerdeConfig.topicName().withAutoRegister(true));
    byte[] framed = serde.serializer().serialize(TOPIC, ContractSamples.stateRecord());

    byte[] truncated = Arrays.copyOf(framed, framed.length - 7);

    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, truncated))
        .isInstanceOf(AvroDeserializationException.class)
        .hasMessageContaining("Avro body unreadable");
  }

  @Test
  void aUnionBranchOutsideTheSchemaIsRefused() throws IOException {
    SagaStateRecord state = ContractSamples.stateRecord();
    state.setTraceparent(null);
    state.setLastError(null);
    state.setRolloutId(null);
    state.setRolloutGeneration(null);
    state.setRolloutWeight(null);
    state.setRolloutBucket(null);
    state.setRolloutRole(null);
    byte[] bytes = avroBytes(state);
    // The last field is rolloutRole, null: a single zero byte (branch 0). Branch 2 does not exist.
    assertThat(bytes[bytes.length - 1]).isZero();
    bytes[bytes.length - 1] = 4;

    assertThatThrownBy(
            () ->
                StateRecordCodec.INSTANCE.read(
                    null, DecoderFactory.get().binaryDecoder(bytes, null)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("union branch 2");
  }

  @Test
  void aMissingRequiredFieldFailsTheWriteAsAvrosWriterWould() {
    SagaStateRecord state = ContractSamples.stateRecord();
    state.setSagaType(null);
    AvroSerde<SagaStateRecord> serde =
        AvroSerde.specific(
            SagaStateRecord.class,
            new InMemorySchemaRegistry(),
            AvroSerdeConfig.topicName().withAutoRegister(true));

    assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, state))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("SagaStateRecord.sagaType");
  }

  private static byte[] codecBytes(SagaStateRecord state) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    StateRecordCodec.INSTANCE.write(state, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static byte[] avroBytes(SagaStateRecord state) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<SagaStateRecord>(
            SagaStateRecord.getClassSchema(), ContractModel.SPECIFIC)
        .write(state, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  /** A state with every optional field present or absent at random, and lists of 0 to 40 items. */
  private static SagaStateRecord randomState(Random r) {
    List<StepStateRecord> steps = new ArrayList<>();
    for (int i = r.nextInt(r.nextInt(10) == 0 ? 40 : 8); i > 0; i--) {
      steps.add(
          new StepStateRecord(
              text(r),
              text(r),
              anyInt(r),
              maybe(r, text(r)),
              anyInt(r),
              maybe(r, text(r)),
              maybe(r, text(r)),
              maybe(r, instant(r)),
              maybe(r, instant(r)),
              maybe(r, text(r)),
              maybe(r, anyInt(r)),
              maybe(r, instant(r)),
              r.nextBoolean()));
    }
    List<TimerRecord> timers = new ArrayList<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      timers.add(new TimerRecord(text(r), text(r), maybe(r, text(r)), anyInt(r), instant(r)));
    }
    List<TransitionRecord> history = new ArrayList<>();
    for (int i = r.nextInt(6); i > 0; i--) {
      history.add(new TransitionRecord(instant(r), text(r), text(r), text(r)));
    }
    byte[] data = new byte[r.nextInt(r.nextInt(10) == 0 ? 5000 : 300)];
    r.nextBytes(data);
    return new SagaStateRecord(
        anyInt(r),
        text(r),
        text(r),
        anyInt(r),
        text(r),
        ByteBuffer.wrap(data),
        steps,
        timers,
        history,
        maybe(r, text(r)),
        maybe(r, text(r)),
        instant(r),
        instant(r),
        maybe(r, text(r)),
        maybe(r, r.nextBoolean() ? r.nextLong() : (long) r.nextInt(100)),
        maybe(r, anyInt(r)),
        maybe(r, anyInt(r)),
        maybe(r, text(r)));
  }

  private static <T> T maybe(Random r, T value) {
    return r.nextInt(3) == 0 ? null : value;
  }

  private static int anyInt(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> r.nextInt();
      case 1 -> -r.nextInt(100);
      default -> r.nextInt(100);
    };
  }

  private static Instant instant(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> Instant.ofEpochMilli(-r.nextInt(1_000_000));
      case 1 -> Instant.ofEpochMilli(Long.MAX_VALUE / 2 - r.nextInt(1000));
      default -> Instant.parse("2026-11-30T22:00:00Z").plusMillis(r.nextInt(1_000_000_000));
    };
  }

  private static String text(Random r) {
    String[] pool = {"", "RUNNING", "payment", "zahlung-ü", "支払い", "emoji-😀", "a\u0000b"};
    if (r.nextInt(8) == 0) {
      byte[] ascii = new byte[r.nextInt(300)];
      for (int i = 0; i < ascii.length; i++) {
        ascii[i] = (byte) ('a' + r.nextInt(26));
      }
      return new String(ascii, StandardCharsets.US_ASCII);
    }
    return pool[r.nextInt(pool.length)] + r.nextInt(1000);
  }
}
