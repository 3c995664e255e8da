package io.sagaflow.topology;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the memory of every RocksDB store in this process by one shared block cache and one shared
 * write-buffer manager that charges memtables against that cache.
 *
 * <p>Without it each store of each task gets its own cache and memtables, so memory grows with
 * stores times partitions. Kafka Streams instantiates a config setter per store by class name, so
 * the shared cache must be held in a static field: it is a process-wide resource on purpose,
 * created once from the first store's settings and never closed (it lives as long as the JVM).
 *
 * <p>Only the last level is compressed (LZ4). Settings (in the Streams config): {@value
 * #CACHE_BYTES_CONFIG} (total, default 64 MiB) and {@value #WRITE_BUFFER_BYTES_CONFIG} (the part
 * memtables may use, default 16 MiB).
 */
public final class BoundedMemoryRocksDbConfig implements RocksDBConfigSetter {
  /** Total off-heap bytes for block cache plus memtables, shared by all stores. */
  public static final String CACHE_BYTES_CONFIG = "sagaflow.rocksdb.memory.bytes";

  /** Bytes of {@link #CACHE_BYTES_CONFIG} that memtables may use. */
  public static final String WRITE_BUFFER_BYTES_CONFIG = "sagaflow.rocksdb.write.buffer.bytes";

  static final long DEFAULT_CACHE_BYTES = 64L * 1024 * 1024;
  static final long DEFAULT_WRITE_BUFFER_BYTES = 16L * 1024 * 1024;
  private static final double HIGH_PRIORITY_POOL_RATIO = 0.1;
  static final long MEMTABLES_PER_BUDGET = 16;

  private static SharedMemory shared;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    SharedMemory memory = sharedMemory(configs);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(memory.cache());
    // Index and filter blocks count against the cache, pinned, so they neither escape the bound
    // nor get evicted under pressure (an evicted index block costs a disk read per lookup).
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    table.setFilterPolicy(new org.rocksdb.BloomFilter(10, false));
    options.setTableFormatConfig(table);
    options.setWriteBufferManager(memory.writeBuffers());
    // A store's memtable flushes itself at a sixteenth of the shared write-buffer budget. With
    // Kafka Streams' 16 MiB memtables, the budget's own size, the stores written less often (the
    // index, the other tasks' states) held most of it between their writes; RocksDB then flushed
    // the memtable of whichever store the stream thread was writing, once per write of one or two
    // entries, and stopped its writes behind those flushes: 417 flushes, 395 of them under 20
    // entries, and 624 write stops in one 20,000-saga phase (docs/benchmarks.md).
    options.setWriteBufferSize(memory.memtableBytes());
    // Most of a store sits in its last level, so compressing only there keeps nearly all of the
    // disk saving, while memtable flushes and compactions between the upper levels, which rewrite
    // every saga state many times, spend no CPU on compressing bytes soon rewritten.
    options.setCompressionType(CompressionType.NO_COMPRESSION);
    options.setBottommostCompressionType(CompressionType.LZ4_COMPRESSION);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and write-buffer manager are shared by every store; closing them here would break
    // the stores still open.
  }

  /** The bound in force, in bytes; 0 before the first store was opened. */
  public static synchronized long boundBytes() {
    return shared == null ? 0 : shared.bytes();
  }

  /** The bytes the shared cache holds now, memtables included; 0 before the first store opened. */
  public static synchronized long usedBytes() {
    return shared == null ? 0 : shared.cache().getUsage();
  }

  private static SharedMemory sharedMemory(Map<String, Object> configs) {
    // Checked on every call, not only when the shared cache is created, so a bad setting fails
    // the same way whichever store happens to open first.
    long total = longConfig(configs, CACHE_BYTES_CONFIG, DEFAULT_CACHE_BYTES);
    long writeBuffers = longConfig(configs, WRITE_BUFFER_BYTES_CONFIG, DEFAULT_WRITE_BUFFER_BYTES);
    if (writeBuffers >= total) {
      throw new IllegalArgumentException(
          WRITE_BUFFER_BYTES_CONFIG
              + " ("
              + writeBuffers
              + ") must be smaller than "
              + CACHE_BYTES_CONFIG
              + " ("
              + total
              + ")");
    }
    return sharedMemory(total, writeBuffers);
  }

  private static synchronized SharedMemory sharedMemory(long total, long writeBuffers) {
    if (shared == null) {
      Cache cache = new LRUCache(total, -1, false, HIGH_PRIORITY_POOL_RATIO);
      shared =
          new SharedMemory(total, cache, new WriteBufferManager(writeBuffers, cache), writeBuffers);
    }
    return shared;
  }

  static long longConfig(Map<String, Object> configs, String key, long defaultValue) {
    Object value = configs.get(key);
    if (value == null) {
      return defaultValue;
    }
    try {
      long parsed = Long.parseLong(value.toString().trim());
      if (parsed <= 0) {
        throw new IllegalArgumentException(key + " must be positive, got " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + " must be a number of bytes, got '" + value + "'", e);
    }
  }

  private record SharedMemory(
      long bytes, Cache cache, WriteBufferManager writeBuffers, long writeBufferBytes) {
    long memtableBytes() {
      return Math.max(1, writeBufferBytes / MEMTABLES_PER_BUDGET);
    }
  }
}
