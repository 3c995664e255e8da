package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.examples.order.OrderFulfilmentData;
import java.math.BigDecimal;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Samples that command factories are called on to learn their command types. */
class SampleDataTest {

  @Test
  void shouldBuildAValidValueOfEveryAvroType() {
    Schema schema =
        new Schema.Parser()
            .parse(
                """
                {"type": "record", "name": "Everything", "namespace": "t", "fields": [
                  {"name": "s", "type": "string"},
                  {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
                  {"name": "b", "type": "bytes"},
                  {"name": "money", "type": {"type": "bytes", "logicalType": "decimal",
                                             "precision": 12, "scale": 2}},
                  {"name": "f", "type": {"type": "fixed", "name": "F", "size": 3}},
                  {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}},
                  {"name": "d", "type": {"type": "enum", "name": "D", "symbols": ["X", "Y"],
                                         "default": "Y"}},
                  {"name": "list", "type": {"type": "array", "items": "int"}},
                  {"name": "map", "type": {"type": "map", "values": "long"}},
                  {"name": "i", "type": "int"}, {"name": "l", "type": "long"},
                  {"name": "fl", "type": "float"}, {"name": "db", "type": "double"},
                  {"name": "bool", "type": "boolean"}, {"name": "n", "type": "null"},
                  {"name": "maybe", "type": ["null", "string"]},
                  {"name": "either", "type": ["int", "string"]},
                  {"name": "withDefault", "type": "string", "default": "given"}
                ]}
                """);

    GenericRecord sample = (GenericRecord) SampleData.value(schema);

    assertThat(GenericData.get().validate(schema, sample)).isTrue();
    assertThat(sample.get("withDefault")).hasToString("given");
    assertThat(sample.get("d")).hasToString("Y");
    assertThat(sample.get("e")).hasToString("A");
    assertThat(sample.get("maybe")).isNull();
    assertThat(sample.get("either")).isEqualTo(0);
    assertThat(sample.get("id")).isEqualTo("00000000-0000-0000-0000-000000000000");
  }

  @Test
  void shouldDecodeASampleIntoTheGeneratedClassWithItsLogicalTypes() {
    OrderFulfilmentData sample = SampleData.of(OrderFulfilmentData.class);

    assertThat(sample.getOrderId()).isEmpty();
    assertThat(sample.getLines()).isEmpty();
    assertThat(sample.getAmount()).isEqualByComparingTo(BigDecimal.ZERO);
    assertThat(sample.getReservationId()).isNull();
  }
}
