/**
 * The Confluent-compatible schema registry client and Avro serdes in its wire format, plus header
 * names and redaction. Depends on Avro and Kafka's serializer interfaces only: nothing of the
 * engine, the topology or the module SPI (LibraryArchitectureTest).
 */
package io.sagaflow.serde;
