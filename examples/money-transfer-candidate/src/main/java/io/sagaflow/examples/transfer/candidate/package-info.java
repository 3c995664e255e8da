/**
 * A bad release of the money-transfer saga, for the preview environment's rollout (scripts/preview,
 * docs/rollout.md): version 2 whose new invariant is wrong, so the processors' rollout controller
 * must roll it back.
 */
package io.sagaflow.examples.transfer.candidate;
