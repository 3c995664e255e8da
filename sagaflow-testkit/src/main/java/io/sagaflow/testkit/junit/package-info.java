/**
 * The JUnit 5 extension that gives a test an embedded Kafka broker and schema registry, shared per
 * test JVM, in one line.
 */
package io.sagaflow.testkit.junit;
