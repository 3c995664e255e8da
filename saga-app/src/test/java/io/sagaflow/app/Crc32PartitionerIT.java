package io.sagaflow.app;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts and replies from a Java producer that partitions keys like librdkafka's default (CRC-32),
 * on topics of six partitions: most inputs land where their saga does not live, and every saga
 * still completes and answers on the status route.
 */
class Crc32PartitionerIT {

  @Test
  void shouldCompleteSagasWhoseInputsACrc32PartitionerPlaced(@TempDir Path dir) throws Exception {
    ForeignClientSagas.runToCompletion(dir, 6, "crc32", ForeignProducer::crc32);
  }
}
