/**
 * Benchmarks run by scripts/bench and scripts/bench-api, never by the test suite; figures go to
 * docs/benchmarks.md.
 */
package io.sagaflow.bench;
