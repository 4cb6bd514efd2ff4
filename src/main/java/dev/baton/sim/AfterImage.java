package dev.baton.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The after-image extents of a database and their states [doc: "After-image extent states"]: one
 * BUSY extent takes the notes; an extent switch (the BUSY one is full, or an online backup switches
 * as part of its processing) makes it LOCKED on a replication source (FULL elsewhere) and the next
 * EMPTY one BUSY; a LOCKED extent stays until every note in it has been applied by the target. When
 * no EMPTY extent is left to switch to the database stalls ({@code -aistall}) or shuts down (3775)
 * [doc: KB P124750].
 *
 * <p>[sim] What the notes are: the record log's bytes since the extent became BUSY. A FULL extent
 * is archived and emptied at once, as the AI File Management daemon with a short interval would; so
 * only LOCKED extents accumulate, which is the risk the failback has to plan for. A variable extent
 * has no size limit here (a real one grows until its file system or the 2 GB limit). Kept in the
 * control area as {@code ai.N.*}, N the extent's place in the structure (1-based).
 */
final class AfterImage {
  static final int MSG_SWITCHED = 3777;
  static final int MSG_FILE_NUMBER = 3778;
  static final int MSG_CANNOT_SWITCH = 3775;
  static final int MSG_BACKUP_AND_EMPTY = 3776;
  static final int MSG_EMPTIED = 3789;
  static final int MSG_UNLOCKING = 11805;

  enum State {
    EMPTY,
    BUSY,
    LOCKED
  }

  /** One extent: where it is, how big, its state, sequence number, and the notes it holds. */
  record Ext(
      int number,
      Extent extent,
      State state,
      long seq,
      long startOffset,
      long endOffset,
      long endPosition,
      String started) {

    /** Capacity in bytes; a variable extent has none [sim]. */
    long capacity() {
      return extent.fixed() ? extent.sizeKb() * 1024 : Long.MAX_VALUE;
    }

    long usedBytes(long logOffset) {
      return switch (state) {
        case EMPTY -> 0;
        case BUSY -> Math.max(0, logOffset - startOffset);
        case LOCKED -> Math.max(0, endOffset - startOffset);
      };
    }

    Ext with(State s, long seq, long start, long end, long endPos, String when) {
      return new Ext(number, extent, s, seq, start, end, endPos, when);
    }
  }

  private final List<Ext> extents;
  private long lastSeq;

  private AfterImage(List<Ext> extents, long lastSeq) {
    this.extents = extents;
    this.lastSeq = lastSeq;
  }

  /** The extents as the control area records them; empty when after-imaging is off. */
  static AfterImage of(Control ct) {
    List<Ext> out = new ArrayList<>();
    if (!ct.aiEnabled()) {
      return new AfterImage(out, 0);
    }
    List<Extent> as = ct.structure().ofType('a');
    for (int i = 0; i < as.size(); i++) {
      String k = "ai." + (i + 1) + ".";
      State s = State.valueOf(ct.get(k + "state", i == 0 ? "BUSY" : "EMPTY"));
      out.add(
          new Ext(
              i + 1,
              as.get(i),
              s,
              Long.parseLong(ct.get(k + "seq", i == 0 ? "1" : "0")),
              Long.parseLong(ct.get(k + "start", "0")),
              Long.parseLong(ct.get(k + "end", "0")),
              Long.parseLong(ct.get(k + "endPosition", "0")),
              ct.get(k + "started", "")));
    }
    return new AfterImage(out, Long.parseLong(ct.get("aiSeq", out.isEmpty() ? "0" : "1")));
  }

  /**
   * After-imaging begins (rfutil aimage begin, or a restore of a backup taken with it on): the
   * first extent BUSY from {@code offset}, sequence 1, the others EMPTY.
   */
  static Map<String, String> begin(Control ct, long offset) {
    Map<String, String> keys = new LinkedHashMap<>();
    List<Extent> as = ct.structure().ofType('a');
    for (int i = 0; i < as.size(); i++) {
      String k = "ai." + (i + 1) + ".";
      keys.put(k + "state", i == 0 ? "BUSY" : "EMPTY");
      keys.put(k + "seq", i == 0 ? "1" : "0");
      keys.put(k + "start", Long.toString(offset));
      keys.put(k + "end", "0");
      keys.put(k + "endPosition", "0");
      keys.put(k + "started", i == 0 ? Dates.now() : "");
    }
    keys.put("aiSeq", "1");
    return keys;
  }

  boolean enabled() {
    return !extents.isEmpty();
  }

  List<Ext> extents() {
    return List.copyOf(extents);
  }

