/**
 * A single-node KRaft broker in this process, from Apache Kafka's own classes, for tests and the
 * embedded default; and the JUnit extension that shares it. Binds to 127.0.0.1 only.
 */
package io.sagaflow.embedded.kafka;
