package dev.baton.transfer;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.Args;
import dev.baton.modules.Module;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.TaskFailure;
import dev.baton.modules.TaskResult;
import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import java.util.Map;

/**
 * {@code transfer}: runs on the destination host and brings a file from another inventory host
 * ({@code src_host}), verified end to end. See docs/modules-openedge.md.
 */
public final class TransferModule implements Module {
  /**
   * Streams a relay moves a file over by default (docs/modules-openedge.md, "transfer"): enough to
   * fill a long link that one stream cannot (bench/wan.sh), few enough that the extra logins stay
   * unremarkable on any host.
   */
  static final int DEFAULT_STREAMS = 4;

  /** Ranges the streams move, in MiB: {@link Transfers#RANGE_BYTES}. */
  static final int DEFAULT_RANGE_MIB = (int) (Transfers.RANGE_BYTES >> 20);

  /** More would only add logins: beyond this the link, not the streams, is the limit. */
  static final int MAX_STREAMS = 16;

  private static final ArgSpec ARGS =
      ArgSpec.of(
          Map.ofEntries(
              Map.entry("src_host", ArgSpec.required(Type.STRING)),
              Map.entry("src", ArgSpec.required(Type.PATH)),
              Map.entry("dest", ArgSpec.required(Type.PATH)),
              Map.entry("method", ArgSpec.optional(Type.STRING, "relay")),
              Map.entry("expected_sha256", ArgSpec.optional(Type.STRING, null)),
              Map.entry("dest_address", ArgSpec.optional(Type.STRING, null)),
              Map.entry("dest_user", ArgSpec.optional(Type.STRING, null)),
              Map.entry("dest_port", ArgSpec.optional(Type.INT, null)),
              Map.entry("direct_ssh_args", ArgSpec.optional(Type.LIST, null)),
              Map.entry("retry_budget", ArgSpec.optional(Type.ANY, 60)),
              Map.entry("streams", ArgSpec.optional(Type.INT, DEFAULT_STREAMS)),
              Map.entry("range_mib", ArgSpec.optional(Type.INT, DEFAULT_RANGE_MIB))));

  @Override
  public String name() {
    return "transfer";
  }

  @Override
  public ArgSpec args() {
    return ARGS;
  }

  /** The task's arguments, read and checked once. */
  private record Request(
      String srcHost,
      String src,
      String dest,
      TransferMethod method,
      String expectedSha256,
      long budgetMs,
      String destAddress,
      String destUser,
      long destPort,
      java.util.List<String> directSshArgs,
      int streams,
      long rangeBytes) {

    static Request read(Args a) throws TaskFailure {
      String src = a.required("src");
      String dest = a.required("dest");
      if (!src.startsWith("/") || !dest.startsWith("/")) {
        throw a.bad("src and dest must be absolute paths");
      }
      TransferMethod method;
      try {
        method = TransferMethod.parse(a.string("method"));
      } catch (IllegalArgumentException e) {
        throw a.bad(e.getMessage());
      }
      long budget;
      try {
        budget = a.integer("retry_budget", 60);
      } catch (TaskFailure notANumber) {
        budget = -1;
      }
      if (budget < 0) {
        throw a.bad(
            "retry_budget must be whole seconds (0 or more), not '" + a.str("retry_budget") + "'");
      }
      long streams = a.integer("streams", DEFAULT_STREAMS);
      if (streams < 1 || streams > MAX_STREAMS) {
        throw a.bad("streams must be 1 to " + MAX_STREAMS + ", not " + streams);
      }
      long rangeMib = a.integer("range_mib", DEFAULT_RANGE_MIB);
      if (rangeMib < 1 || rangeMib > 65536) {
        throw a.bad("range_mib must be 1 to 65536, not " + rangeMib);
      }
      return new Request(
          a.required("src_host"),
          src,
          dest,
          method,
          a.string("expected_sha256"),
          1000L * budget,
          a.string("dest_address"),
          a.string("dest_user"),
          a.integer("dest_port", 0),
          a.words("direct_ssh_args"),
          (int) streams,
          rangeMib << 20);
    }
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception {
    Request r;
    TransferRequest req;
    try {
      r = Request.read(Args.of(this, args));
    } catch (TaskFailure e) {
      return e.toResult(name());
    }
    String srcHost = r.srcHost();
    String src = r.src();
    String dest = r.dest();
    TransferMethod method = r.method();
    long budgetMs = r.budgetMs();
    if (method == TransferMethod.RELAY && !ctx.checkMode()) {
      CryptoWarmUp.start(); // while the source host is connected to
    }
    try {
      req = request(ctx, r, ctx.remoteOf(srcHost), ctx.remote());
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
              () -> request(ctx, r, ctx.reconnect(srcHost), ctx.reconnect(null)),
              data,
              r.rangeBytes());
      data.put("size", o.size());
      data.put("sha256", o.sha256());
      data.put("bytes_sent", o.bytesSent());
      data.put("resumed_from", o.resumedFrom());
      data.put("duration", o.duration().toMillis() / 1000.0);
      data.put("source_sha256_verified", o.sourceSha256Verified());
      data.put("streams", o.streams());
      return o.changed() ? new TaskResult.Changed(o.msg(), data) : new TaskResult.Ok(o.msg(), data);
    } catch (TransferFailed e) {
      return new TaskResult.Failed(e.getMessage(), data);
    }
  }

  /**
   * Runs the transfer; when a link is lost (a host unreachable, a session dropped) it waits with
   * backoff (1, 2, 4 ... 15 s), reconnects both hosts and runs it again, which continues from the
   * ranges recorded or the prefix both hosts prove they share, until {@code retry_budget} seconds
   * of waiting are spent. Past it the host is unreachable (exit 3, for {@code baton resume}) with a
   * message that says so.
   */
  private static TransferOutcome runWithRetries(
      ModuleContext ctx,
      TransferRequest first,
      long budgetMs,
      Reconnect reconnect,
      Map<String, Object> data,
      long rangeBytes)
      throws Exception {
    long backoffMs = 1000;
    int retries = 0;
    long firstLoss = 0;
    TransferRequest req = first;
    while (true) {
      RemoteException lost;
      try {
        TransferOutcome o =
            Transfers.run(req, ctx.progress(), Transfers.Tuning.DEFAULT.withRangeBytes(rangeBytes));
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
      ModuleContext ctx, Request r, Remote source, Remote destination) {
    return new TransferRequest(
        source,
        r.src(),
        destination,
        r.dest(),
        r.method(),
        r.expectedSha256(),
        r.method() == TransferMethod.DIRECT ? peer(ctx, r) : null,
        r.method() == TransferMethod.SHARED ? 1 : r.streams());
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

  private static TransferRequest.DirectPeer peer(ModuleContext ctx, Request r) {
    Map<String, Object> vars = ctx.vars();
    String address = r.destAddress();
    if (address == null) {
      Object h = vars.get("ansible_host");
      address = h == null ? ctx.host() : h.toString();
    }
    String user = r.destUser();
    if (user == null && vars.get("ansible_user") != null) {
      user = vars.get("ansible_user").toString();
    }
    long port = r.destPort();
    if (port == 0 && vars.get("ansible_port") != null) {
      port = Long.parseLong(vars.get("ansible_port").toString().strip());
    }
    return new TransferRequest.DirectPeer(address, user, (int) port, r.directSshArgs());
  }
}
