package io.sagaflow.serde;

import org.apache.avro.Schema;

/**
 * Which registry subject a record's schema lives under, named as in Confluent's serdes. A topic
 * with one record type uses {@link #TOPIC_NAME}; a topic with several (saga.requests, the
 * participant command topics) uses {@link #RECORD_NAME}, so each type evolves on its own.
 */
public enum SubjectNameStrategy {
  /** {@code <topic>-key} / {@code <topic>-value}. */
  TOPIC_NAME,
  /** The record's full name, for example {@code io.sagaflow.contract.StartSaga}. */
  RECORD_NAME,
  /** {@code <topic>-<record full name>}: per type, but independent per topic. */
  TOPIC_RECORD_NAME;

  public String subject(String topic, boolean isKey, Schema schema) {
    return switch (this) {
      case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
      case RECORD_NAME -> schema.getFullName();
      case TOPIC_RECORD_NAME -> topic + "-" + schema.getFullName();
    };
  }
}
