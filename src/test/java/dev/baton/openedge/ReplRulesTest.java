package dev.baton.openedge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The replication properties rules, one mistake at a time on a pair that is right as the lab writes
 * it: each mistake fails exactly its rule, with host, file, [section] key, what it holds and what
 * it must hold.
 */
class ReplRulesTest {
  private static final String SOURCE =
      """
      [server]
      control-agents=agent1
      database=sports
      transition=manual
      defer-agent-startup=10

      [control-agent.agent1]
      name=agent1
      database=sports
      host=10.1.0.10
      port=20931
      connect-timeout=120

      [agent]
      name=agent1
      database=sports

      [transition]
      database-role=reverse
      transition-to-agents=agent1
      transition=manual
      """;

  /** The primary's file: the same shape, its control agent pointing back at the secondary. */
  private static final String TARGET =
      SOURCE.replace("host=10.1.0.10", "host=10.2.0.10").replace("port=20931", "port=20932");

  private static final ReplRules.Side PRIMARY =
      new ReplRules.Side("prod-db-a", Set.of("10.1.0.10", "prod-db-a"), "sports", "20931");
  private static final ReplRules.Side SECONDARY =
      new ReplRules.Side("prod-db-b", Set.of("10.2.0.10", "prod-db-b"), "sports", "20932");

  private static List<ReplRules.Check> check(
      UnaryOperator<String> source, UnaryOperator<String> target) {
    return ReplRules.check(
        ReplConfig.parse("prod-db-b", "/db/sports.repl.properties", source.apply(SOURCE)),
        SECONDARY,
        ReplConfig.parse("prod-db-a", "/db/sports.repl.properties", target.apply(TARGET)),
        PRIMARY,
        true,
        (name, addresses) -> addresses.contains(name));
  }

  private static List<String> problems(List<ReplRules.Check> checks) {
    return checks.stream().filter(c -> !c.ok()).map(ReplRules.Check::problem).toList();
  }

  @Test
  void theLabsPairPassesEveryRule() {
    List<ReplRules.Check> checks = check(s -> s, t -> t);
    assertThat(problems(checks)).isEmpty();
    assertThat(checks).hasSize(16);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "host=10.1.0.10|host=10.9.9.9|prod-db-b:/db/sports.repl.properties [control-agent.agent1] host is '10.9.9.9', must reach prod-db-a",
        "port=20931|port=20999|[control-agent.agent1] port is '20999', must be 20931",
        "defer-agent-startup=10|defer-agent-startup=0|[server] defer-agent-startup is '0', must be 5 to 10080 minutes",
        "defer-agent-startup=10|defer-agent-startup=20000|[server] defer-agent-startup is '20000', must be 5 to 10080 minutes",
        "database-role=reverse|database-role=normal|prod-db-b:/db/sports.repl.properties [transition] database-role is 'normal', must be reverse",
        "transition-to-agents=agent1|transition-to-agents=agent9|[transition] transition-to-agents is 'agent9', must name agent1",
        "connect-timeout=120|connect-timeout=60|[control-agent.agent1] connect-timeout is 60, must be 120 to 86400 seconds",
        "control-agents=agent1|control-agents=agent7|[server] control-agents names agent7, but there is no [control-agent.agent7] section",
        "transition=manual\\ndefer|transition=auto\\ndefer|[server] transition is auto, must be manual",
        "database=sports\\ntransition|database=orders\\ntransition|[server] database is orders, must be sports",
      })
  void eachMistakeInTheSourceFailsItsRule(String from, String to, String problem) {
    List<String> problems =
        problems(check(s -> s.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n")), t -> t));
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0)).contains(problem);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[agent]\\nname=agent1|[agent]\\nname=agent2|prod-db-a:/db/sports.repl.properties [agent] name is 'agent2', must be agent1",
        "host=10.2.0.10|host=10.1.0.10|[control-agent.agent1] host is '10.1.0.10', must reach prod-db-b",
        "port=20932|port=20931|[control-agent.agent1] port is '20931', must be 20932",
        "database-role=reverse|database-role=normal|prod-db-a:/db/sports.repl.properties [transition] database-role is 'normal', must be reverse",
      })
  void eachMistakeInThePrimarysFileFailsItsRule(String from, String to, String problem) {
    List<String> problems =
        problems(check(s -> s, t -> t.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"))));
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0)).contains(problem);
  }

  @Test
  void anOfflineSeedNeedsNoDeferredStartup() {
    List<ReplRules.Check> checks =
        ReplRules.check(
            ReplConfig.parse(
                "b", "/db/s.repl.properties", SOURCE.replace("defer-agent-startup=10\n", "")),
            SECONDARY,
            ReplConfig.parse("a", "/db/s.repl.properties", TARGET),
            PRIMARY,
            false,
            (name, addresses) -> addresses.contains(name));
    assertThat(problems(checks)).isEmpty();
  }
}
