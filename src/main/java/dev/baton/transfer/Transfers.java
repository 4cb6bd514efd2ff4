package dev.baton.transfer;

import dev.baton.core.Units;
import dev.baton.modules.ModuleContext;
import dev.baton.ssh.FileStat;
import dev.baton.ssh.Remote;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.RemoteFiles;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Moves one big file between two hosts and proves it arrived intact. The order is always: look at
 * both files; done already? free space; resume point; copy to {@code <dest>.part}; verify on the
 * destination host; rename into place. A failed verification never renames.
 */
public final class Transfers {
  private Transfers() {}

  /**
   * Runs one transfer. Failures that leave no verified file throw {@link TransferFailed} with a
   * one-line reason; a dead session throws {@link RemoteException}.
   */
  public static TransferOutcome run(TransferRequest req, ModuleContext.Progress progress)
      throws TransferFailed, RemoteException, InterruptedException {
    return run(req, progress, Tuning.DEFAULT);
  }

  /**
   * Size of the ranges several streams move (and a resume counts in): large enough that opening a
   * range (two SFTP opens, one log line) is noise, small enough that a cut loses little and the
   * streams end together. A file shorter than two ranges moves over one stream.
   */
  static final long RANGE_BYTES = 64L * 1024 * 1024;

  /**
   * How a relay splits its work.
   *
   * @param rangeBytes size of the ranges several streams move
   * @param oneStreamBelow links whose round trip is shorter use one stream: the slower host's round
   *     trip, timed on an SFTP stat. A 2 MiB window then carries more than 1 GiB/s, more than a
   *     jump host's ciphers, and more streams only add logins (measured on the project's hosts'
   *     local link, 1 GiB, 3 rounds: one stream 10.32 s and 7.18 CPU-s, four 10.37 s and 7.32
   *     CPU-s)
   */
  record Tuning(long rangeBytes, Duration oneStreamBelow) {
    static final Tuning DEFAULT = new Tuning(RANGE_BYTES, Duration.ofMillis(2));

    Tuning withRangeBytes(long bytes) {
      return new Tuning(bytes, oneStreamBelow);
    }
  }

