package dev.baton.openedge;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code dsrutil -C status [-detail]} code and what it means: the one table of codes from the
 * Replication documentation. Codes without {@code -detail} are a prefix (1 server, 2 control agent,
 * 3 agent) followed by a class (100 connecting ... 255 unknown); {@code -detail} codes are listed
 * one by one. The two sets do not overlap, so one lookup serves both.
 */
public record ReplicationStatus(int code, String meaning) {

  /** Agent in normal processing: the target has everything the source committed. */
  public static final int IN_SYNC_TARGET = 3049;

  /** Server in normal processing, the source's side of {@link #IN_SYNC_TARGET}. */
  public static final int IN_SYNC_SOURCE = 6021;

  private static final Map<Integer, String> DETAIL =
      Map.ofEntries(
          Map.entry(0, "unknown"),
          Map.entry(1001, "initial connection"),
          Map.entry(1002, "initializing"),
          Map.entry(1032, "initial connection failed"),
          Map.entry(1034, "invalid target configuration"),
          Map.entry(1035, "agent failed"),
          Map.entry(1037, "agent stopped"),
          Map.entry(1038, "agent terminated"),
          Map.entry(1063, "agent ended"),
          Map.entry(2080, "pre-transition"),
          Map.entry(2081, "applying AI extent"),
          Map.entry(2082, "transitioning"),
          Map.entry(2083, "listening"),
          Map.entry(3048, "startup synchronization"),
          Map.entry(3049, "normal processing (in sync)"),
          Map.entry(3050, "recovery synchronization"),
          Map.entry(3051, "online backup of target"),
          Map.entry(3052, "quiet point"),
          Map.entry(3053, "BI stall"),
          Map.entry(3054, "AI stall"),
          Map.entry(3055, "being transitioned"),
          Map.entry(6001, "server initialization"),
          Map.entry(6002, "connecting to agents"),
          Map.entry(6003, "configuring agents"),
          Map.entry(6004, "recovery processing"),
          Map.entry(6005, "startup synchronization"),
          Map.entry(6021, "server normal processing"),
          Map.entry(6022, "performing transition"),
          Map.entry(6023, "suspended"),
          Map.entry(6060, "server ended"));

  private static final Map<Integer, String> PREFIX =
      Map.of(1, "server", 2, "control agent", 3, "agent");

  private static final Map<Integer, String> CLASS =
      Map.of(
          100, "connecting",
          101, "processing",
          102, "halted",
          103, "pre-transition",
          104, "listening",
          105, "transition",
          199, "inactive",
          255, "unknown");

  private static final Pattern CODE_LINE = Pattern.compile("(?m)^\\s*(\\d{1,4})\\s*$");
  private static final Pattern ANY_CODE = Pattern.compile("\\b(\\d{4})\\b");

  /** The code with its documented meaning ("code N, not documented" for others). */
  public static ReplicationStatus of(int code) {
    String d = DETAIL.get(code);
    if (d != null) {
      return new ReplicationStatus(code, d);
    }
    String p = PREFIX.get(code / 1000);
    String c = CLASS.get(code % 1000);
    if (p != null && c != null) {
      return new ReplicationStatus(code, p + " " + c);
    }
    return new ReplicationStatus(code, "code " + code + ", not documented");
  }

  /**
   * The status code dsrutil printed: a line holding only a number, else the first four-digit number
   * (dsrutil versions differ in what they print around it).
   */
  public static Optional<ReplicationStatus> parse(String output) {
    Matcher line = CODE_LINE.matcher(output);
    Integer code = null;
    while (line.find()) {
      code = Integer.parseInt(line.group(1));
    }
    if (code == null) {
      Matcher any = ANY_CODE.matcher(output);
      if (any.find()) {
        code = Integer.parseInt(any.group(1));
      }
    }
    return code == null ? Optional.empty() : Optional.of(of(code));
  }

  /** True for a short status code whose class says the server or agent is running. */
  public boolean running() {
    int c = code % 1000;
    return code >= 1000 && code < 4000 && c >= 100 && c <= 105 && c != 102;
  }

  /** True for a short status code that says the server or agent is not running. */
  public boolean stopped() {
    int c = code % 1000;
    return code >= 1000 && code < 4000 && (c == 102 || c == 199);
  }

  @Override
  public String toString() {
    return code + " (" + meaning + ")";
  }
}
