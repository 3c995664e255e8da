package io.sagaflow.app;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kcat, a librdkafka client with its default partitioner, starts sagas and answers every command on
 * the embedded broker: the sagas complete and answer on the status route, on one partition per
 * topic and on several. Needs kcat installed (scripts/test installs it); without it this test fails
 * and says so.
 */
class KcatIT {

  @Test
  void shouldCompleteSagasStartedAndAnsweredByKcatOnOnePartition(@TempDir Path dir)
      throws Exception {
    ForeignClientSagas.runToCompletion(
        dir, 1, "kcat-one", servers -> ForeignProducer.kcat(servers, dir));
  }

  @Test
  void shouldCompleteSagasStartedAndAnsweredByKcatOnFourPartitions(@TempDir Path dir)
      throws Exception {
    ForeignClientSagas.runToCompletion(
        dir, 4, "kcat-four", servers -> ForeignProducer.kcat(servers, dir));
  }
}
