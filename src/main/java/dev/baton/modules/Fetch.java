package dev.baton.modules;

import dev.baton.modules.ArgSpec.Type;
import dev.baton.ssh.ExecOptions;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.RemoteFiles;
import dev.baton.ssh.ShellQuote;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Ansible's {@code fetch}: brings a file from the host to the controller, into {@code
 * dest/<host>/<src path>} or, with {@code flat}, to {@code dest} itself. Skips the transfer when
 * the local copy already has the remote sha1; otherwise streams into a temporary file beside the
 * destination, checks the sha1 of what arrived, and renames it into place.
 */
final class Fetch implements Module {
  private static final long REPORT_EVERY = 8L * 1024 * 1024;

  @Override
  public String name() {
    return "fetch";
  }

  @Override
  public ArgSpec args() {
    return new ArgSpec(
        Map.of(
            "src", ArgSpec.required(Type.PATH),
            "dest", ArgSpec.required(Type.PATH),
            "flat", ArgSpec.optional(Type.BOOL, false),
            "fail_on_missing", ArgSpec.optional(Type.BOOL, true),
            "validate_checksum", ArgSpec.optional(Type.BOOL, true)),
        false,
        false,
        List.<Set<String>>of());
  }

  @Override
  public TaskResult run(ModuleContext ctx, Map<String, Object> args) throws Exception {
    try {
      Args a = Args.of(this, args);
      String src = a.required("src");
      String destArg = a.required("dest");
      Path base = ctx.playbookDir().resolve(destArg);
      Path dest;
      if (a.bool("flat", false)) {
        dest = destArg.endsWith("/") ? base.resolve(baseName(src)) : base;
      } else {
        dest = base.resolve(ctx.host()).resolve(src.replaceAll("^/+", ""));
      }
      dest = dest.normalize();
      Map<String, Object> d = TaskResult.data("file", src, "dest", dest.toString());
      Optional<PathInfo> remote = PathInfo.probe(ctx, src);
      if (remote.isEmpty()) {
        String msg = "the remote file does not exist, not transferring, ignored";
        d.put("msg", msg);
        return a.bool("fail_on_missing", true)
            ? new TaskResult.Failed("fetch: " + src + ": the remote file does not exist", d)
            : new TaskResult.Ok(msg, d);
      }
      if (remote.get().isDirectory()) {
        throw new TaskFailure("fetch: " + src + " is a directory; fetch works on files only");
      }
      String remoteSum = Checksums.remote(ctx, src, Checksums.Algorithm.SHA1);
      d.put("remote_checksum", remoteSum);
      d.put("checksum", remoteSum);
      if (Files.isDirectory(dest)) {
        throw new TaskFailure("fetch: local destination " + dest + " is a directory");
      }
      if (Files.isRegularFile(dest)
          && Checksums.local(dest, Checksums.Algorithm.SHA1).equals(remoteSum)) {
        return new TaskResult.Ok(dest + " already has the remote content", d);
      }
      if (ctx.checkMode()) {
        return new TaskResult.Changed("would fetch " + src + " to " + dest, d);
      }
      String sum =
          download(
              ctx, src, remote.get().size(), dest, a.bool("validate_checksum", true), remoteSum);
      d.put("checksum", sum);
      return new TaskResult.Changed("fetched " + src + " to " + dest, d);
    } catch (TaskFailure f) {
      return f.toResult(name());
    } catch (IOException e) {
      // Local trouble (a dest that cannot be created or read); a lost session is rethrown.
      return PathInfo.unwrap(e, "fetch: local destination").toResult(name());
    }
  }

  private String download(
      ModuleContext ctx, String src, long size, Path dest, boolean validate, String remoteSum)
      throws RemoteException, TaskFailure, IOException {
    Files.createDirectories(dest.getParent());
    Path temp =
        Files.createTempFile(dest.getParent(), ".baton." + dest.getFileName() + ".", ".tmp");
    RemoteFiles files = ctx.remote().files();
    String staged = null;
    try {
      InputStream opened;
      try {
        opened = files.openRead(src, 0);
      } catch (IOException e) {
        if (!PathInfo.permissionDenied(e)) {
          throw PathInfo.unwrap(e, "fetch: cannot read " + src);
        }
        // The login user may not read what the become user can: copy it to a private file first.
        staged = stage(ctx, src);
        opened = openStaged(files, staged);
      }
      MessageDigest md = Checksums.Algorithm.SHA1.digest();
      try {
        try (InputStream in = new DigestInputStream(opened, md);
            OutputStream out = Files.newOutputStream(temp)) {
          byte[] buf = new byte[256 * 1024];
          long done = 0;
          long next = REPORT_EVERY;
          for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            done += n;
            if (done >= next) {
              ctx.progress().update("fetch " + src, done, size, "B");
              next = done + REPORT_EVERY;
            }
          }
        }
      } catch (IOException e) {
        throw PathInfo.unwrap(e, "fetch: transfer of " + src + " to " + dest + " failed");
      }
      String sum = HexFormat.of().formatHex(md.digest());
      if (validate && !sum.equals(remoteSum)) {
        throw new TaskFailure(
            "fetch: checksum mismatch for "
                + src
                + ": remote "
                + remoteSum
                + ", received "
                + sum
                + " (the file changed during the transfer?)");
      }
      Files.move(temp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return sum;
    } finally {
      Files.deleteIfExists(temp);
      if (staged != null) {
        ctx.exec("rm -f -- " + ShellQuote.quote(staged));
      }
    }
  }

  private String stage(ModuleContext ctx, String src) throws RemoteException, TaskFailure {
    var login = ctx.remote().exec("id -u", ExecOptions.DEFAULT);
    if (!login.ok()) {
      throw new TaskFailure("fetch: cannot read " + src + " (permission denied)");
    }
    String staged = "/tmp/.baton-stage-" + UUID.randomUUID();
    String q = ShellQuote.quote(staged);
    var r =
        ctx.exec(
            "(umask 077 && cp -- "
                + ShellQuote.quote(src)
                + " "
                + q
                + ") && chown "
                + ShellQuote.quote(login.stdout().strip())
                + " -- "
                + q);
    if (!r.ok()) {
      ctx.exec("rm -f -- " + q);
      throw new TaskFailure("fetch: cannot read " + src + ": " + r.stderr().strip());
    }
    return staged;
  }

  private static InputStream openStaged(RemoteFiles files, String staged)
      throws IOException, RemoteException, TaskFailure {
    try {
      return files.openRead(staged, 0);
    } catch (IOException e) {
      throw PathInfo.unwrap(e, "fetch: cannot read staged copy " + staged);
    }
  }

  private static String baseName(String path) {
    String p = path.replaceAll("/+$", "");
    return p.substring(p.lastIndexOf('/') + 1);
  }
}
