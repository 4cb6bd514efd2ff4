package dev.baton.openedge;

import dev.baton.modules.ModuleContext;
import dev.baton.ssh.RemoteException;
import dev.baton.ssh.ShellQuote;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * What the restore of an earlier run left when its runner died while PROREST ran. PROREST does not
 * die with baton's session: it finishes alone (OpenSSH sends no hangup to a command without a
 * terminal). Before starting it, the restore writes {@code <db>.baton-restore-intent}: the backup,
 * its sha256 and where the old primary database was moved. A resumed restore that finds the intent
 * reads the outcome: PROREST completed ({@code (1369)} is the last restore message of {@code
 * <db>.lg} [doc]) from the same backup, so its database is adopted, not preserved as "the old
 * primary" and restored again; or it did not, and what it left is moved aside too, while the old
 * primary is still reported where the first run put it.
 */
final class EarlierRestore {
  static final String INTENT_SUFFIX = ".baton-restore-intent";

  /** The restore a run was about to start. {@code preservedTo} is empty when no old db existed. */
  record Intent(String backup, String sha256, String preservedTo) {}

  private EarlierRestore() {}

  static Optional<Intent> read(ModuleContext ctx, DbPath db) throws RemoteException, IOException {
    Optional<String> text = OpenEdgeModule.readText(ctx, db.file(INTENT_SUFFIX));
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> kv = OpenEdgeModule.keyValues(text.get());
    return Optional.of(
        new Intent(
            kv.getOrDefault("backup", ""),
            kv.getOrDefault("sha256", ""),
            kv.getOrDefault("preserved_to", "")));
  }

  static void write(ModuleContext ctx, DbPath db, Intent intent)
      throws RemoteException, IOException {
    OpenEdgeModule.writeText(
        ctx,
        db.file(INTENT_SUFFIX),
        "backup="
            + intent.backup()
            + "\nsha256="
            + intent.sha256()
            + "\npreserved_to="
            + intent.preservedTo()
            + "\n");
  }

  static void delete(ModuleContext ctx, DbPath db) throws RemoteException, IOException {
    OpenEdgeModule.files(ctx).delete(db.file(INTENT_SUFFIX));
  }

  /** Whether the last restore message in {@code <db>.lg} is "Full restore completed" (1369). */
  static boolean completed(ModuleContext ctx, DbPath db) throws RemoteException {
    String lg = ShellQuote.quote(db.file(".lg"));
    return ctx.exec(
            "grep -E '\\((1368|1369)\\)' " + lg + " 2>/dev/null | tail -n 1 | grep -q '(1369)'")
        .ok();
  }
}
