package dev.baton.modules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one task on one host. {@link #data()} is what {@code register} stores (rc, stdout,
 * stderr, msg, ... as Ansible names them); the engine adds {@code changed} and {@code failed} to
 * it. A module reports a fact it set through the key {@code ansible_facts}.
 */
public sealed interface TaskResult {
  Map<String, Object> data();

  String msg();

  /** Nothing needed changing; the host is as asked. */
  record Ok(String msg, Map<String, Object> data) implements TaskResult {
    public Ok {
      msg = msg == null ? "" : msg;
      data = data == null ? Map.of() : data;
    }
  }

  /** The module changed the host (or, in check mode, would have). */
  record Changed(String msg, Map<String, Object> data) implements TaskResult {
    public Changed {
      msg = msg == null ? "" : msg;
      data = data == null ? Map.of() : data;
    }
  }

  /** The task did not reach its goal. */
  record Failed(String msg, Map<String, Object> data) implements TaskResult {
    public Failed {
      msg = msg == null ? "" : msg;
      data = data == null ? Map.of() : data;
    }
  }

  /** The task did not run (condition false, tag not selected, ...). */
  record Skipped(String msg, Map<String, Object> data) implements TaskResult {
    public Skipped {
      msg = msg == null ? "" : msg;
      data = data == null ? Map.of() : data;
    }
  }

  /** The host could not be reached or the connection died; its state is unknown. */
  record Unreachable(String msg, Map<String, Object> data) implements TaskResult {
    public Unreachable {
      msg = msg == null ? "" : msg;
      data = data == null ? Map.of() : data;
    }
  }

  static Ok ok(String msg) {
    return new Ok(msg, Map.of());
  }

  static Changed changed(String msg) {
    return new Changed(msg, Map.of());
  }

  static Failed failed(String msg) {
    return new Failed(msg, Map.of());
  }

  /** A mutable ordered map, for modules that build their result data step by step. */
  static Map<String, Object> data(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}
