package dev.baton.openedge;

import dev.baton.modules.ModuleContext;
import dev.baton.ssh.ExecResult;
import dev.baton.ssh.ShellQuote;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Moves an existing database aside before anything overwrites it: every extent its own {@code
 * prostrct list} names, and every {@code <db>.*} / {@code <db>_N.xN} file beside it (log, recovery,
 * lock-free leftovers). The {@code .st} (PROREST needs it) and {@code .repl.properties} (the
 * restored target needs it) stay in place and are copied. Files keep their absolute path under the
 * preserve directory, and a MANIFEST lists each move, so the old db can be put back by hand. A
 * failed move puts back what was already moved. The moves are planned on the host before the first
 * one ({@link #PLAN}), so a run killed half way is finished by the next ({@link #finish}).
 */
final class PreserveDatabase {
  /** Written before the first move, removed after the MANIFEST: its presence means unfinished. */
  static final String PLAN = "PLAN";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

  /** Where the db went. */
  record Preserved(String dir, String manifest, List<String> moved) {}

  private final ModuleContext ctx;
  private final Utilities oe;

  PreserveDatabase(ModuleContext ctx, Utilities oe) {
    this.ctx = ctx;
    this.oe = oe;
  }

  /** Moves the db's files under {@code preserveRoot}; {@code keep} are paths never moved. */
  Preserved preserve(DbPath db, String preserveRoot, Set<String> keep) throws Exception {
    String dir =
        preserveRoot.replaceAll("/+$", "")
            + "/"
            + db.name()
            + "-"
            + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
    HostFiles hf = OpenEdgeModule.files(ctx);
    hf.mkdirs(dir);
    String actualSt = dir + "/" + db.name() + ".st.listed";
    // The db's real structure, not the .st beside it (which may already describe the new db).
    Utilities.Run listed = oe.run(db, "prostrct", "list", db.name(), actualSt);
    Set<String> files = new LinkedHashSet<>();
    List<String> notes = new ArrayList<>();
    Optional<String> listedText = OpenEdgeModule.readText(ctx, actualSt);
    if (listedText.isPresent() && !listed.hasMessage(6921)) {
      for (StructureFile.Extent e : StructureFile.parse(listedText.get(), actualSt).extents()) {
        String p = e.path().startsWith("/") ? e.path() : db.dir() + "/" + e.path();
        files.add(StructureFile.normalize(p));
      }
    } else {
      notes.add("prostrct list failed, moved the files beside the db only: " + listed.tail(2));
    }
    files.addAll(besideDb(db));
    files.removeAll(keep);
    // Configuration, not data: PROREST needs the .st, and the restored target needs the
    // replication properties (its agent, and the control agent it ships to once it is the
    // source again). Both are copied into the preserve directory and stay in place.
    List<String> config = List.of(db.file(".st"), db.file(".repl.properties"));
    files.removeAll(config);

    StringBuilder plan = new StringBuilder();
    plan.append("# ").append(db).append(" preserved on ").append(ctx.host());
    plan.append(" at ").append(ZonedDateTime.now(ZoneOffset.UTC)).append('\n');
    notes.forEach(n -> plan.append("# ").append(n).append('\n'));
    for (String st : config) {
      if (hf.exists(st)) {
        plan.append("copy ").append(st).append('\n');
      }
    }
    for (String f : files) {
      Optional<Long> s = hf.size(f);
      if (s.isPresent()) {
        plan.append("move ").append(s.get()).append(' ').append(f).append('\n');
      }
    }
    // The plan is on the host before the first file moves: a run killed half way (runner, link
    // or sshd gone) leaves a db no utility can open, and the next run finishes these moves
    // instead of refusing a database it cannot read.
    writeAtomically(dir + "/" + PLAN, plan.toString());
    return carryOut(db, dir, plan.toString(), false);
  }

  /**
   * The preserve directory of this db under {@code preserveRoot} whose moves an earlier run planned
   * and did not finish, if any.
   */
  Optional<String> unfinished(DbPath db, String preserveRoot) throws Exception {
    String line =
        "for d in "
            + q(preserveRoot.replaceAll("/+$", "") + "/" + db.name() + "-")
            + "*/; do test -f \"$d\""
            + q(PLAN)
            + " && printf '%s\\n' \"${d%/}\"; done | sort | tail -n 1";
    String d = ctx.exec(line).stdout().strip();
    return d.isEmpty() ? Optional.empty() : Optional.of(d);
  }

  /** Finishes the moves an interrupted run planned in {@code dir}. */
  Preserved finish(DbPath db, String dir) throws Exception {
    Optional<String> plan = OpenEdgeModule.readText(ctx, dir + "/" + PLAN);
    if (plan.isEmpty()) {
      throw new IllegalArgumentException(ctx.host() + ": " + dir + "/" + PLAN + " is gone");
    }
    return carryOut(db, dir, plan.get(), true);
  }

  /**
   * Copies and moves what {@code plan} lists. A file already at its preserved path and gone from
   * its own was moved by the interrupted run; a file still at its own path is moved again (an
   * {@code mv} across filesystems that was cut copies again from the intact original).
   */
  private Preserved carryOut(DbPath db, String dir, String plan, boolean resumed) throws Exception {
    List<String> moved = new ArrayList<>();
    StringBuilder manifest = new StringBuilder();
    manifest.append("# baton openedge_restore: ").append(db).append(" preserved on ");
    manifest.append(ctx.host()).append(" at ").append(ZonedDateTime.now(ZoneOffset.UTC));
    manifest.append("\n# To bring the old db back, move each file back to its original path: the");
    manifest.append(
        "\n# control area (.db) records absolute extent paths.\n# original -> preserved\n");
    if (resumed) {
      manifest.append("# an earlier run planned these moves and was interrupted; this run ");
      manifest.append("finished them\n");
    }
    for (String line : plan.split("\n")) {
      if (line.startsWith("# ")) {
        if (!line.contains(" preserved on ")) {
          manifest.append(line).append('\n');
        }
      } else if (line.startsWith("copy ")) {
        String st = line.substring(5);
        String copy = dir + st;
        if (!resumed || !OpenEdgeModule.files(ctx).exists(copy)) {
          mustRun("mkdir -p -- " + q(parent(copy)) + " && cp -p -- " + q(st) + " " + q(copy));
        }
        manifest.append(st).append(" -> ").append(copy).append(" (copied; still in place)\n");
      } else if (line.startsWith("move ")) {
        String[] sizeAndPath = line.substring(5).split(" ", 2);
        String f = sizeAndPath[1];
        String to = dir + f;
        ExecResult r =
            ctx.exec(
                (resumed ? "test ! -e " + q(f) + " && test -e " + q(to) + " || { " : "{ ")
                    + "mkdir -p -- "
                    + q(parent(to))
                    + " && mv -f -- "
                    + q(f)
                    + " "
                    + q(to)
                    + "; }");
        if (!r.ok()) {
          // A fresh preserve puts back what it moved; a finishing one has no way back that is
          // safer than stopping here, its plan still on the host.
          String undo = resumed ? "the plan stays in " + dir + "/" + PLAN : rollback(dir, moved);
          throw new IllegalArgumentException(
              ctx.host()
                  + ": preserving "
                  + db
                  + " failed moving "
                  + f
                  + ": "
                  + r.stderr().strip()
                  + "; "
                  + undo);
        }
        moved.add(f);
        manifest.append(f).append(" -> ").append(to).append(' ').append(sizeAndPath[0]);
        manifest.append('\n');
      }
    }
    String manifestPath = dir + "/MANIFEST";
    writeAtomically(manifestPath, manifest.toString());
    OpenEdgeModule.files(ctx).delete(dir + "/" + PLAN);
    return new Preserved(dir, manifestPath, moved);
  }

  private void writeAtomically(String path, String text) throws Exception {
    OpenEdgeModule.writeText(ctx, path + ".tmp", text);
    mustRun("mv -f -- " + q(path + ".tmp") + " " + q(path));
  }

  private String rollback(String dir, List<String> moved) throws Exception {
    List<String> failed = new ArrayList<>();
    for (String f : moved) {
      if (!ctx.exec("mv -- " + q(dir + f) + " " + q(f)).ok()) {
        failed.add(f);
      }
    }
    if (failed.isEmpty()) {
      // Nothing is left to finish: a later run must not take this directory for an interrupted
      // preserve.
      OpenEdgeModule.files(ctx).delete(dir + "/" + PLAN);
      return "the files already moved were put back";
    }
    return "could not put back " + failed + " (they are under " + dir + ")";
  }

  /** {@code <db>.*} and {@code <db>_N.xN} files in the db's directory. */
  private List<String> besideDb(DbPath db) throws Exception {
    ExecResult r =
        ctx.exec(
            "find "
                + q(db.dir())
                + " -maxdepth 1 -type f \\( -name "
                + q(db.name() + ".*")
                + " -o -name "
                + q(db.name() + "_*")
                + " \\)");
    if (!r.ok()) {
      throw new IllegalArgumentException(
          ctx.host() + ": listing the files of " + db + " failed: " + r.stderr().strip());
    }
    Pattern area = Pattern.compile(Pattern.quote(db.name()) + "_\\d+\\.[dbat]\\d+");
    List<String> out = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      String p = line.strip();
      if (p.isEmpty()) {
        continue;
      }
      String base = p.substring(p.lastIndexOf('/') + 1);
      if (base.startsWith(db.name() + ".") || area.matcher(base).matches()) {
        out.add(StructureFile.normalize(p.startsWith("/") ? p : db.dir() + "/" + p));
      }
    }
    return out;
  }

  private void mustRun(String line) throws Exception {
    ExecResult r = ctx.exec(line);
    if (!r.ok()) {
      throw new IllegalArgumentException(
          ctx.host() + ": `" + line + "` exited " + r.exitCode() + ": " + r.stderr().strip());
    }
  }

  private static String parent(String p) {
    int i = p.lastIndexOf('/');
    return i <= 0 ? "/" : p.substring(0, i);
  }

  private static String q(String s) {
    return ShellQuote.quote(s);
  }
}
