package io.sagaflow.engine;

/** Whether a command performs a step or undoes it; part of every command id. */
public enum CommandKind {
  /** The step's action, sent to its command topic. */
  ACTION,
  /** The step's compensation, sent to its compensation topic (the command topic by default). */
  COMPENSATION
}