  private int busyIndex() {
    for (int i = 0; i < extents.size(); i++) {
      if (extents.get(i).state() == State.BUSY) {
        return i;
      }
    }
    return -1;
  }

  /** The extent a switch would make BUSY: the one after the BUSY one, in structure order. */
  Ext next() {
    int b = busyIndex();
    return extents.get((b + 1) % extents.size());
  }

  /** The 3775 wording for the extent a switch would need [seen: KB P124750]. */
  String cannotSwitch() {
    return "Can't switch to after-image extent " + next().extent().path() + " it is full.";
  }

  /** Whether the BUSY extent must switch before {@code bytes} more notes are written. */
  boolean mustSwitch(long logOffset, long bytes) {
    int b = busyIndex();
    if (b < 0 || extents.size() == 1) {
      return false;
    }
    Ext busy = extents.get(b);
    long used = busy.usedBytes(logOffset);
    // [sim] A write larger than a whole extent goes into an empty one (real notes span extents).
    return used > 0 && used + bytes > busy.capacity();
  }

  /**
   * Switches: the BUSY extent becomes LOCKED (on a source; else FULL, emptied at once [sim]) and
   * the next EMPTY one BUSY. Returns the control keys that changed, or null when the next extent is
   * not EMPTY (nothing changes then).
   */
  Map<String, String> switchAt(long logOffset, long position, boolean source) {
    int b = busyIndex();
    if (b < 0 || extents.size() == 1) {
      return Map.of();
    }
    Ext busy = extents.get(b);
    int ni = (b + 1) % extents.size();
    Ext n = extents.get(ni);
    if (n.state() != State.EMPTY) {
      return null;
    }
    lastSeq++;
    Ext closed =
        source
            ? busy.with(
                State.LOCKED, busy.seq(), busy.startOffset(), logOffset, position, busy.started())
            : busy.with(State.EMPTY, 0, 0, 0, 0, "");
    Ext opened = n.with(State.BUSY, lastSeq, logOffset, 0, 0, Dates.now());
    extents.set(b, closed);
    extents.set(ni, opened);
    Map<String, String> keys = new LinkedHashMap<>();
    put(keys, closed);
    put(keys, opened);
    keys.put("aiSeq", Long.toString(lastSeq));
    return keys;
  }

  /**
   * The targets have applied every note up to {@code position}: LOCKED extents that end at or
   * before it are emptied (FULL, then archived at once [sim]). Returns the extents emptied.
   */
  List<Ext> replicatedThrough(long position, Map<String, String> keys) {
    List<Ext> emptied = new ArrayList<>();
    for (int i = 0; i < extents.size(); i++) {
      Ext e = extents.get(i);
      if (e.state() == State.LOCKED && e.endPosition() <= position) {
        emptied.add(e);
        Ext now = e.with(State.EMPTY, 0, 0, 0, 0, "");
        extents.set(i, now);
        put(keys, now);
      }
    }
    return emptied;
  }

  private static void put(Map<String, String> keys, Ext e) {
    String k = "ai." + e.number() + ".";
    keys.put(k + "state", e.state().name());
    keys.put(k + "seq", Long.toString(e.seq()));
    keys.put(k + "start", Long.toString(e.startOffset()));
    keys.put(k + "end", Long.toString(e.endOffset()));
    keys.put(k + "endPosition", Long.toString(e.endPosition()));
    keys.put(k + "started", e.started());
  }

  /**
   * {@code rfutil db -C aimage extent list}: one block per extent with the fields the documentation
   * names (number, type, path, size and space used in KB, status, start) [doc]; the exact layout is
   * the simulator's [sim].
   */
  String list(long logOffset) {
    StringBuilder b = new StringBuilder();
    for (Ext e : extents) {
      b.append("Extent:  ").append(e.number()).append('\n');
      b.append("Status:  ").append(title(e.state())).append('\n');
      b.append("Type:    ")
          .append(e.extent().fixed() ? "Fixed Length" : "Variable Length")
          .append('\n');
      b.append("Path:    ").append(e.extent().path()).append('\n');
      b.append("Size:    ").append(e.extent().fixed() ? e.extent().sizeKb() : 0).append('\n');
      b.append("Used:    ").append((e.usedBytes(logOffset) + 1023) / 1024).append('\n');
      b.append("Start:   ").append(e.state() == State.EMPTY ? "N/A" : e.started()).append('\n');
      b.append("Seqno:   ").append(e.seq()).append("\n\n");
    }
    return b.toString();
  }

  private static String title(State s) {
    String n = s.name();
    return n.charAt(0) + n.substring(1).toLowerCase(java.util.Locale.ROOT);
  }
}
