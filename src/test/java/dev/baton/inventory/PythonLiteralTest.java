package dev.baton.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PythonLiteralTest {
  private static Object v(String s) {
    return PythonLiteral.valueOf(s);
  }

  @Test
  void numbers() {
    assertThat(v("5")).isEqualTo(5);
    assertThat(v("-5")).isEqualTo(-5);
    assertThat(v("1_000")).isEqualTo(1000);
    assertThat(v("0x1f")).isEqualTo(31);
    assertThat(v("0o17")).isEqualTo(15);
    assertThat(v("0b101")).isEqualTo(5);
    assertThat(v("1.5")).isEqualTo(1.5);
    assertThat(v(".5")).isEqualTo(0.5);
    assertThat(v("1e3")).isEqualTo(1000.0);
    assertThat(v("00")).isEqualTo(0);
    assertThat(v("4294967296")).isEqualTo(4294967296L);
    assertThat(v("99999999999999999999")).isEqualTo(new BigInteger("99999999999999999999"));
  }

  @Test
  void leadingZeroDecimalStaysText() {
    assertThat(v("010")).isEqualTo("010");
    assertThat(v("0022")).isEqualTo("0022");
  }

  @Test
  void pythonConstantsOnlyInPythonSpelling() {
    assertThat(v("True")).isEqualTo(true);
    assertThat(v("False")).isEqualTo(false);
    assertThat(v("None")).isNull();
    assertThat(v("true")).isEqualTo("true");
    assertThat(v("yes")).isEqualTo("yes");
  }

  @Test
  void quotedStringsLoseTheirQuotes() {
    assertThat(v("'a b'")).isEqualTo("a b");
    assertThat(v("\"x\\ty\"")).isEqualTo("x\ty");
    assertThat(v("'a' 'b'")).isEqualTo("ab");
    assertThat(v("r'\\d+'")).isEqualTo("\\d+");
    assertThat(v("'x y'  # comment")).isEqualTo("x y");
  }

  @Test
  void containers() {
    assertThat(v("[1, 'two', None]")).isEqualTo(java.util.Arrays.asList(1, "two", null));
    assertThat(v("{'a': 1, 'b': [True]}")).isEqualTo(Map.of("a", 1, "b", List.of(true)));
    assertThat(v("(1, 2)")).isEqualTo(List.of(1, 2));
    assertThat(v("1, 2")).isEqualTo(List.of(1, 2));
    assertThat(v("[]")).isEqualTo(List.of());
  }

  @Test
  void anythingElseIsTheTextItself() {
    for (String s :
        List.of(
            "hello world",
            "foo # bar",
            "/usr/dlc",
            "1.2.3.4",
            "{a:1}",
            "1+2",
            "--5",
            "f'x'",
            "",
            "[1,")) {
      assertThat(v(s)).as(s).isEqualTo(s);
    }
  }
}
