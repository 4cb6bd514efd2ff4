package dev.baton.template;

import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import java.beans.FeatureDescriptor;
import java.util.Iterator;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Attribute and key lookups ({@code result.rc}, {@code item['name']}): a key a map does not have,
 * or any attribute of an undefined value, is {@link Undefined} instead of null, so that {@code
 * result.rcx} fails while {@code result.rcx | default(0)} works, as in Ansible.
 */
final class StrictResolver extends ELResolver {
  private final ELResolver delegate = JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY;

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    if (base instanceof Undefined u) {
      context.setPropertyResolved(true);
      return u.attribute(String.valueOf(property));
    }
    if (base instanceof Map<?, ?> map
        && property != null
        && !map.containsKey(property)
        && !map.containsKey(String.valueOf(property))
        && JinjavaInterpreter.getCurrent() instanceof StrictInterpreter strict) {
      context.setPropertyResolved(true);
      String path = strict.pathOf(base);
      String name = path == null ? String.valueOf(property) : path + "." + property;
      return new Undefined(name, strict);
    }
    Long index = index(property);
    if (base instanceof java.util.List<?> list
        && index != null
        && (index >= list.size() || index < -list.size())
        && JinjavaInterpreter.getCurrent() instanceof StrictInterpreter strict) {
      context.setPropertyResolved(true);
      String path = strict.pathOf(base);
      return new Undefined((path == null ? "list" : path) + "[" + index + "]", strict);
    }
    Object value;
    try {
      value = delegate.getValue(context, base, property);
    } catch (jinjava.javax.el.PropertyNotFoundException e) {
      if (!isPlainData(base)) {
        throw e;
      }
      value = null;
    }
    if (value == null
        && isPlainData(base)
        && JinjavaInterpreter.getCurrent() instanceof StrictInterpreter strict) {
      // A string, number or list has no such attribute: as undefined as a missing key.
      context.setPropertyResolved(true);
      String path = strict.pathOf(base);
      return new Undefined(path == null ? String.valueOf(property) : path + "." + property, strict);
    }
    if (value != null && JinjavaInterpreter.getCurrent() instanceof StrictInterpreter strict) {
      String path = strict.pathOf(base);
      if (path != null) {
        strict.remember(value, path + "." + property);
      }
    }
    return value;
  }

  private static boolean isPlainData(Object base) {
    return base instanceof String
        || base instanceof Number
        || base instanceof Boolean
        || base instanceof java.util.List;
  }

  /** A list index, which Jinjava passes as a number or as its text. */
  private static Long index(Object property) {
    if (property instanceof Number n) {
      return n.longValue();
    }
    if (property instanceof String s && s.matches("-?[0-9]{1,18}")) {
      return Long.valueOf(s);
    }
    return null;
  }

  @Override
  public Object invoke(
      ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
    if (base instanceof Undefined u) {
      throw u.use();
    }
    return delegate.invoke(context, base, method, paramTypes, params);
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return delegate.getType(context, base, property);
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {
    delegate.setValue(context, base, property, value);
  }

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return delegate.isReadOnly(context, base, property);
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return delegate.getFeatureDescriptors(context, base);
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return delegate.getCommonPropertyType(context, base);
  }
}
