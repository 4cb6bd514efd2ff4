package dev.baton.openedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OpenEdge modules' boolean arguments take what Ansible's module arguments take. */
class ArgsBoolTest {
  private static boolean online(Object v) {
    return new Args(Map.of("online", v)).bool("online", false);
  }

  @Test
  void ansibleSpellingsAndNumbers() {
    assertThat(online("y")).isTrue();
    assertThat(online("T")).isTrue();
    assertThat(online(1.0)).isTrue();
    assertThat(online("n")).isFalse();
    assertThat(online("F")).isFalse();
    assertThat(online(0)).isFalse();
    assertThat(new Args(Map.of()).bool("online", true)).isTrue();
  }

  @Test
  void anythingElseNamesTheArgument() {
    assertThatThrownBy(() -> online("maybe"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("online must be true or false, not 'maybe'");
    assertThatThrownBy(() -> online(2)).hasMessage("online must be true or false, not '2'");
  }
}
