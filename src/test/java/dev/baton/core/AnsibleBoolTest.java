package dev.baton.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pinned to ansible.module_utils.parsing.convert_bool's BOOLEANS_TRUE and BOOLEANS_FALSE. */
class AnsibleBoolTest {
  @Test
  void wordsOfAnsiblesBooleanInAnyCaseAndSpacing() {
    for (String w : List.of("y", "yes", "on", "1", "true", "t")) {
      assertThat(AnsibleBool.parse(w)).as(w).isTrue();
      assertThat(AnsibleBool.parse(" " + w.toUpperCase() + "\n")).as(w).isTrue();
    }
    for (String w : List.of("n", "no", "off", "0", "false", "f")) {
      assertThat(AnsibleBool.parse(w)).as(w).isFalse();
      assertThat(AnsibleBool.parse("\t" + w.toUpperCase())).as(w).isFalse();
    }
  }

  @Test
  void oneAndZeroOfAnyNumericTypeAsPythonComparesThem() {
    for (Number one : List.of(1, 1L, 1.0, 1.0f, (short) 1, new BigDecimal("1.00"))) {
      assertThat(AnsibleBool.parse(one)).as(one.getClass().getSimpleName()).isTrue();
    }
    for (Number zero : List.of(0, 0L, 0.0, -0.0, (byte) 0, new BigDecimal("0.000"))) {
      assertThat(AnsibleBool.parse(zero)).as(zero + " " + zero.getClass()).isFalse();
    }
  }

  @Test
  void anythingElseIsNotABoolean() {
    for (Object o :
        List.<Object>of(
            "", " ", "maybe", "yes please", "1.0", "0.0", "2", "enabled", 2, -1, 0.5, Double.NaN)) {
      assertThat(AnsibleBool.parse(o)).as(String.valueOf(o)).isNull();
    }
    assertThat(AnsibleBool.parse(null)).isNull();
    assertThat(AnsibleBool.parse(List.of(true))).isNull();
  }

  @Test
  void booleansAreThemselves() {
    assertThat(AnsibleBool.parse(Boolean.TRUE)).isTrue();
    assertThat(AnsibleBool.parse(Boolean.FALSE)).isFalse();
  }
}
