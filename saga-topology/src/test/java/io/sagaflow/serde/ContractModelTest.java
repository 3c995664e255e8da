package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepReply;
import io.sagaflow.examples.order.OrderFulfilmentData;
import io.sagaflow.examples.order.OrderLine;
import io.sagaflow.examples.order.PostalAddress;
import io.sagaflow.topology.DataCodec;
import java.math.BigDecimal;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** Which schemas Avro's fast reader reads, and that what it reads equals what was written. */
class ContractModelTest {

  @Test
  void shouldReadSchemasWithoutLogicalTypesInCollectionsFast() {
    assertThat(ContractModel.fastReadable(StepReply.getClassSchema())).isTrue();
    // A timestamp at the top level and an array of records without one.
    assertThat(ContractModel.fastReadable(SagaEvent.getClassSchema())).isTrue();
    assertThat(ContractModel.fastReadable(OrderFulfilmentData.getClassSchema())).isTrue();
  }

  @Test
  void shouldKeepTheResolvingReaderWhereAnArrayOrMapHoldsALogicalType() {
    // Steps are records whose nullable timestamps GenericData.Array could not compare.
    assertThat(ContractModel.fastReadable(SagaStateRecord.getClassSchema())).isFalse();
    Schema timestamp = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    Schema inMap =
        SchemaBuilder.record("WithMap")
            .fields()
            .name("m")
            .type()
            .map()
            .values(timestamp)
            .noDefault()
            .endRecord();
    assertThat(ContractModel.fastReadable(inMap)).isFalse();
  }

  @Test
  void shouldWalkARecursiveSchemaOnce() {
    Schema node =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Node\",\"fields\":["
                    + "{\"name\":\"children\",\"type\":{\"type\":\"array\",\"items\":\"Node\"}},"
                    + "{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}");
    // Every node but the root sits in the array, so its timestamp is inside a collection.
    assertThat(ContractModel.fastReadable(node)).isFalse();
  }

  @Test
  void shouldReadSagaDataThroughTheFastReaderIntoAnEqualRecord() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    DataCodec codec = new DataCodec(registry, true);
    OrderFulfilmentData data =
        OrderFulfilmentData.newBuilder()
            .setOrderId("order-1")
            .setCustomerId("customer-1")
            .setCustomerEmail("someone@example.com")
            .setShippingAddress(new PostalAddress("A B", "1 Street", "Town", "12345", "DE", ""))
            .setLines(List.of(new OrderLine("sku-1", 2), new OrderLine("sku-2", 1)))
            .setAmount(new BigDecimal("123.45"))
            .setCurrency("EUR")
            .setPaymentToken("tok")
            .setReservationId("r-1")
            .build();

    OrderFulfilmentData read = codec.decode(codec.encode(data), OrderFulfilmentData.class);

    assertThat(read).isEqualTo(data);
    assertThat(read.getAmount()).isEqualByComparingTo("123.45");
  }
}
