/**
 * Shared plumbing of the test kit (building the TopologyTestDriver and the core contract records).
 * Public for the kit's own packages and Sagaflow's tests; not an API users should rely on.
 */
package io.sagaflow.testkit.internals;
