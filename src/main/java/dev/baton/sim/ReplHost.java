package dev.baton.sim;

/** What a replication server or agent needs from the broker that hosts it. */
interface ReplHost {
  DbPath db();

  ChangeLog log();

  String lineage();

  String instance();

  /** Updates keys of the control area (read fresh, saved atomically). */
  void persist(String key, String value);

  /** A control-area value as last saved. */
  String persisted(String key);

  /**
   * Called by the agent once its source handed it the source role ({@code transition failover}):
   * the broker becomes a source and starts a server per its own repl.properties.
   */
  void becameSource();

  /** The broker's startup parameters, for the agent's comparison with its source's. */
  StartupParams startupParams();

  /**
   * Every target has applied the source's notes up to {@code position}: the broker empties the
   * after-image extents that end before it.
   */
  void replicated(long position);

  /** Whether the source is stalled for want of an EMPTY after-image extent. */
  boolean aiStalled();
}
