package dev.baton.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The journal's own JSON writer writes what Jackson writes, for every value a result can hold. */
class JsonTest {
  /** What Json.write was before it had its own writer: Jackson, or the value's string form. */
  private static String jackson(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return "\"" + String.valueOf(value).replace("\"", "'") + "\"";
    }
  }

  private static void sameAsJackson(Object value) {
    assertThat(Json.write(value)).isEqualTo(jackson(value));
  }

  @Test
  void everyCharacterIsEscapedAsJacksonDoes() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x300; c++) {
      all.append(c);
      sameAsJackson(String.valueOf(c));
    }
    all.append("\u2028\u2029\ud83d\ude00\ud800 lone surrogate, \uffff, \u00e9t\u00e9");
    sameAsJackson(all.toString());
    sameAsJackson("");
    sameAsJackson("quote \" backslash \\ slash / tab \t newline \n");
  }

  @Test
  void numbersBooleansAndNull() {
    for (Object v :
        Arrays.asList(
            0,
            -1,
            Integer.MAX_VALUE,
            Long.MIN_VALUE,
            (short) 7,
            (byte) -3,
            new BigInteger("123456789012345678901234567890"),
            0.0,
            -0.0,
            7.244,
            1e21,
            1.0e-7,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            1.5f,
            new BigDecimal("1.50"),
            new BigDecimal("1E+3"),
            true,
            false,
            null)) {
      sameAsJackson(v);
    }
  }

  @Test
  void nestedResultData() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("cmd", List.of("/bin/echo", "a \"b\"", "\u0001"));
    data.put("rc", 0);
    data.put("stdout_lines", new ArrayList<>(List.of("x", "")));
    data.put("nested", Map.of("k", Map.of("deeper", List.of(Map.of()))));
    data.put("set", new LinkedHashSet<>(List.of(3, 1, 2)));
    data.put("null", null);
    data.put("empty", Map.of());
    data.put("sorted", new TreeMap<>(Map.of("b", 1, "a", 2)));
    sameAsJackson(data);
  }

  @Test
  void otherValuesGoToJackson() {
    Map<Object, Object> intKeys = new LinkedHashMap<>();
    intKeys.put(1, "one");
    intKeys.put(2, List.of(Instant.EPOCH));
    sameAsJackson(intKeys);
    sameAsJackson(Map.of("path", Path.of("/var/tmp/x")));
    sameAsJackson(Map.of("chars", 'c', "array", new int[] {1, 2}, "when", Instant.EPOCH));
    sameAsJackson(new StringBuilder("built"));
    // Jackson cannot write an Instant without a module: the whole value falls back, as before.
    assertThat(Json.write(intKeys)).startsWith("\"{1=one");
  }

  @Test
  void aStructureThatContainsItselfIsNamedNotFollowed() {
    List<Object> loop = new ArrayList<>();
    loop.add("x");
    loop.add(Map.of("again", loop));
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("task", "t1");
    event.put("data", loop);
    String json = Json.write(event);
    assertThat(json)
        .startsWith("{\"task\":\"t1\",\"data\":[\"x\",{\"again\":[\"x\",")
        .endsWith("}]}]}");
    assertThat(json).containsOnlyOnce("\"(nested deeper than 500 levels)\"");
  }
}
