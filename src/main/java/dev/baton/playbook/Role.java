package dev.baton.playbook;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One invocation of a role (from a play's {@code roles:}, or a role's {@code meta/main.yml}
 * dependencies). Its tasks are the {@link Block} that carries it; its variable files are read when
 * the play starts (vaulted values work as in vars_files). Where the values land, as in ansible-core
 * 2.14: the defaults of every role of the play under the inventory; the vars ({@code vars/main.yml}
 * over the invocation's {@code vars:}) of every role over the play's vars_files, visible to the
 * whole play; the params over registered values, for the role's own tasks only.
 *
 * @param name as written in the play
 * @param dir the role's directory
 * @param params the invocation's keys that are not keywords ({@code - role: web, port: 80})
 * @param vars the invocation's {@code vars:}
 * @param defaultsFile {@code defaults/main.yml}, if the role has one
 * @param varsFile {@code vars/main.yml}, if the role has one
 * @param dependencies {@code meta/main.yml}'s dependencies, run before the role's tasks
 */
public record Role(
    String name,
    Path dir,
    Map<String, Object> params,
    Map<String, Object> vars,
    Optional<Path> defaultsFile,
    Optional<Path> varsFile,
    List<Role> dependencies) {
  public Role {
    params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    vars = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(vars));
    dependencies = List.copyOf(dependencies);
  }

  /** Every dependency, recursively, in the order their values combine (a dependency's first). */
  public List<Role> allDependencies() {
    List<Role> out = new ArrayList<>();
    for (Role d : dependencies) {
      out.addAll(d.allDependencies());
      out.add(d);
    }
    return out;
  }
}
