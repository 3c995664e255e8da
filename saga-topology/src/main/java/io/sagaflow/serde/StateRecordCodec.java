package io.sagaflow.serde;

import static io.sagaflow.serde.BinaryFields.readOptionalInstant;
import static io.sagaflow.serde.BinaryFields.readOptionalInt;
import static io.sagaflow.serde.BinaryFields.readOptionalLong;
import static io.sagaflow.serde.BinaryFields.readOptionalString;
import static io.sagaflow.serde.BinaryFields.required;
import static io.sagaflow.serde.BinaryFields.writeOptional;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepStateRecord;
import io.sagaflow.contract.TimerRecord;
import io.sagaflow.contract.TransitionRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.util.Utf8;

/**
 * Reads and writes {@link SagaStateRecord}, the record every saga input decodes and encodes once,
 * field by field in Avro's binary encoding, without Avro's per-field schema walk, union lookup by
 * name and logical-type conversion lookup. The bytes are exactly those Avro's own writer produces
 * for the same record (a test holds it to that over thousands of generated records), so the
 * changelog, the registry's schema id and every reader of the store are unchanged.
 *
 * <p>It is written for one schema, named by {@link #FINGERPRINT} (the parsing canonical form's
 * 64-bit fingerprint, which changes with any change to the binary layout). The serdes use it only
 * when both the writer's schema and the generated class's schema have that fingerprint; a state
 * written with any other schema (an older shape, or a newer one after the contract changed) takes
 * Avro's resolving path as before. A changed schema therefore stays correct, only slower, and
 * {@code StateRecordCodecTest} fails until this class follows it.
 *
 * <p>Avro would generate such coders itself ({@code customEncode}) if the record had no logical
 * types; the timestamps keep it from doing so.
 */
final class StateRecordCodec implements DatumWriter<Object>, DatumReader<Object> {
  /** The parsing canonical form fingerprint of the schema this codec reads and writes. */
  static final long FINGERPRINT = 1796592317505200543L;

  static final StateRecordCodec INSTANCE = new StateRecordCodec();

  // Shared by every reader of the store (stream threads and status queries), hence thread-safe.
  private final KnownStrings known = new KnownStrings();

  private StateRecordCodec() {}

  /** Whether {@code schema} has exactly the binary layout this codec reads and writes. */
  static boolean handles(Schema schema) {
    return BinaryFields.hasLayout(schema, FINGERPRINT);
  }

  @Override
  public void setSchema(Schema schema) {
    if (!handles(schema)) {
      throw new IllegalArgumentException(
          "StateRecordCodec handles only the schema with fingerprint " + FINGERPRINT);
    }
  }

  @Override
  public void write(Object datum, Encoder out) throws IOException {
    SagaStateRecord r = (SagaStateRecord) datum;
    out.writeInt(r.getStateVersion());
    out.writeString(required(r.getSagaId(), "SagaStateRecord.sagaId"));
    out.writeString(required(r.getSagaType(), "SagaStateRecord.sagaType"));
    out.writeInt(r.getDefinitionVersion());
    out.writeString(required(r.getStatus(), "SagaStateRecord.status"));
    out.writeBytes(required(r.getData(), "SagaStateRecord.data"));
    List<StepStateRecord> steps = required(r.getSteps(), "SagaStateRecord.steps");
    out.writeArrayStart();
    out.setItemCount(steps.size());
    for (StepStateRecord step : steps) {
      out.startItem();
      writeStep(step, out);
    }
    out.writeArrayEnd();
    List<TimerRecord> timers = required(r.getTimers(), "SagaStateRecord.timers");
    out.writeArrayStart();
    out.setItemCount(timers.size());
    for (TimerRecord timer : timers) {
      out.startItem();
      out.writeString(required(timer.getTimerId(), "SagaStateRecord.timers.timerId"));
      out.writeString(required(timer.getKind(), "SagaStateRecord.timers.kind"));
      writeOptional(timer.getStep(), out);
      out.writeInt(timer.getAttempt());
      out.writeLong(required(timer.getDueAt(), "SagaStateRecord.timers.dueAt").toEpochMilli());
    }
    out.writeArrayEnd();
    List<TransitionRecord> history = required(r.getHistory(), "SagaStateRecord.history");
    out.writeArrayStart();
    out.setItemCount(history.size());
    for (TransitionRecord t : history) {
      out.startItem();
      out.writeLong(required(t.getAt(), "SagaStateRecord.history.at").toEpochMilli());
      out.writeString(required(t.getFrom(), "SagaStateRecord.history.from"));
      out.writeString(required(t.getTo(), "SagaStateRecord.history.to"));
      out.writeString(required(t.getCause(), "SagaStateRecord.history.cause"));
    }
    out.writeArrayEnd();
    writeOptional(r.getTraceparent(), out);
    writeOptional(r.getLastError(), out);
    out.writeLong(required(r.getCreatedAt(), "SagaStateRecord.createdAt").toEpochMilli());
    out.writeLong(required(r.getUpdatedAt(), "SagaStateRecord.updatedAt").toEpochMilli());
    writeOptional(r.getRolloutId(), out);
    writeOptional(r.getRolloutGeneration(), out);
    writeOptional(r.getRolloutWeight(), out);
    writeOptional(r.getRolloutBucket(), out);
    writeOptional(r.getRolloutRole(), out);
  }

