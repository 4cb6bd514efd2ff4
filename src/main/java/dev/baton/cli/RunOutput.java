package dev.baton.cli;

import picocli.CommandLine.Option;

/** Output options shared by play and resume. */
final class RunOutput {
  @Option(
      names = "--journal",
      paramLabel = "FILE",
      description =
          "Write the JSON-lines journal here (default: $BATON_HOME/runs/<id>/journal.jsonl).")
  String journal;

  @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report.")
  String junit;

  @Option(
      names = "-v",
      description =
          "More output: -v shows every result's data (and progress lines off a terminal).")
  boolean[] verbose = new boolean[0];

  @Option(
      names = "--accept-new-host-keys",
      description =
          "Accept and record keys of hosts not yet in known_hosts (a changed key is always refused).")
  boolean acceptNewHostKeys;

  @Option(
      names = "--known-hosts",
      paramLabel = "FILE",
      description = "known_hosts file to verify host keys against (default: ~/.ssh/known_hosts).")
  String knownHosts;

  @Option(
      names = "--color",
      paramLabel = "WHEN",
      description = "auto (default: colour and live status on a terminal), always, never.")
  String color = "auto";

  int verbosity() {
    return verbose.length;
  }
}
