package dev.baton.transfer;

import dev.baton.modules.ArgSpec;
import dev.baton.modules.ArgSpec.Type;
import dev.baton.modules.Module;
import dev.baton.modules.ModuleContext;
import dev.baton.modules.TaskResult;
import dev.baton.ssh.Remote;
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
              "direct_ssh_args", ArgSpec.optional(Type.LIST, null)));

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
    try {
      method = TransferMethod.parse(string(args, "method"));
      if (method == TransferMethod.RELAY && !ctx.checkMode()) {
        CryptoWarmUp.start(); // while the source host is connected to
      }
      Remote source = ctx.remoteOf(srcHost);
      req =
          new TransferRequest(
              source,
              src,
              ctx.remote(),
              dest,
              method,
              string(args, "expected_sha256"),
              method == TransferMethod.DIRECT ? peer(ctx, args) : null);
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
      TransferOutcome o = Transfers.run(req, ctx.progress());
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
