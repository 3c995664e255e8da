/**
 * The extension point for saga types: a {@link io.sagaflow.module.SagaModule} packages definitions,
 * simulated participants and demo data, and is found with {@link java.util.ServiceLoader}. Depends
 * on the engine and Avro only; nothing here knows Kafka Streams, HTTP or any saga type.
 */
package io.sagaflow.module;
