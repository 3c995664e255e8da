/**
 * Layered settings (defaults, environment, command line) validated into {@link
 * io.sagaflow.app.config.SagaflowConfig}. Knows no Kafka client, processor or HTTP class: it only
 * reads and checks values.
 */
package io.sagaflow.app.config;
