package dev.baton.engine;

/** Receives the engine's events, in order, from one thread at a time. */
@FunctionalInterface
public interface EventListener {
  void on(Event event);

  /**
   * Finishes what {@link #on} started for this event and may block (the journal forces its line to
   * disk here). Called right after {@code on(event)} on the same thread, but outside the
   * one-at-a-time delivery, so that forks waiting for the disk wait together instead of in turn.
   */
  default void settle(Event event) {}

  /** Flushes and closes whatever the listener writes; called once when the run ends. */
  default void close() {}
}
