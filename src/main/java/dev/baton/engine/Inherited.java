package dev.baton.engine;

import dev.baton.core.Mark;
import dev.baton.playbook.Play;
import dev.baton.playbook.Role;
import dev.baton.playbook.TaskOptions;
import dev.baton.template.PythonText;
import dev.baton.template.TemplateException;
import dev.baton.template.Templater;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keywords a task inherits from its play and enclosing blocks. Conditions and tags add up; the
 * innermost value wins for everything else.
 */
record Inherited(
    List<String> when,
    Set<String> tags,
    Boolean become,
    String becomeUser,
    Boolean ignoreErrors,
    Boolean noLog,
    Boolean runOnce,
    String delegateTo,
    Integer timeoutSeconds,
    Map<String, Object> vars,
    Map<String, Object> environment,
    Path dir,
    List<Role> roles) {

  /** A play's keywords; the command line's -b / --become-user where the play says nothing. */
  static Inherited of(Play play, RunOptions options) {
    return new Inherited(
        List.of(),
        play.tags(),
        play.become() != null ? play.become() : options.become(),
        play.becomeUser() != null ? play.becomeUser() : options.becomeUser(),
        null,
        null,
        null,
        null,
        null,
        Map.of(),
        play.environment(),
        play.dir(),
        List.of());
  }

  Inherited with(TaskOptions o) {
    List<String> w = new ArrayList<>(when);
    w.addAll(o.when());
    Set<String> t = new LinkedHashSet<>(tags);
    t.addAll(o.tags());
    Map<String, Object> v = new LinkedHashMap<>(vars);
    v.putAll(o.vars());
    Map<String, Object> env = new LinkedHashMap<>(environment);
    env.putAll(o.environment());
    return new Inherited(
        w,
        t,
        pick(o.become(), become),
        pick(o.becomeUser(), becomeUser),
        pick(o.ignoreErrors(), ignoreErrors),
        pick(o.noLog(), noLog),
        pick(o.runOnce(), runOnce),
        pick(o.delegateTo(), delegateTo),
        pick(o.timeoutSeconds(), timeoutSeconds),
        v,
        env,
        dir,
        roles);
  }

  /**
   * With {@code become_user} and the {@code environment} values templated for one host, as Ansible
   * templates them; environment values as Python's {@code str()} writes them.
   */
  Inherited rendered(Templater templater, Map<String, Object> hostVars, Mark mark)
      throws TemplateException {
    String user =
        becomeUser == null ? null : String.valueOf(templater.render(becomeUser, hostVars, mark));
    Map<String, Object> env = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : environment.entrySet()) {
      Object v = templater.render(e.getValue(), hostVars, mark);
      env.put(e.getKey(), v == null ? "" : PythonText.str(v));
    }
    return new Inherited(
        when,
        tags,
        become,
        user,
        ignoreErrors,
        noLog,
        runOnce,
        delegateTo,
        timeoutSeconds,
        vars,
        env,
        dir,
        roles);
  }

  private static <T> T pick(T inner, T outer) {
    return inner != null ? inner : outer;
  }

  /** Inside {@code role}'s block: its tasks see its variables and find their files in it. */
  Inherited inRole(Role role) {
    List<Role> chain = new ArrayList<>(roles);
    chain.add(role);
    return new Inherited(
        when,
        tags,
        become,
        becomeUser,
        ignoreErrors,
        noLog,
        runOnce,
        delegateTo,
        timeoutSeconds,
        vars,
        environment,
        dir,
        List.copyOf(chain));
  }

  /** The role whose task this is, if any: the innermost of the chain. */
  java.util.Optional<Role> role() {
    return roles.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(roles.get(roles.size() - 1));
  }
}
