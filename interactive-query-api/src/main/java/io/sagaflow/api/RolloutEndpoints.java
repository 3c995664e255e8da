package io.sagaflow.api;

import io.javalin.http.Context;

/**
 * The rollout routes: status reads from the global store every instance keeps, and operators'
 * requests, written to saga.rollout.requests for the processor's rollout controller, which alone
 * changes a rollout. Without a processor every route answers {@code 503 sagas-disabled}.
 */
interface RolloutEndpoints {
  void list(Context ctx);

  void status(Context ctx);

  void start(Context ctx);

  void promote(Context ctx);

  void rollback(Context ctx);

  static RolloutEndpoints withoutProcessor() {
    return new RolloutEndpoints() {
      @Override
      public void list(Context ctx) {
        throw EntryGuard.withoutProcessor();
      }

      @Override
      public void status(Context ctx) {
        throw EntryGuard.withoutProcessor();
      }

      @Override
      public void start(Context ctx) {
        throw EntryGuard.withoutProcessor();
      }

      @Override
      public void promote(Context ctx) {
        throw EntryGuard.withoutProcessor();
      }

      @Override
      public void rollback(Context ctx) {
        throw EntryGuard.withoutProcessor();
      }
    };
  }
}
