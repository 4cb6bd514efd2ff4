package dev.baton.ssh;

/**
 * Privilege escalation through sudo. The password is a secret: {@link #toString()} never shows it,
 * and it reaches sudo only on standard input ({@code sudo -S}), never on a command line.
 */
public record Become(String user, String password) {
  public Become {
    user = user == null || user.isBlank() ? "root" : user;
  }

  @Override
  public String toString() {
    return "Become[user=" + user + ", password=" + (password == null ? "none" : "********") + "]";
  }
}
