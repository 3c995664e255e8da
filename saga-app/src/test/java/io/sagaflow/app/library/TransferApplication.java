package io.sagaflow.app.library;

import io.sagaflow.app.Sagaflow;
import io.sagaflow.examples.transfer.MoneyTransferModule;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a user's own application looks like in library mode: a plain {@code main} that hands its
 * saga module to the builder. Here on the embedded broker, with the module's simulated services
 * standing in for the real ones.
 */
public final class TransferApplication {
  private TransferApplication() {}

  /** Runs until the JVM is stopped. */
  public static void main(String[] args) throws InterruptedException {
    try (Sagaflow sagaflow = start(Path.of(args.length > 0 ? args[0] : ".transfers"))) {
      System.out.println("Money transfers at " + sagaflow.httpUrl() + "/ui");
      Thread.currentThread().join();
    }
  }

  static Sagaflow start(Path dataDir) {
    return builder(dataDir).start();
  }

  static Sagaflow.Builder builder(Path dataDir) {
    return Sagaflow.builder()
        // The test's own settings only, whatever the machine's SAGA_* variables say.
        .environment(Map.of())
        .module(new MoneyTransferModule())
        .embedded()
        .dataDir(dataDir)
        .set("saga.participants.enabled", "true")
        .set("saga.participants.decline.rate", "0");
  }
}
