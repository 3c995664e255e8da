/**
 * The Kafka Streams topology around the engine: decoding inputs, the coordinator that loads,
 * decides and writes, timers, indexes and dead letters. Holds no saga semantics (those are the
 * engine's), never uses the module SPI or test utilities (LibraryArchitectureTest).
 */
package io.sagaflow.topology;
