package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunMarkerTest {
  @TempDir Path dir;

  @Test
  void shouldTellAKilledRunFromACleanStop() {
    RunMarker marker = RunMarker.in(dir.resolve("data"));
    assertThat(marker.previousRunUnclean()).as("first start").isFalse();

    marker.mark();
    assertThat(RunMarker.in(dir.resolve("data")).previousRunUnclean()).as("after a kill").isTrue();
    assertThat(dir.resolve("data").resolve(RunMarker.FILE))
        .content()
        .startsWith(Long.toString(ProcessHandle.current().pid()));

    marker.clear();
    assertThat(RunMarker.in(dir.resolve("data")).previousRunUnclean())
        .as("after a clean stop")
        .isFalse();
    marker.clear();
  }

  @Test
  void shouldNameTheFileItCannotWrite() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> RunMarker.in(notADirectory).mark())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(notADirectory.resolve(RunMarker.FILE).toString());
  }
}
