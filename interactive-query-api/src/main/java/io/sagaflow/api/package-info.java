/**
 * The HTTP API over a running saga processor: status and search read from the processor's own
 * stores (forwarded to the owning instance), the saga entrypoints that write to the input topics,
 * health, metrics and the status page. Depends on the topology's stores and topics, never on the
 * engine's internals, the app's configuration or any saga type.
 */
package io.sagaflow.api;
