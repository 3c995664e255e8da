/**
 * What users test their sagas with: {@link io.sagaflow.testkit.SagaTestKit} over the pure engine
 * and {@link io.sagaflow.testkit.SagaTestDriver} over the real topology without a broker. Depends
 * on the library's public API and Kafka Streams' test utilities, never on the app.
 */
package io.sagaflow.testkit;
