package dev.baton.engine;

/**
 * Delivers events to the listener one at a time, whichever fork thread produced them, then lets the
 * listener settle the event outside that section (a journal fsync under the lock made every fork
 * wait for every other fork's fsync: 1000 results at 100 site pairs were 1000 fsyncs in a row).
 */
final class Emitter implements EventListener {
  private final EventListener listener;

  Emitter(EventListener listener) {
    this.listener = listener;
  }

  @Override
  public void on(Event event) {
    synchronized (this) {
      listener.on(event);
    }
    listener.settle(event);
  }
}
