package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.serde.InMemorySchemaRegistry;
import io.sagaflow.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class OriginalRedactionTest {
  private static final Schema DATA =
      new Schema.Parser()
          .parse(
              """
              {"type":"record","name":"Data","namespace":"t","fields":[
                {"name":"orderId","type":"string"},
                {"name":"email","type":["null","string"],"default":null,"pii":true},
                {"name":"address","pii":true,"type":{"type":"record","name":"Address","fields":[
                  {"name":"line1","type":"string"},{"name":"zip","type":["null","string"]}]}},
                {"name":"card","type":"string","secret":true}]}
              """);
  private static final Schema START =
      new Schema.Parser()
          .parse(
              """
              {"type":"record","name":"Start","namespace":"t","fields":[
                {"name":"sagaType","type":"string"},{"name":"data","type":"bytes"}]}
              """);

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final OriginalRedaction redaction = new OriginalRedaction(registry);

  @Test
  void shouldMaskTaggedFieldsInsideANestedRecordAndKeepTheRest() {
    // Given a start request whose nested data holds an email, an address and a card number
    GenericRecord address = new GenericData.Record(DATA.getField("address").schema());
    address.put("line1", "CANARY-LINE1");
    address.put("zip", "CANARY-ZIP");
    GenericRecord data = new GenericData.Record(DATA);
    data.put("orderId", "o-1");
    data.put("email", "CANARY-EMAIL");
    data.put("address", address);
    data.put("card", "CANARY-CARD");
    GenericRecord start = new GenericData.Record(START);
    start.put("sagaType", "order");
    start.put("data", ByteBuffer.wrap(framed("t.Data", data)));
    byte[] original = framed("t.Start", start);

    // When a dead letter is about to carry it
    OriginalRedaction.Result result = redaction.redact(original);

    // Then no canary is left, the record still decodes with its schema, and the header names
    // each masked field
    assertThat(new String(result.value(), StandardCharsets.ISO_8859_1)).doesNotContain("CANARY");
    assertThat(result.redacted()).contains("data.email,data.address,data.card");
    GenericRecord outer = decode(result.value());
    assertThat(outer.get("sagaType").toString()).isEqualTo("order");
    GenericRecord inner = decode(toArray((ByteBuffer) outer.get("data")));
    assertThat(inner.get("orderId").toString()).isEqualTo("o-1");
    assertThat(inner.get("email").toString()).isEqualTo("***");
    assertThat(inner.get("card").toString()).isEqualTo("***");
    assertThat(((GenericRecord) inner.get("address")).get("line1").toString()).isEqualTo("***");
  }

  @Test
  void shouldCarryAValueWithoutTaggedValuesAsItWas() {
    GenericRecord start = new GenericData.Record(START);
    start.put("sagaType", "order");
    start.put("data", ByteBuffer.wrap(new byte[] {1, 2}));
    byte[] original = framed("t.Start", start);

    OriginalRedaction.Result result = redaction.redact(original);

    assertThat(result.value()).isSameAs(original);
    assertThat(result.redacted()).isEmpty();
  }

  @Test
  void shouldLeaveOutAValueThatDoesNotDecode() {
    OriginalRedaction.Result result =
        redaction.redact("CANARY in no format".getBytes(StandardCharsets.UTF_8));

    assertThat(result.value()).isNull();
    assertThat(result.redacted()).contains(OriginalRedaction.UNDECODABLE);
  }

  private byte[] framed(String subject, GenericRecord record) {
    int id = registry.register(subject, record.getSchema());
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
      encoder.flush();
      return WireFormat.frame(id, out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private GenericRecord decode(byte[] framed) {
    Schema schema = registry.schemaById(WireFormat.schemaId("t", framed));
    try {
      return new GenericDatumReader<GenericRecord>(schema)
          .read(null, DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] toArray(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
