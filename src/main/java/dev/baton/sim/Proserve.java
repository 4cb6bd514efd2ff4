package dev.baton.sim;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code proserve db -S port [-DBService replserv|replagent]}: starts a detached broker JVM and
 * returns once it listens. The broker outlives this process and the session that started it.
 */
final class Proserve {
  static final int MSG_BROKER_FAILED = 1432;
  static final int MSG_BAD_SERVICE = 10847;
  static final long READY_TIMEOUT_MS = 60_000;
  private final Console c;

  Proserve(Console c) {
    this.c = c;
  }

  int run(String[] args) throws IOException, InterruptedException {
    String name = null;
    Integer port = null;
    String service = "";
    java.util.Map<String, Long> params = new java.util.LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-S") && i + 1 < args.length) {
        try {
          port = Integer.parseInt(args[++i]);
        } catch (NumberFormatException e) {
          throw c.usage("proserve", "-S needs a numeric port in the simulator: " + args[i]);
        }
      } else if (a.equals("-DBService") && i + 1 < args.length) {
        service = args[++i];
      } else if (a.equals("-db") && i + 1 < args.length) {
        name = args[++i];
      } else if (a.equals("-aistall")) {
        params.put(a, 1L);
      } else if (StartupParams.modelled(a) && i + 1 < args.length) {
        try {
          params.put(a, Long.parseLong(args[++i]));
        } catch (NumberFormatException e) {
          throw c.usage("proserve", a + " needs a number: " + args[i]);
        }
      } else if (a.startsWith("-")) {
        // Other startup parameters are accepted and have no effect [sim].
        if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
          i++;
        }
      } else if (name == null) {
        name = a;
      } else {
        throw c.usage("proserve", "unexpected argument " + a);
      }
    }
    if (name == null || port == null) {
      throw c.usage("proserve", "usage: proserve <db> -S <port> [-DBService replserv|replagent]");
    }
    DbPath db = Db.existing(c, name);
    if (!service.isEmpty() && !service.equals("replserv") && !service.equals("replagent")) {
      throw c.fail(
          "** Unknown database service " + service + " (-DBService is case-sensitive).",
          MSG_BAD_SERVICE,
          1);
    }
    Control ct = Control.load(db);
    if (service.equals("replserv") && ct.role() != Control.Role.SOURCE) {
      throw c.fail(
          "** Database "
              + db.display()
              + " is not enabled as an OpenEdge Replication source; cannot start replserv.",
          MSG_BAD_SERVICE,
          1);
    }
    if (service.equals("replagent") && ct.role() != Control.Role.TARGET) {
      throw c.fail(
          "** Database "
              + db.display()
              + " is not enabled as an OpenEdge Replication target; cannot start replagent.",
          MSG_BAD_SERVICE,
          1);
    }
    LockFile starting =
        LockFile.mine(LockFile.Mode.MULTI_USER, LockFile.State.STARTING, port, service);
    if (!LockFile.tryCreate(db, starting)) {
      Db.refuseIfInUse(c, db, 1);
    }
    Process broker;
    try {
      broker = spawn(db, port, service, StartupParams.of(params));
    } catch (IOException e) {
      LockFile.remove(db);
      throw c.fail("** Unable to start the broker: " + e.getMessage(), MSG_BROKER_FAILED, 1);
    }
    String hhmmss = LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"));
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
    while (true) {
      Optional<LockFile> lk = LockFile.read(db);
      if (lk.isPresent() && lk.get().state() == LockFile.State.RUNNING) {
        c.msg(hhmmss + " BROKER  0: Multi-user session begin.", 333);
        c.msg(
            hhmmss
                + " BROKER  0: Started for "
                + port
                + " using TCP IPV4 address 0.0.0.0, pid "
                + lk.get().pid()
                + ".",
            5644);
        return 0;
      }
      if (!broker.isAlive() || System.currentTimeMillis() > deadline) {
        broker.destroyForcibly();
        broker.waitFor();
        LockFile.remove(db);
        throw c.fail(
            "** The broker for "
                + db.display()
                + " did not start: "
                + lastLogLine(db)
                + " (see "
                + db.log()
                + ")",
            MSG_BROKER_FAILED,
            1);
      }
      Thread.sleep(20);
    }
  }

  private Process spawn(DbPath db, int port, String service, StartupParams params)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    Path setsid = Path.of("/usr/bin/setsid");
    if (Files.isExecutable(setsid)) {
      // A new session: the broker survives the SSH session or terminal that ran proserve.
      cmd.add(setsid.toString());
    }
    cmd.add(java);
    cmd.addAll(List.of(SimInstaller.JVM_FLAGS.split(" ")));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SimMain.class.getName());
    cmd.add("_broker");
    cmd.add(db.display());
    cmd.add(Integer.toString(port));
    cmd.add(service);
    cmd.add(params.encode());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.directory(db.dir().toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(db.log().toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(db.log().toFile()));
    return pb.start();
  }

  private static String lastLogLine(DbPath db) {
    try {
      List<String> lines = Files.readAllLines(db.log());
      return lines.isEmpty() ? "no log" : lines.get(lines.size() - 1).strip();
    } catch (IOException e) {
      return "no log";
    }
  }
}
