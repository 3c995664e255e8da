/**
 * The pure saga engine: definitions, state and {@code decide(definition, state, input, now)}.
 * Imports no Kafka, Avro, I/O, clock or random source (EnginePurityTest), and nothing of the
 * topology, serde or module packages.
 */
package io.sagaflow.engine;
