package io.sagaflow.serde;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepStateRecord;
import io.sagaflow.contract.TimerRecord;
import io.sagaflow.contract.TransitionRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One saga state's encoding and decoding as every saga input pays it: Avro's reflective writer and
 * resolving reader (the path before {@link StateRecordCodec}) against the hand-written codec, on
 * the state a five-step saga has after its last step (five steps, one timer, two transitions). Run
 * with {@code scripts/bench-engine codec}; not part of the test run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StateCodecBenchmark {
  private static final Instant T0 = Instant.parse("2026-11-30T22:00:00Z");

  private SagaStateRecord state;
  private byte[] bytes;
  private DatumWriter<SagaStateRecord> avroWriter;
  private DatumReader<Object> avroReader;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
  private BinaryEncoder encoder;
  private BinaryDecoder decoder;

  @Setup
  public void setUp() throws IOException {
    List<StepStateRecord> steps = new ArrayList<>();
    String[] names = {"reserve-stock", "charge-card", "ship", "notify", "invoice"};
    for (int i = 0; i < names.length; i++) {
      steps.add(
          new StepStateRecord(
              names[i],
              "SUCCEEDED",
              1,
              "3f2504e0-4f89-41d3-9a0c-0305e82c330" + i,
              0,
              null,
              null,
              T0.plusMillis(100L * i),
              T0.plusMillis(100L * i + 40),
              null,
              null,
              null,
              i == 1));
    }
    state =
        new SagaStateRecord(
            2,
            "order-000123",
            "order-fulfilment",
            1,
            "COMPLETED",
            ByteBuffer.wrap(new byte[320]),
            steps,
            List.of(
                new TimerRecord(
                    "9b2c1a7e-1d2f-4c3b-8a9d-7e6f5a4b3c2d",
                    "SAGA_DEADLINE",
                    null,
                    1,
                    T0.plusSeconds(3600))),
            List.of(
                new TransitionRecord(T0, "", "RUNNING", "StartSaga"),
                new TransitionRecord(T0.plusMillis(540), "RUNNING", "COMPLETED", "all steps done")),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            null,
            T0,
            T0.plusMillis(540),
            null,
            null,
            null,
            null,
            null);
    avroWriter =
        new SpecificDatumWriter<>(SagaStateRecord.getClassSchema(), ContractModel.SPECIFIC);
    avroReader =
        new ContractDatumReader(
            SagaStateRecord.getClassSchema(),
            SagaStateRecord.getClassSchema(),
            ContractModel.SPECIFIC);
    bytes = avroEncode();
  }

  @Benchmark
  public byte[] avroEncode() throws IOException {
    out.reset();
    encoder = EncoderFactory.get().binaryEncoder(out, encoder);
    avroWriter.write(state, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  @Benchmark
  public byte[] codecEncode() throws IOException {
    out.reset();
    encoder = EncoderFactory.get().binaryEncoder(out, encoder);
    StateRecordCodec.INSTANCE.write(state, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  @Benchmark
  public Object avroDecode() throws IOException {
    decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
    return avroReader.read(null, decoder);
  }

  @Benchmark
  public Object codecDecode() throws IOException {
    decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
    return StateRecordCodec.INSTANCE.read(null, decoder);
  }
}
