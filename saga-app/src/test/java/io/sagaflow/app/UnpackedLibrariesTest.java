package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnpackedLibrariesTest {
  @Test
  void shouldFindOnlyTheLibrariesMappedFromTheTemporaryDirectoryItself() {
    List<String> maps =
        List.of(
            "7f1c2a000000-7f1c2a200000 r-xp 00000000 fd:01 123 /tmp/librocksdbjni1234.so",
            "7f1c2a200000-7f1c2a400000 r--p 00200000 fd:01 123 /tmp/librocksdbjni1234.so",
            "7f1c2b000000-7f1c2b100000 r-xp 00000000 fd:01 456 /tmp/libzstd-jni-1.5.so",
            "7f1c2c000000-7f1c2c100000 r-xp 00000000 fd:01 789 /usr/lib/jvm/lib/libnet.so",
            "7f1c2d000000-7f1c2d100000 r-xp 00000000 fd:01 790 /tmp/sub/librocksdbjni9.so",
            "7f1c2e000000-7f1c2e100000 r--p 00000000 fd:01 791 /tmp/hsperfdata_root/12",
            "7f1c2f000000-7f1c2f100000 rw-p 00000000 00:00 0 [heap]",
            "7f1c30000000-7f1c30100000 rw-p 00000000 00:00 0");

    assertThat(UnpackedLibraries.in(maps, Path.of("/tmp")))
        .containsExactly(Path.of("/tmp/librocksdbjni1234.so"), Path.of("/tmp/libzstd-jni-1.5.so"));
  }
}
