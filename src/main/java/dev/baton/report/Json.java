package dev.baton.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** One configured Jackson mapper for everything baton writes as JSON. */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Json() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      // Values come from YAML and modules: maps, lists, strings, numbers. Anything else is shown
      // by its string form rather than losing the whole line.
      return "\"" + String.valueOf(value).replace("\"", "'") + "\"";
    }
  }
}
