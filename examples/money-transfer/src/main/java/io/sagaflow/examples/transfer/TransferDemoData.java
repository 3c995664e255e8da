package io.sagaflow.examples.transfer;

import io.sagaflow.module.DemoData;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;

/** The demo's transfers: accounts and amounts derived from the saga id and the seed. */
final class TransferDemoData implements DemoData {

  @Override
  public String sagaType() {
    return MoneyTransferSaga.TYPE;
  }

  @Override
  public String noun() {
    return "transfer";
  }

  @Override
  public SpecificRecord data(String sagaId, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ sagaId.hashCode());
    return TransferData.newBuilder()
        .setTransferId("transfer-" + sagaId)
        .setSourceAccount(iban(random))
        .setDestinationAccount(iban(random))
        // Money is a decimal with two places, never a double.
        .setAmount(BigDecimal.valueOf(random.nextLong(100, 500_000), 2))
        .setCurrency("EUR")
        .build();
  }

  private static String iban(SplittableRandom random) {
    return String.format(
        Locale.ROOT,
        "GB%02dSAGA%014d",
        random.nextInt(10, 99),
        random.nextLong(0, 100_000_000_000_000L));
  }
}
