package dev.baton.transfer;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.Module;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.TaskResult;
import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import java.util.Map;

/**
 * {@code transfer}: runs on the destination host and brings a file from another inventory host
 * ({@code src_host}), verified end to end. See docs/modules-openedge.md.
 */
public final class TransferModule implements Module {
  private static final ArgSpec ARGS =
      ArgSpec.of(
          Map.of(
              "src_host", ArgSpec.required(Type.STRING),
              "src", ArgSpec.required(Type.PATH),
              "dest", ArgSpec.required(Type.PATH),
              "method", ArgSpec.optional(Type.STRING, "relay"),
              "expected_sha256", ArgSpec.optional(Type.STRING, null),
              "dest_address", ArgSpec.optional(Type.STRING, null),
              "dest_user", ArgSpec.optional(Type.STRING, null),
              "dest_port", ArgSpec.optional(Type.INT, null),
              "direct_ssh_args", ArgSpec.optional(Type.LIST, null),
              "retry_budget", ArgSpec.optional(Type.ANY, 60)));

  @Override
  public String name() {
    return "transfer";
  }

  @Override
  public ArgSpec args() {
    return ARGS;
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception {
    String srcHost = string(args, "src_host");
    String src = string(args, "src");
    String dest = string(args, "dest");
    if (srcHost == null || src == null || dest == null) {
      return TaskResult.failed("transfer needs src_host, src and dest");
    }
    if (!src.startsWith("/") || !dest.startsWith("/")) {
      return TaskResult.failed("transfer: src and dest must be absolute paths");
    }
    TransferMethod method;
    TransferRequest req;
    long budgetMs;
    try {
      method = TransferMethod.parse(string(args, "method"));
      budgetMs = 1000L * retryBudget(args);
      if (method == TransferMethod.RELAY && !ctx.checkMode()) {
        CryptoWarmUp.start(); // while the source host is connected to
      }
      req = request(ctx, args, method, ctx.remoteOf(srcHost), ctx.remote());
    } catch (IllegalArgumentException e) {
      return TaskResult.failed("transfer: " + e.getMessage());
    }
    Map<String, Object> data = TaskResult.data("src_host", srcHost, "src", src, "dest", dest);
    data.put("method", method.argName());
    if (ctx.checkMode()) {
      return new TaskResult.Changed(
          "check mode: would transfer "
              + srcHost
              + ":"
              + src
              + " to "
              + ctx.host()
              + ":"
              + dest
              + " by "
              + method.argName()
              + " (via "
              + dest
              + ".part, renamed once its sha256 matches the source's)",
          data);
    }
    try {
      TransferOutcome o =
          runWithRetries(
              ctx,
              req,
              budgetMs,
              () -> request(ctx, args, method, ctx.reconnect(srcHost), ctx.reconnect(null)),
              data);
      data.put("size", o.size());
      data.put("sha256", o.sha256());
      data.put("bytes_sent", o.bytesSent());
      data.put("resumed_from", o.resumedFrom());
      data.put("duration", o.duration().toMillis() / 1000.0);
      data.put("source_sha256_verified", o.sourceSha256Verified());
      return o.changed() ? new TaskResult.Changed(o.msg(), data) : new TaskResult.Ok(o.msg(), data);
    } catch (TransferFailed e) {
      return new TaskResult.Failed(e.getMessage(), data);
    }
  }

  /**
   * Runs the transfer; when a link is lost (a host unreachable, a session dropped) it waits with
   * backoff (1, 2, 4 ... 15 s), reconnects both hosts and runs it again, which continues from the
   * prefix both hosts prove they share, until {@code retry_budget} seconds of waiting are spent.
   * Past it the host is unreachable (exit 3, for {@code baton resume}) with a message that says so.
   */
  private static TransferOutcome runWithRetries(
      ModuleContext ctx,
      TransferRequest first,
      long budgetMs,
      Reconnect reconnect,
      Map<String, Object> data)
      throws Exception {
    long backoffMs = 1000;
    int retries = 0;
    long firstLoss = 0;
    TransferRequest req = first;
    while (true) {
      RemoteException lost;
      try {
        TransferOutcome o = Transfers.run(req, ctx.progress());
        data.put("retries", retries);
        return o;
      } catch (RemoteException e) {
        if (!e.unreachable()) {
          throw e;
        }
        lost = e;
      }
      if (firstLoss == 0) {
        firstLoss = System.nanoTime();
      }
      // Wall time since the link was first lost, reconnection attempts included.
      while (true) {
        long spentMs = (System.nanoTime() - firstLoss) / 1_000_000;
        if (spentMs >= budgetMs) {
          throw retries == 0 ? lost : exhausted(lost, retries, spentMs, budgetMs);
        }
        Thread.sleep(Math.min(backoffMs, budgetMs - spentMs));
        backoffMs = Math.min(backoffMs * 2, 15_000);
        retries++;
        try {
          req = reconnect.request();
          break;
        } catch (RemoteException e) {
          if (!e.unreachable()) {
            throw e;
          }
          lost = e;
        }
      }
    }
  }

  /** The request again, over new connections to both hosts. */
  @FunctionalInterface
  private interface Reconnect {
    TransferRequest request() throws RemoteException;
  }

  /** The transfer between {@code source} and {@code destination}, as the arguments describe it. */
  private static TransferRequest request(
      ModuleContext ctx,
      Map<String, Object> args,
      TransferMethod method,
      Remote source,
      Remote destination) {
    return new TransferRequest(
        source,
        string(args, "src"),
        destination,
        string(args, "dest"),
        method,
        string(args, "expected_sha256"),
        method == TransferMethod.DIRECT ? peer(ctx, args) : null);
  }

  /** {@code retry_budget}: whole seconds, 0 or more. */
  private static long retryBudget(Map<String, Object> args) {
    Object v = args.getOrDefault("retry_budget", 60);
    try {
      long s = Long.parseLong(String.valueOf(v).strip());
      if (s >= 0) {
        return s;
      }
    } catch (NumberFormatException e) {
      // refused below, with the value
    }
    throw new IllegalArgumentException(
        "retry_budget must be whole seconds (0 or more), not '" + v + "'");
  }

  private static RemoteException exhausted(
      RemoteException last, int retries, long spentMs, long budgetMs) {
    return new RemoteException(
        last.kind(),
        last.host(),
        "link to "
            + last.host()
            + " lost during the transfer; "
            + retries
            + " retries over "
            + spentMs / 1000
            + " s did not bring it back (retry_budget "
            + budgetMs / 1000
            + " s); baton resume continues from what arrived: "
            + last.getMessage(),
        last);
  }

  private static TransferRequest.DirectPeer peer(ModuleContext ctx, Map<String, Object> args) {
    Map<String, Object> vars = ctx.vars();
    String address = string(args, "dest_address");
    if (address == null) {
      Object h = vars.get("ansible_host");
      address = h == null ? ctx.host() : h.toString();
    }
    String user = string(args, "dest_user");
    if (user == null && vars.get("ansible_user") != null) {
      user = vars.get("ansible_user").toString();
    }
    Object port = args.get("dest_port");
    if (port == null) {
      port = vars.get("ansible_port");
    }
    int p = port == null ? 0 : Integer.parseInt(port.toString().trim());
    Object extra = args.get("direct_ssh_args");
    java.util.List<String> options =
        extra instanceof java.util.List<?> l
            ? l.stream().map(String::valueOf).toList()
            : extra == null
                ? java.util.List.of()
                : java.util.List.of(extra.toString().split("\\s+"));
    return new TransferRequest.DirectPeer(address, user, p, options);
  }

  private static String string(Map<String, Object> args, String key) {
    Object v = args.get(key);
    return v == null || v.toString().isBlank() ? null : v.toString();
  }
}
