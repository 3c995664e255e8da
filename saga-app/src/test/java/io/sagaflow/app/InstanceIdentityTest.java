package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceIdentityTest {

  @Test
  void shouldKeepOneIdPerDataDirectoryAcrossRestarts(@TempDir Path work) {
    String first = InstanceIdentity.groupInstanceId(Map.of(), work.resolve("a"));
    String again = InstanceIdentity.groupInstanceId(Map.of(), work.resolve("a"));
    String other = InstanceIdentity.groupInstanceId(Map.of(), work.resolve("b"));

    assertThat(first).startsWith("sagaflow-").isEqualTo(again).isNotEqualTo(other);
    assertThat(work.resolve("a").resolve(InstanceIdentity.FILE)).content().contains(first);
  }

  @Test
  void shouldPreferTheOperatorsSetting(@TempDir Path work) {
    assertThat(
            InstanceIdentity.groupInstanceId(
                Map.of("group.instance.id", " orders-0 "), work.resolve("a")))
        .isEqualTo("orders-0");
    assertThat(work.resolve("a").resolve(InstanceIdentity.FILE)).doesNotExist();
  }

  @Test
  void shouldRefuseAFileThatHoldsNoId(@TempDir Path work) throws Exception {
    Files.writeString(work.resolve(InstanceIdentity.FILE), "two words\n");

    assertThatThrownBy(() -> InstanceIdentity.groupInstanceId(Map.of(), work))
        .isInstanceOf(io.sagaflow.app.config.ConfigException.class)
        .hasMessageContaining("two words")
        .hasMessageContaining("delete the file");
  }
}
