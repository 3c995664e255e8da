package io.sagaflow.connect.http;

import io.sagaflow.participant.Reply;

/** What one command's HTTP exchange came to. */
sealed interface Outcome {

  /**
   * The participant answered: a success or a business failure, or, once the retries are spent, a
   * retriable failure.
   *
   * @param reply what goes to the reply topic
   */
  record Answered(Reply reply) implements Outcome {}

  /** 202 Accepted: the participant answers later through the HTTP API's reply route. */
  enum Later implements Outcome {
    /** The one value. */
    INSTANCE
  }

  /**
   * A fault worth another request: 5xx, 408, 429, a timeout, no connection.
   *
   * @param code the error code of the retriable-failure reply if it persists
   * @param message what happened, without the request or answer body
   */
  record Transient(String code, String message) implements Outcome {}

  /**
   * Not something a retry or a reply can fix: the errant-record reporter gets the command.
   *
   * @param reason for the operator reading the dead letter
   */
  record Refused(String reason) implements Outcome {}
}
