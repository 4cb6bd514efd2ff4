package dev.baton.modules;

import java.util.Map;

/**
 * A module could not reach its goal (bad argument, command failed, file missing). Thrown inside a
 * module's helpers and turned into a {@link TaskResult.Failed} with this message and data at the
 * module's edge; connection failures stay {@link dev.baton.ssh.RemoteException}s.
 */
public final class TaskFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient Map<String, Object> data;

  public TaskFailure(String message) {
    this(message, Map.of());
  }

  public TaskFailure(String message, Map<String, Object> data) {
    super(message);
    this.data = data;
  }

  /** The failed result, its message starting with the module's name as every module's do. */
  public TaskResult.Failed toResult(String module) {
    String msg =
        getMessage().startsWith(module + ": ") ? getMessage() : module + ": " + getMessage();
    Map<String, Object> d = new java.util.LinkedHashMap<String, Object>();
    d.putAll(data);
    d.put("msg", msg);
    return new TaskResult.Failed(msg, d);
  }
}