  /** As {@link #run(TransferRequest, ModuleContext.Progress)}, tuned. */
  static TransferOutcome run(TransferRequest req, ModuleContext.Progress progress, Tuning tuning)
      throws TransferFailed, RemoteException, InterruptedException {
    ExecutorService pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "transfer-digest");
              t.setDaemon(true);
              return t;
            });
    try {
      return new Run(req, progress, pool, tuning).run();
    } finally {
      pool.shutdownNow();
    }
  }

  /** The state of one transfer while it runs. */
  private static final class Run {
    private final TransferRequest req;
    private final ModuleContext.Progress progress;
    private final ExecutorService pool;
    private final String part;
    private final Tuning tuning;
    private final long started = System.nanoTime();

    Run(TransferRequest req, ModuleContext.Progress progress, ExecutorService pool, Tuning tuning) {
      this.req = req;
      this.progress = progress;
      this.pool = pool;
      this.part = req.destPath() + ".part";
      this.tuning = tuning;
    }

    /** Where the copy starts: after a proven prefix, one stream in order; or by ranges. */
    private sealed interface Start permits Prefix, Ranges {
      long done();
    }

    /** One stream from {@code done} (0: afresh) to the end. */
    private record Prefix(long done) implements Start {}

    /**
     * The ranges not in {@code finished} (merged), over the request's streams.
     *
     * @param logged the finished ranges come from a range log already beside the part
     */
    private record Ranges(List<RangeLog.Range> finished, boolean logged) implements Start {
      @Override
      public long done() {
        return RangeLog.covered(finished);
      }
    }

    TransferOutcome run() throws TransferFailed, RemoteException, InterruptedException {
      RemoteFiles src = req.source().files();
      RemoteFiles dst = req.destination().files();
      FileStat source =
          stat(src, req.source(), req.sourcePath())
              .filter(FileStat::isFile)
              .orElseThrow(
                  () ->
                      new TransferFailed(
                          req.source().host() + ": " + req.sourcePath() + " is not a file"));
      Optional<FileStat> dest = stat(dst, req.destination(), req.destPath());
      String destDir = parent(req.destPath());
      if (req.method() != TransferMethod.SHARED
          && !stat(dst, req.destination(), destDir).map(FileStat::isDirectory).orElse(false)) {
        throw new TransferFailed(
            req.destination().host() + ": destination directory " + destDir + " does not exist");
      }

      if (req.method() == TransferMethod.SHARED) {
        return shared(source, dest);
      }
      if (dest.isPresent() && dest.get().isFile() && dest.get().size() == source.size()) {
        Future<HostDigest.Result> sourceNow =
            submit(() -> HostDigest.whole(req.source(), req.sourcePath()));
        HostDigest.Result have = HostDigest.whole(req.destination(), req.destPath());
        String reference = reference(await(sourceNow));
        if (have.sha256().isPresent() && have.sha256().get().equals(reference)) {
          recordVerified(source.size(), reference);
          return outcome(
              false,
              "already transferred and verified (sha256 " + reference + ")",
              source.size(),
              reference,
              0,
              0,
              true,
              0);
        }
      }

      // Without expected_sha256 the source host digests its own file while the copy runs (no
      // extra wall time; started only below: nothing may touch the source before the refusals).
      // With it, the destination's digest is compared with that digest, which the source host
      // computed when the file was made, and a second read of the whole source would only take a
      // core from the copy: skipped.
      boolean digesting = req.expectedSha256() == null;
      // A relay digests the bytes it streams only when nothing else says what the source holds:
      // no expected_sha256 and no digest tool on the source host. Otherwise the destination's
      // digest is compared with that reference, and the stream's digest would only take a core
      // from the copy (~0.7 s of CPU per GiB). A streamed digest needs the bytes in order: one
      // stream.
      boolean streamDigest =
          req.method() == TransferMethod.RELAY && digesting && !HostDigest.available(req.source());
      Start start = start(source, streamDigest);
      long needed = source.size() - start.done();
      long free = freeSpace(dst);
      if (free < needed) {
        throw new TransferFailed(
            String.format(
                "%s: not enough free space for %s: %s needed, %s free",
                req.destination().host(), req.destPath(), Units.bytes(needed), Units.bytes(free)));
      }

      String pidFile = "/tmp/baton-sha256-" + java.util.UUID.randomUUID() + ".pid";
      Future<HostDigest.Result> sourceDigest =
          digesting
              ? submit(() -> HostDigest.wholeStoppable(req.source(), req.sourcePath(), pidFile))
              : java.util.concurrent.CompletableFuture.completedFuture(EXPECTED_STANDS_IN);
      boolean done = false;
      try {
        TransferOutcome o = copyAndVerify(source, start, streamDigest, sourceDigest);
        done = true;
        return o;
      } finally {
        if (!done && digesting) {
          stopQuietly(pidFile);
        }
      }
    }

    /**
     * Leaves the verification beside the file ({@link VerifiedCopy}), so that the restore need not
     * read the whole backup again. Written after the rename, so the file is not newer than it. Best
     * effort: a destination that refuses the write only costs the reader a digest of its own.
     */
    private void recordVerified(long size, String sha256) {
      byte[] text =
          VerifiedCopy.now(sha256, size, req.source().host() + ":" + req.sourcePath())
              .render()
              .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      try (java.io.OutputStream out =
          req.destination().files().openWrite(req.destPath() + VerifiedCopy.SUFFIX, false, 0644)) {
        out.write(text);
      } catch (IOException | RemoteException e) {
        // the restore digests the file itself
      }
    }

    private void stopQuietly(String pidFile) {
      try {
        HostDigest.stop(req.source(), pidFile);
      } catch (RemoteException e) {
        // the source session is gone, and with it the command
      }
    }

    /**
     * Where the copy continues: the ranges of a range log beside the part; else a prefix both hosts
     * prove they share ({@link #resumePoint}), continued by ranges when the request has several
     * streams and at least two ranges remain (for a relay: across a link of at least {@link
     * Tuning#oneStreamBelow}; baton cannot time a direct transfer's link), else by one stream. A
     * direct transfer's ranges are whole {@link DirectPush#BLOCK}s: what is listed or proven is
     * trimmed to block boundaries.
     */
    private Start start(FileStat source, boolean streamDigest)
        throws TransferFailed, RemoteException, InterruptedException {
      RemoteFiles dst = req.destination().files();
      boolean direct = req.method() == TransferMethod.DIRECT;
      boolean rangesPossible = (req.method() == TransferMethod.RELAY && !streamDigest) || direct;
      if (rangesPossible) {
        try {
          Optional<List<RangeLog.Range>> logged = RangeLog.read(dst, part, source);
          if (logged.isPresent()) {
            List<RangeLog.Range> done = logged.get();
            return new Ranges(
                direct ? RangeLog.trim(done, DirectPush.BLOCK, source.size()) : done, true);
          }
        } catch (IOException e) {
          rethrowLost(e);
          // An unreadable log is no log: the prefix check below decides.
        }
      }
      long offset = resumePoint(source);
      if (rangesPossible
          && req.streams() > 1
          && source.size() - offset >= 2 * rangeBytes()
          && (direct || roundTrip().compareTo(tuning.oneStreamBelow()) >= 0)) {
        long kept = direct ? offset / DirectPush.BLOCK * DirectPush.BLOCK : offset;
        return new Ranges(kept == 0 ? List.of() : List.of(new RangeLog.Range(0, kept)), false);
      }
      RangeLog.remove(dst, part); // a log that did not match: the part is continued in order
      return new Prefix(offset);
    }

    /** The range size: for a direct transfer, whole blocks (at least one). */
    private long rangeBytes() {
      if (req.method() != TransferMethod.DIRECT) {
        return tuning.rangeBytes();
      }
      return Math.max(1, tuning.rangeBytes() / DirectPush.BLOCK) * DirectPush.BLOCK;
    }

    /** The slower host's round trip, timed on an SFTP stat (both channels are open by now). */
    private Duration roundTrip() throws TransferFailed, RemoteException {
      long t0 = System.nanoTime();
      stat(req.source().files(), req.source(), parent(req.sourcePath()));
      long t1 = System.nanoTime();
      stat(req.destination().files(), req.destination(), parent(req.destPath()));
      long t2 = System.nanoTime();
      return Duration.ofNanos(Math.max(t1 - t0, t2 - t1));
    }

    private TransferOutcome copyAndVerify(
        FileStat source, Start start, boolean streamDigest, Future<HostDigest.Result> sourceDigest)
        throws TransferFailed, RemoteException, InterruptedException {
      long offset = start instanceof Prefix p ? p.done() : 0;
      ProgressMeter meter = new ProgressMeter(progress, route(req.destPath()), source.size());
      int streams = 1;
      Optional<String> streamed;
      if (start instanceof Ranges r) {
        // A direct transfer's bytes never pass through baton: nothing streamed to digest.
        streams = ranged(source, r, meter);
        streamed = Optional.empty();
      } else if (req.method() == TransferMethod.RELAY) {
        streamed = relay(source, offset, streamDigest, meter);
      } else {
        streamed = direct(source, offset, meter);
      }

      Verified v = verify(offset, streamed, await(sourceDigest));
      try {
        req.destination().files().rename(part, req.destPath());
      } catch (IOException e) {
        throw new TransferFailed(
            req.destination().host()
                + ": renaming "
                + part
                + " into place failed: "
                + e.getMessage(),
            e);
      }
      RangeLog.remove(req.destination().files(), part);
      recordVerified(source.size(), v.sha256());
      String how =
          start instanceof Ranges && start.done() > 0
              ? " (resumed: " + Units.bytes(start.done()) + " were there)"
              : offset > 0 ? " (resumed at byte " + offset + ")" : "";
      String over = streams > 1 ? " over " + streams + " streams" : "";
      return outcome(
          true,
          "transferred "
              + Units.bytes(source.size())
              + " by "
              + req.method().argName()
              + over
              + how
              + ", verified sha256 "
              + v.sha256(),
          source.size(),
          v.sha256(),
          source.size() - start.done(),
          start.done(),
          v.sourceVerified(),
          streams);
    }

    private TransferOutcome shared(FileStat source, Optional<FileStat> dest)
        throws TransferFailed, RemoteException, InterruptedException {
      if (dest.isEmpty() || !dest.get().isFile()) {
        throw new TransferFailed(
            req.destination().host()
                + ": "
                + req.destPath()
                + " is not visible on the destination; method shared needs a mount both hosts"
                + " see");
      }
      if (dest.get().size() != source.size()) {
        throw new TransferFailed(
            String.format(
                "shared mount mismatch: %s:%s has %d bytes, %s:%s has %d",
                req.source().host(),
                req.sourcePath(),
                source.size(),
                req.destination().host(),
                req.destPath(),
                dest.get().size()));
      }
      Future<HostDigest.Result> s = submit(() -> HostDigest.whole(req.source(), req.sourcePath()));
      HostDigest.Result d = HostDigest.whole(req.destination(), req.destPath());
      HostDigest.Result sr = await(s);
      String ds = d.sha256().orElseThrow(() -> new TransferFailed(d.error()));
      String ss = sr.sha256().orElseThrow(() -> new TransferFailed(sr.error()));
      if (!ds.equals(ss)) {
        throw new TransferFailed(
            "shared mount mismatch: sha256 on "
                + req.source().host()
                + " is "
                + ss
                + ", on "
                + req.destination().host()
                + " is "
                + ds);
      }
      checkExpected(ds);
      return outcome(
          false,
          "shared mount: both hosts see the same file (sha256 " + ds + "), nothing copied",
          source.size(),
          ds,
          0,
          0,
          true,
          0);
    }

    /** The digest the destination must match: the source host's, else expected_sha256. */
    private String reference(HostDigest.Result sourceDigest) throws TransferFailed {
      if (sourceDigest.sha256().isPresent()) {
        checkExpected(sourceDigest.sha256().get());
        return sourceDigest.sha256().get();
      }
      if (!sourceDigest.unavailable()) {
        throw new TransferFailed(sourceDigest.error());
      }
      return req.expectedSha256();
    }

    private void checkExpected(String actual) throws TransferFailed {
      if (req.expectedSha256() != null && !req.expectedSha256().equals(actual)) {
        throw new TransferFailed(
            req.source().host()
                + ": "
                + req.sourcePath()
                + " has sha256 "
                + actual
                + ", not the expected "
                + req.expectedSha256());
      }
    }

    /**
     * Continues an earlier attempt when {@code <dest>.part} holds a prefix of the source, proven by
     * the same digest of that prefix on both hosts; otherwise starts afresh.
     */
    private long resumePoint(FileStat source)
        throws TransferFailed, RemoteException, InterruptedException {
      Optional<FileStat> p = stat(req.destination().files(), req.destination(), part);
      if (p.isEmpty() || !p.get().isFile() || p.get().size() == 0) {
        return 0;
      }
      long n = p.get().size();
      if (n > source.size()) {
        return 0;
      }
      Future<HostDigest.Result> s =
          submit(() -> HostDigest.prefix(req.source(), req.sourcePath(), n));
      HostDigest.Result d = HostDigest.prefix(req.destination(), part, n);
      HostDigest.Result sr = await(s);
      if (d.sha256().isPresent() && d.sha256().equals(sr.sha256())) {
        return n;
      }
      return 0;
    }

    private Optional<String> relay(
        FileStat source, long offset, boolean streamDigest, ProgressMeter meter)
        throws TransferFailed, RemoteException, InterruptedException {
      meter.startAt(offset);
      try {
        RelayCopy.Span span =
            new RelayCopy.Span(
                req.sourcePath(),
                part,
                offset,
                source.size() - offset,
                source.mode() & 0777,
                false);
        RelayCopy.Copied c =
            RelayCopy.copy(
                req.source().files(), req.destination().files(), span, streamDigest, meter);
        meter.update(source.size(), true);
        return c.sha256OfBytes();
      } catch (IOException e) {
        throw copyFailed(e);
      }
    }

    /** Moves the missing ranges over the request's streams; returns how many streams ran. */
    private int ranged(FileStat source, Ranges start, ProgressMeter meter)
        throws TransferFailed, RemoteException, InterruptedException {
      int mode = source.mode() & 0777;
      meter.startAt(start.done());
      try {
        RemoteFiles dst = req.destination().files();
        List<RangeLog.Range> todo = RangeLog.missing(start.finished(), source.size(), rangeBytes());
        try (RangeLog log =
            start.logged()
                ? RangeLog.resume(dst, part)
                : RangeLog.start(dst, part, source, start.finished(), mode)) {
          RangedCopy.Streams streams =
              req.method() == TransferMethod.DIRECT
                  ? RangedCopy.direct(req, part, meter)
                  : RangedCopy.relay(req, part, mode, meter);
          RangedCopy.Result r = RangedCopy.copy(todo, req.streams(), streams, log);
          meter.update(source.size(), true);
          return Math.max(1, r.streamsUsed());
        }
      } catch (IOException e) {
        throw copyFailed(e);
      }
    }

    private TransferFailed copyFailed(IOException e) throws RemoteException {
      rethrowLost(e);
      return new TransferFailed(
          route(part) + " failed: " + e.getMessage() + " (" + part + " kept for resume)", e);
    }

    /** "relay src-host:src -> dest-host:{@code to}", as progress and failures name a copy. */
    private String route(String to) {
      return req.method().argName()
          + " "
          + req.source().host()
          + ":"
          + req.sourcePath()
          + " -> "
          + req.destination().host()
          + ":"
          + to;
    }

    private Optional<String> direct(FileStat source, long offset, ProgressMeter meter)
        throws TransferFailed, RemoteException, InterruptedException {
      DirectPush.push(req, part, offset, source.size(), meter, pool);
      return Optional.empty();
    }

    private record Verified(String sha256, boolean sourceVerified) {}

    /** The source digest not computed because expected_sha256 stands in for it. */
    private static final HostDigest.Result EXPECTED_STANDS_IN =
        new HostDigest.Result(Optional.empty(), true, "not computed: expected_sha256 given");

    /**
     * Proves the .part equals the source: the destination host digests what it wrote; that must
     * equal the digest of the streamed bytes (relay) and the source host's digest of its file. On
     * any mismatch the .part is removed and nothing is renamed.
     */
    private Verified verify(long offset, Optional<String> streamed, HostDigest.Result sourceDigest)
        throws TransferFailed, RemoteException {
      if (sourceDigest.sha256().isEmpty() && !sourceDigest.unavailable()) {
        throw new TransferFailed(sourceDigest.error());
      }
      HostDigest.Result whole = HostDigest.whole(req.destination(), part);
      String destSha = whole.sha256().orElseThrow(() -> new TransferFailed(whole.error()));
      if (streamed.isPresent()) {
        HostDigest.Result copied =
            offset == 0 ? whole : HostDigest.suffix(req.destination(), part, offset);
        String copiedSha = copied.sha256().orElseThrow(() -> new TransferFailed(copied.error()));
        if (!copiedSha.equals(streamed.get())) {
          throw corrupt(
              "the bytes written (sha256 "
                  + copiedSha
                  + ") differ from the bytes read (sha256 "
                  + streamed.get()
                  + ")");
        }
      }
      if (sourceDigest.sha256().isPresent() && !sourceDigest.sha256().get().equals(destSha)) {
        throw corrupt(
            "sha256 on "
                + req.destination().host()
                + " is "
                + destSha
                + ", on "
                + req.source().host()
                + " "
                + sourceDigest.sha256().get());
      }
      if (req.expectedSha256() != null && !req.expectedSha256().equals(destSha)) {
        throw corrupt("sha256 is " + destSha + ", expected " + req.expectedSha256());
      }
      if (sourceDigest.sha256().isEmpty() && streamed.isEmpty() && req.expectedSha256() == null) {
        throw corrupt(
            "cannot verify: "
                + sourceDigest.error()
                + " and no expected_sha256 was given (direct transfers need one of them)");
      }
      return new Verified(
          destSha, sourceDigest.sha256().isPresent() || req.expectedSha256() != null);
    }

    private TransferFailed corrupt(String why) {
      String removed;
      try {
        req.destination().files().delete(part);
        RangeLog.remove(req.destination().files(), part);
        removed = part + " removed";
      } catch (IOException e) {
        removed = "could not remove " + part + ": " + e.getMessage();
      } catch (RemoteException e) {
        removed = "could not remove " + part + ": " + e.getMessage();
      }
      return new TransferFailed(
          req.destination().host()
              + ": "
              + req.destPath()
              + " failed verification, not renamed into place: "
              + why
              + "; "
              + removed);
    }

    private long freeSpace(RemoteFiles dst) throws TransferFailed, RemoteException {
      String dir = parent(req.destPath());
      try {
        return dst.freeSpace(dir);
      } catch (IOException e) {
        rethrowLost(e);
        throw new TransferFailed(
            req.destination().host() + ": cannot read free space of " + dir + ": " + e.getMessage(),
            e);
      }
    }

    private TransferOutcome outcome(
        boolean changed,
        String msg,
        long size,
        String sha,
        long sent,
        long offset,
        boolean sourceVerified,
        int streams) {
      return new TransferOutcome(
          changed,
          msg,
          size,
          sha,
          sent,
          offset,
          Duration.ofNanos(System.nanoTime() - started),
          req.method(),
          sourceVerified,
          streams);
    }

    private <T> Future<T> submit(Callable<T> c) {
      return pool.submit(c);
    }
  }

  static Optional<FileStat> stat(RemoteFiles files, Remote host, String path)
      throws TransferFailed, RemoteException {
    try {
      return files.stat(path);
    } catch (IOException e) {
      rethrowLost(e);
      throw new TransferFailed(host.host() + ": cannot stat " + path + ": " + e.getMessage(), e);
    }
  }

  static void rethrowLost(IOException e) throws RemoteException {
    if (e.getCause() instanceof RemoteException re) {
      throw re;
    }
  }

  static <T> T await(Future<T> f) throws RemoteException, InterruptedException, TransferFailed {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RemoteException re) {
        throw re;
      }
      if (c instanceof TransferFailed tf) {
        throw tf;
      }
      throw new TransferFailed(String.valueOf(c), c);
    }
  }

  static String parent(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }
}
