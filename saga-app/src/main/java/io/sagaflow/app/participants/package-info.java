/**
 * Runs the saga modules' simulated participants: each a participant of the kit ({@code
 * io.sagaflow.participant}) whose answers are drawn from the seed and the command's correlation. A
 * participant service of its own uses the kit the same way, or the wire protocol in
 * docs/participants.md from another language.
 */
package io.sagaflow.app.participants;
