/**
 * The order-fulfilment example saga: reserve inventory, authorize payment, capture it (the pivot),
 * then book shipment and send a confirmation in parallel. A plugin: it depends on Sagaflow's
 * library, never the other way round.
 */
package io.sagaflow.examples.order;
