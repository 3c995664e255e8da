package io.sagaflow.serde;

import static io.sagaflow.serde.BinaryFields.required;
import static io.sagaflow.serde.BinaryFields.writeOptional;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.SagaFact;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;

/**
 * Writes {@link SagaEvent}, the record of every decision, field by field in Avro's binary encoding;
 * the bytes are exactly those Avro's own writer produces ({@code SagaEventCodecTest}). Like {@link
 * StateRecordCodec} it is used only for the schema whose parsing fingerprint it was written for;
 * readers of {@code saga.events} keep Avro's resolving reader, since they may read any version.
 */
final class SagaEventCodec implements DatumWriter<Object> {
  /** The parsing canonical form fingerprint of the schema this codec writes. */
  static final long FINGERPRINT = -2012824123421852728L;

  static final SagaEventCodec INSTANCE = new SagaEventCodec();

  private SagaEventCodec() {}

  /** Whether {@code schema} has exactly the binary layout this codec writes. */
  static boolean handles(Schema schema) {
    return BinaryFields.hasLayout(schema, FINGERPRINT);
  }

  @Override
  public void setSchema(Schema schema) {
    if (!handles(schema)) {
      throw new IllegalArgumentException(
          "SagaEventCodec handles only the schema with fingerprint " + FINGERPRINT);
    }
  }

  @Override
  public void write(Object datum, Encoder out) throws IOException {
    SagaEvent e = (SagaEvent) datum;
    out.writeString(required(e.getSagaId(), "SagaEvent.sagaId"));
    out.writeString(required(e.getSagaType(), "SagaEvent.sagaType"));
    out.writeInt(e.getDefinitionVersion());
    out.writeEnum(symbol(required(e.getEventType(), "SagaEvent.eventType")));
    writeOptional(e.getStep(), out);
    writeOptional(e.getAttempt(), out);
    out.writeString(required(e.getStatus(), "SagaEvent.status"));
    writeOptional(e.getReason(), out);
    out.writeLong(required(e.getAt(), "SagaEvent.at").toEpochMilli());
    writeOptional(e.getRolloutId(), out);
    writeOptional(e.getRolloutGeneration(), out);
    writeOptional(e.getRolloutWeight(), out);
    writeOptional(e.getRolloutBucket(), out);
    writeOptional(e.getRolloutRole(), out);
    List<SagaFact> facts = required(e.getFurtherFacts(), "SagaEvent.furtherFacts");
    out.writeArrayStart();
    out.setItemCount(facts.size());
    for (SagaFact fact : facts) {
      out.startItem();
      out.writeEnum(symbol(required(fact.getEventType(), "SagaEvent.furtherFacts.eventType")));
      writeOptional(fact.getStep(), out);
      writeOptional(fact.getAttempt(), out);
      out.writeString(required(fact.getStatus(), "SagaEvent.furtherFacts.status"));
      writeOptional(fact.getReason(), out);
    }
    out.writeArrayEnd();
  }

  /**
   * The symbol's index in the schema. Generated enums declare their constants in the schema's
   * symbol order, and Avro's own specific writer writes the ordinal too.
   */
  @SuppressWarnings("EnumOrdinal")
  private static int symbol(SagaEventType type) {
    return type.ordinal();
  }
}
