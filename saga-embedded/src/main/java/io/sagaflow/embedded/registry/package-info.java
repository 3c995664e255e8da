/**
 * A schema registry speaking the Confluent REST subset Sagaflow and Confluent clients use, with
 * schemas kept in memory or in a compacted topic. Knows nothing of sagas.
 */
package io.sagaflow.embedded.registry;
