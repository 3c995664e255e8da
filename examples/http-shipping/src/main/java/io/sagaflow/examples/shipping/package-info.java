/**
 * A shipping service that speaks HTTP only: the order saga's {@code book-shipment} step reaches it
 * through the Kafka Connect HTTP participant connector ({@code connectors/http-participant}).
 */
package io.sagaflow.examples.shipping;
