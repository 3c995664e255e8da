package io.sagaflow.topology;

import static io.sagaflow.topology.BoundedMemoryRocksDbConfig.CACHE_BYTES_CONFIG;
import static io.sagaflow.topology.BoundedMemoryRocksDbConfig.WRITE_BUFFER_BYTES_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;

/**
 * Runs against real RocksDB options (the JNI library loads here). The shared cache is created once
 * per JVM from default settings, by this test or by any TopologyTestDriver before it; no test in
 * this module configures other valid sizes, so the bound is the default either way.
 */
class BoundedMemoryRocksDbConfigTest {
  private final BoundedMemoryRocksDbConfig setter = new BoundedMemoryRocksDbConfig();

  /** Options as Kafka Streams hands them to the setter: with a block-based table config. */
  private static Options storeOptions() {
    Options options = new Options();
    options.setTableFormatConfig(new BlockBasedTableConfig());
    return options;
  }

  @Test
  void shouldBoundEveryStoreBySharedCacheAndWriteBufferManager() {
    try (Options first = storeOptions();
        Options second = storeOptions()) {
      // When two stores are configured
      setter.setConfig("saga-state", first, Map.of());
      setter.setConfig("saga-timers", second, Map.of());

      // Then both use the one write-buffer manager, pinned cached index blocks and LZ4 in the
      // last level only,
      assertThat(first.writeBufferManager()).isNotNull().isSameAs(second.writeBufferManager());
      BlockBasedTableConfig table = (BlockBasedTableConfig) first.tableFormatConfig();
      assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
      assertThat(table.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
      assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
      assertThat(table.filterPolicy()).isNotNull();
      assertThat(first.compressionType()).isEqualTo(CompressionType.NO_COMPRESSION);
      assertThat(first.bottommostCompressionType()).isEqualTo(CompressionType.LZ4_COMPRESSION);
      // and memtables a sixteenth of the shared write-buffer budget, so that the stores written
      // least often cannot hold the whole budget between their writes
      assertThat(first.writeBufferSize())
          .isEqualTo(BoundedMemoryRocksDbConfig.DEFAULT_WRITE_BUFFER_BYTES / 16)
          .isEqualTo(second.writeBufferSize());
      assertThat(BoundedMemoryRocksDbConfig.boundBytes())
          .isEqualTo(BoundedMemoryRocksDbConfig.DEFAULT_CACHE_BYTES);
      assertThat(BoundedMemoryRocksDbConfig.usedBytes())
          .isBetween(0L, BoundedMemoryRocksDbConfig.DEFAULT_CACHE_BYTES);
    }
  }

  @Test
  void shouldKeepSharedCacheOpenWhenOneStoreCloses() {
    try (Options closing = storeOptions();
        Options later = storeOptions()) {
      setter.setConfig("closing", closing, Map.of());

      setter.close("closing", closing);
      setter.setConfig("later", later, Map.of());

      assertThat(later.writeBufferManager()).isSameAs(closing.writeBufferManager());
      assertThat(BoundedMemoryRocksDbConfig.boundBytes()).isPositive();
    }
  }

  @Test
  void shouldRejectWriteBuffersThatDoNotFitInTheTotal() {
    try (Options options = storeOptions()) {
      assertThatThrownBy(
              () ->
                  setter.setConfig(
                      "s",
                      options,
                      Map.of(CACHE_BYTES_CONFIG, "1048576", WRITE_BUFFER_BYTES_CONFIG, "1048576")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              WRITE_BUFFER_BYTES_CONFIG
                  + " (1048576) must be smaller than "
                  + CACHE_BYTES_CONFIG
                  + " (1048576)");
    }
  }

  @Test
  void shouldRejectSizeThatIsNotANumberNamingTheSetting() {
    try (Options options = storeOptions()) {
      assertThatThrownBy(() -> setter.setConfig("s", options, Map.of(CACHE_BYTES_CONFIG, "64MB")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(CACHE_BYTES_CONFIG + " must be a number of bytes, got '64MB'");
    }
  }

  @Test
  void shouldRejectNonPositiveSizeNamingTheSetting() {
    try (Options options = storeOptions()) {
      assertThatThrownBy(
              () -> setter.setConfig("s", options, Map.of(WRITE_BUFFER_BYTES_CONFIG, " 0 ")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(WRITE_BUFFER_BYTES_CONFIG + " must be positive, got 0");
    }
  }

  @Test
  void shouldReadSizesGivenAsNumbersOrTrimmedText() {
    assertThat(BoundedMemoryRocksDbConfig.longConfig(Map.of("k", 5L), "k", 1)).isEqualTo(5);
    assertThat(BoundedMemoryRocksDbConfig.longConfig(Map.of("k", " 7 "), "k", 1)).isEqualTo(7);
    assertThat(BoundedMemoryRocksDbConfig.longConfig(Map.of(), "k", 3)).isEqualTo(3);
  }
}
