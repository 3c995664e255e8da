/**
 * Deterministic replay: fixture files of a saga's inputs and expected outputs, recorded from a
 * cluster or a scenario and replayed byte for byte over a TopologyTestDriver. Test-time code: the
 * production library never depends on it.
 */
package io.sagaflow.replay;
