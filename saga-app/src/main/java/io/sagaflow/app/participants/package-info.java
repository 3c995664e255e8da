/**
 * Runs the saga modules' simulated participants: a consume, decide, reply loop per participant,
 * with verdicts drawn from the seed and the command id. A participant service of its own would use
 * the wire protocol in docs/contracts.md instead.
 */
package io.sagaflow.app.participants;