  private static void writeStep(StepStateRecord s, Encoder out) throws IOException {
    out.writeString(required(s.getName(), "SagaStateRecord.steps.name"));
    out.writeString(required(s.getStatus(), "SagaStateRecord.steps.status"));
    out.writeInt(s.getAttempt());
    writeOptional(s.getCommandId(), out);
    out.writeInt(s.getCompensationAttempt());
    writeOptional(s.getLastErrorCode(), out);
    writeOptional(s.getLastErrorMessage(), out);
    writeOptional(s.getStartedAt(), out);
    writeOptional(s.getFinishedAt(), out);
    writeOptional(s.getLastErrorKind(), out);
    writeOptional(s.getLastErrorAttempt(), out);
    writeOptional(s.getLastErrorAt(), out);
    out.writeBoolean(s.getMayHaveApplied());
  }

  @Override
  public Object read(Object reuse, Decoder in) throws IOException {
    // One scratch buffer for the record's repeated strings (see KnownStrings).
    Utf8 scratch = new Utf8();
    SagaStateRecord r = new SagaStateRecord();
    r.setStateVersion(in.readInt());
    r.setSagaId(in.readString());
    r.setSagaType(known.read(in, scratch));
    r.setDefinitionVersion(in.readInt());
    r.setStatus(known.read(in, scratch));
    r.setData(in.readBytes(null));
    List<StepStateRecord> steps = new ArrayList<>();
    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
      for (long i = 0; i < n; i++) {
        steps.add(readStep(in, scratch));
      }
    }
    r.setSteps(steps);
    List<TimerRecord> timers = new ArrayList<>();
    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
      for (long i = 0; i < n; i++) {
        timers.add(
            new TimerRecord(
                in.readString(),
                known.read(in, scratch),
                known.readOptional(in, scratch),
                in.readInt(),
                Instant.ofEpochMilli(in.readLong())));
      }
    }
    r.setTimers(timers);
    List<TransitionRecord> history = new ArrayList<>();
    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
      for (long i = 0; i < n; i++) {
        history.add(
            new TransitionRecord(
                Instant.ofEpochMilli(in.readLong()),
                known.read(in, scratch),
                known.read(in, scratch),
                in.readString()));
      }
    }
    r.setHistory(history);
    r.setTraceparent(readOptionalString(in));
    r.setLastError(readOptionalString(in));
    r.setCreatedAt(Instant.ofEpochMilli(in.readLong()));
    r.setUpdatedAt(Instant.ofEpochMilli(in.readLong()));
    r.setRolloutId(known.readOptional(in, scratch));
    r.setRolloutGeneration(readOptionalLong(in));
    r.setRolloutWeight(readOptionalInt(in));
    r.setRolloutBucket(readOptionalInt(in));
    r.setRolloutRole(known.readOptional(in, scratch));
    return r;
  }

  private StepStateRecord readStep(Decoder in, Utf8 scratch) throws IOException {
    return new StepStateRecord(
        known.read(in, scratch),
        known.read(in, scratch),
        in.readInt(),
        readOptionalString(in),
        in.readInt(),
        readOptionalString(in),
        readOptionalString(in),
        readOptionalInstant(in),
        readOptionalInstant(in),
        known.readOptional(in, scratch),
        readOptionalInt(in),
        readOptionalInstant(in),
        in.readBoolean());
  }
}
