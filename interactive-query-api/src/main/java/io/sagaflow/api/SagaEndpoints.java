package io.sagaflow.api;

import io.javalin.http.Context;

/**
 * The handlers behind the saga routes: the only part of the {@link RouteTable} that differs between
 * an instance over a processor ({@link ProcessorEndpoints}) and one without ({@link
 * #withoutProcessor()}), so both serve the same routes by construction.
 */
interface SagaEndpoints {
  void search(Context ctx);

  void status(Context ctx);

  void deadLetters(Context ctx);

  void start(Context ctx);

  void cancel(Context ctx);

  void operator(Context ctx);

  void reply(Context ctx);

  void overview(Context ctx);

  void sagaTypes(Context ctx);

  void deadLetterSearch(Context ctx);

  void deadLetter(Context ctx);

  void redriveOne(Context ctx);

  void redriveBulk(Context ctx);

  void live(Context ctx);

  void ready(Context ctx);

  /**
   * The endpoints of an instance that runs with sagas disabled: no state to read and no reason to
   * accept input, so every saga route answers {@code 503 sagas-disabled}; readiness says so too.
   */
  static SagaEndpoints withoutProcessor() {
    return new WithoutProcessor();
  }

  /** See {@link #withoutProcessor()}. */
  final class WithoutProcessor implements SagaEndpoints {
    private WithoutProcessor() {}

    @Override
    public void search(Context ctx) {
      throw EntryGuard.withoutProcessor();
    }

    @Override
    public void status(Context ctx) {
      throw EntryGuard.withoutProcessor();
    }

    @Override
    public void deadLetters(Context ctx) {
      throw EntryGuard.withoutProcessor();
    }

    @Override
    public void start(Context ctx) {
      throw EntryGuard.withoutProcessor();
    }

    @Override
    public void cancel(Context ctx) {
      throw EntryGuard.withoutProcessor();
    }

    @Override
    public void operator(Context ctx) {
      throw EntryGuard.withoutProcessor();
    }

    @Override
    public void reply(Context ctx) {
      throw EntryGuard.withoutProcessor();
    }

    @Override
    public void overview(Context ctx) {
      throw EntryGuard.withoutProcessor();
    }

    @Override
    public void sagaTypes(Context ctx) {
      throw EntryGuard.withoutProcessor();
    }

    @Override
    public void deadLetterSearch(Context ctx) {
      throw EntryGuard.withoutProcessor();
    }

    @Override
    public void deadLetter(Context ctx) {
      throw EntryGuard.withoutProcessor();
    }

    @Override
    public void redriveOne(Context ctx) {
      throw EntryGuard.withoutProcessor();
    }

    @Override
    public void redriveBulk(Context ctx) {
      throw EntryGuard.withoutProcessor();
    }

    @Override
    public void live(Context ctx) {
      HealthRoutes.liveWithoutProcessor(ctx);
    }

    @Override
    public void ready(Context ctx) {
      HealthRoutes.withoutProcessor(ctx);
    }
  }
}
