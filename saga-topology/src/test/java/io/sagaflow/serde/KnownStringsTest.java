package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class KnownStringsTest {

  @Test
  void aRepeatedValueIsReadAsOneSharedString() throws IOException {
    KnownStrings known = new KnownStrings();
    BinaryDecoder in = decoder(List.of("SUCCEEDED", "reserve-inventory", "SUCCEEDED", "prüfen"));
    Utf8 scratch = new Utf8();

    String first = known.read(in, scratch);
    String name = known.read(in, scratch);
    String again = known.read(in, scratch);
    String nonAscii = known.read(in, scratch);

    assertThat(first).isEqualTo("SUCCEEDED");
    assertThat(again).isSameAs(first);
    assertThat(name).isEqualTo("reserve-inventory");
    assertThat(nonAscii).isEqualTo("prüfen");
    assertThat(known.size()).isEqualTo(3);
  }

  @Test
  void longValuesAreReadButNotShared() throws IOException {
    KnownStrings known = new KnownStrings();
    String longValue = "x".repeat(KnownStrings.MAX_BYTES + 1);
    BinaryDecoder in = decoder(List.of(longValue, longValue));
    Utf8 scratch = new Utf8();

    String first = known.read(in, scratch);
    String second = known.read(in, scratch);

    assertThat(first).isEqualTo(longValue).isEqualTo(second).isNotSameAs(second);
    assertThat(known.size()).isZero();
  }

  @Test
  void beyondItsBoundEveryValueIsStillReadCorrectly() throws IOException {
    KnownStrings known = new KnownStrings();
    List<String> values = new ArrayList<>();
    for (int i = 0; i < KnownStrings.MAX_ENTRIES + 500; i++) {
      values.add("step-" + i);
    }
    BinaryDecoder in = decoder(values);
    Utf8 scratch = new Utf8();

    for (String value : values) {
      assertThat(known.read(in, scratch)).isEqualTo(value);
    }
    assertThat(known.size()).isEqualTo(KnownStrings.MAX_ENTRIES);
  }

  @Test
  void readsTheOptionalUnionsBothBranches() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder out = EncoderFactory.get().binaryEncoder(bytes, null);
    BinaryFields.writeOptional((String) null, out);
    BinaryFields.writeOptional("ACTION", out);
    out.flush();
    BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null);
    KnownStrings known = new KnownStrings();
    Utf8 scratch = new Utf8();

    assertThat(known.readOptional(in, scratch)).isNull();
    assertThat(known.readOptional(in, scratch)).isEqualTo("ACTION");
  }

  private static BinaryDecoder decoder(List<String> values) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder out = EncoderFactory.get().binaryEncoder(bytes, null);
    for (String value : values) {
      out.writeString(value);
    }
    out.flush();
    return DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null);
  }
}
