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

  private static final Schema KINDS =
      new Schema.Parser()
          .parse(
              """
              {"type":"record","name":"Kinds","namespace":"t","fields":[
                {"name":"count","type":"int","pii":true},
                {"name":"since","type":"long","pii":true},
                {"name":"vip","type":"boolean","pii":true},
                {"name":"tier","pii":true,"type":{"type":"enum","name":"Tier","symbols":["GOLD","NONE"]}},
                {"name":"grade","pii":true,
                 "type":{"type":"enum","name":"Grade","symbols":["A","B"],"default":"B"}},
                {"name":"pin","pii":true,"type":{"type":"fixed","name":"Pin","size":4}},
                {"name":"blob","type":"bytes","secret":true},
                {"name":"aliases","pii":true,"type":{"type":"array","items":"string"}},
                {"name":"notes","pii":true,"type":{"type":"map","values":"string"}},
                {"name":"code","pii":true,"type":["null","int"]},
                {"name":"contacts","type":{"type":"array","items":{"type":"record","name":"Contact",
                  "fields":[{"name":"kind","type":"string"},{"name":"value","type":"string","pii":true}]}}},
                {"name":"byRole","type":{"type":"map","values":"t.Contact"}},
                {"name":"ratio","type":"double"}]}
              """);

  @Test
  void shouldMaskATaggedFieldOfEveryKindAndInsideArraysAndMaps() {
    // Given a record with a canary in a tagged field of every Avro kind, and in tagged fields of
    // records inside an array and a map
    Schema contactSchema = KINDS.getField("contacts").schema().getElementType();
    GenericRecord mail = new GenericData.Record(contactSchema);
    mail.put("kind", "mail");
    mail.put("value", "CANARY-MAIL");
    GenericRecord phone = new GenericData.Record(contactSchema);
    phone.put("kind", "phone");
    phone.put("value", "CANARY-PHONE");
    GenericRecord kinds = new GenericData.Record(KINDS);
    kinds.put("count", 4242);
    kinds.put("since", 4242L);
    kinds.put("vip", true);
    kinds.put("tier", new GenericData.EnumSymbol(KINDS.getField("tier").schema(), "NONE"));
    kinds.put("grade", new GenericData.EnumSymbol(KINDS.getField("grade").schema(), "A"));
    kinds.put(
        "pin",
        new GenericData.Fixed(
            KINDS.getField("pin").schema(), "CNRY".getBytes(StandardCharsets.US_ASCII)));
    kinds.put("blob", ByteBuffer.wrap("CANARY-BLOB".getBytes(StandardCharsets.UTF_8)));
    kinds.put("aliases", java.util.List.of("CANARY-ALIAS"));
    kinds.put("notes", java.util.Map.of("k", "CANARY-NOTE"));
    kinds.put("code", 4242);
    kinds.put("contacts", java.util.List.of(mail));
    kinds.put("byRole", java.util.Map.of("owner", phone));
    kinds.put("ratio", 0.5);
    byte[] original = framed("t.Kinds", kinds);

    // When a dead letter is about to carry it
    OriginalRedaction.Result result = redaction.redact(original);

    // Then every tagged value is replaced by one that says nothing, the rest is kept, and the
    // record still decodes with its own schema
    assertThat(new String(result.value(), StandardCharsets.ISO_8859_1))
        .doesNotContain("CANARY")
        .doesNotContain("CNRY");
    assertThat(result.redacted().orElseThrow().split(","))
        .contains(
            "count",
            "since",
            "vip",
            "tier",
            "grade",
            "pin",
            "blob",
            "aliases",
            "notes",
            "code",
            "contacts.value",
            "byRole.value");
    GenericRecord masked = decode(result.value());
    assertThat(masked.get("count")).isEqualTo(0);
    assertThat(masked.get("since")).isEqualTo(0L);
    assertThat(masked.get("vip")).isEqualTo(false);
    assertThat(masked.get("tier").toString()).isEqualTo("GOLD");
    assertThat(masked.get("grade").toString()).isEqualTo("B");
    assertThat(((GenericData.Fixed) masked.get("pin")).bytes()).containsOnly(0);
    assertThat((java.util.List<?>) masked.get("aliases")).isEmpty();
    assertThat((java.util.Map<?, ?>) masked.get("notes")).isEmpty();
    assertThat(masked.get("code")).isEqualTo(0);
    GenericRecord contact = (GenericRecord) ((java.util.List<?>) masked.get("contacts")).get(0);
    assertThat(contact.get("kind").toString()).isEqualTo("mail");
    assertThat(contact.get("value").toString()).isEqualTo("***");
    assertThat(masked.get("ratio")).isEqualTo(0.5);
  }

  @Test
  void shouldLeaveBytesThatOnlyLookFramedAsTheyAre() {
    // Given bytes that start like a framed record but name no schema the registry knows
    GenericRecord start = new GenericData.Record(START);
    start.put("sagaType", "order");
    start.put("data", ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 99, 1, 2, 3}));
    byte[] original = framed("t.Start", start);

    OriginalRedaction.Result result = redaction.redact(original);

    assertThat(result.value()).isSameAs(original);
    assertThat(result.redacted()).isEmpty();
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
