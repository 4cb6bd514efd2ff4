package dev.baton.inventory;

import static dev.baton.inventory.Fixtures.load;
import static dev.baton.inventory.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostConnectionTest {
  @TempDir Path dir;

  @Test
  void defaultsLeaveItToSshConfig() throws Exception {
    HostConnection c = load(write(dir, "hosts", "[g]\nh1\n")).connectionOf("h1");
    assertThat(c)
        .isEqualTo(
            new HostConnection(
                "h1",
                "h1",
                null,
                null,
                null,
                null,
                null,
                null,
                HostConnection.Type.SSH,
                false,
                null,
                null,
                List.of()));
  }

  @Test
  void connectionVariablesResolve() throws Exception {
    Path inv =
        write(
            dir,
            "hosts",
            """
            [db]
            prod-db ansible_host=10.0.0.5 ansible_port="2222" ansible_user=oe ansible_ssh_private_key_file=~/.ssh/oe
            [db:vars]
            ansible_become=yes
            ansible_become_user=dbadmin
            ansible_become_pass=s3cret
            ansible_become_method=sudo
            ansible_ssh_common_args='-o ProxyJump=jump'
            """);
    HostConnection c = load(inv).connectionOf("prod-db");
    assertThat(c.address()).isEqualTo("10.0.0.5");
    assertThat(c.port()).isEqualTo(2222);
    assertThat(c.user()).isEqualTo("oe");
    assertThat(c.privateKeyFile()).isEqualTo("~/.ssh/oe");
    assertThat(c.become()).isTrue();
    assertThat(c.becomeUser()).isEqualTo("dbadmin");
    assertThat(c.becomePassword()).isEqualTo("s3cret");
    assertThat(c.sudo().user()).isEqualTo("dbadmin");
    assertThat(c.proxyJump()).isEqualTo("jump");
    assertThat(c.notes()).isEmpty();
    assertThat(c.toString()).doesNotContain("s3cret").contains("becomePassword=********");
  }

  /**
   * The SSH arguments Ansible passes to ssh are honoured where baton can act on them; explicit
   * connection variables win; the rest is named in a note, never dropped silently.
   */
  @Test
  void sshArgumentsAreHonouredOrNamedInANote() throws Exception {
    Path inv =
        write(
            dir,
            "hosts",
            """
            h1 ansible_user=oe ansible_ssh_common_args='-J bastion:2022 -p 2200 -l ignored -o ConnectTimeout=7 -o ControlMaster=auto -o StrictHostKeyChecking=no' ansible_ssh_extra_args='-F cfg'
            """);
    HostConnection c = load(inv).connectionOf("h1");
    assertThat(c.proxyJump()).isEqualTo("bastion:2022");
    assertThat(c.port()).isEqualTo(2200);
    assertThat(c.user()).as("ansible_user wins").isEqualTo("oe");
    assertThat(c.connectTimeout()).isEqualTo(7);
    String from =
        "h1: [ansible_ssh_common_args (" + inv + ":1), ansible_ssh_extra_args (" + inv + ":1)]: ";
    assertThat(c.notes())
        .containsExactly(
            from
                + "-o StrictHostKeyChecking=no is not acted on (host keys: baton_known_hosts_file,"
                + " strict by default)",
            from + "-F cfg is not read: put its settings in ~/.ssh/config");
  }

  @Test
  void localConnectionAndLegacyNames() throws Exception {
    Inventory i =
        load(
            write(
                dir,
                "hosts.yml",
                """
                all:
                  hosts:
                    jump: {ansible_connection: local}
                    old: {ansible_ssh_host: 10.0.0.9, ansible_ssh_port: 22, ansible_ssh_user: root, ansible_become_password: pw}
                """));
    assertThat(i.connectionOf("jump").type()).isEqualTo(HostConnection.Type.LOCAL);
    HostConnection old = i.connectionOf("old");
    assertThat(old.address()).isEqualTo("10.0.0.9");
    assertThat(old.port()).isEqualTo(22);
    assertThat(old.user()).isEqualTo("root");
    assertThat(old.becomePassword()).isEqualTo("pw");
    assertThat(old.become()).isFalse();
  }

  @Test
  void unsupportedSettingsFailWithTheirOrigin() throws Exception {
    Path inv =
        write(
            dir,
            "hosts",
            """
            [g]
            a ansible_become_method=su
            b ansible_connection=winrm
            c ansible_port=ssh
            d ansible_become=maybe
            """);
    Inventory i = load(inv);
    assertThatThrownBy(() -> i.connectionOf("a"))
        .hasMessage(
            inv
                + ":2:3: host a: ansible_become_method 'su' is not supported: baton becomes only with"
                + " sudo");
    assertThatThrownBy(() -> i.connectionOf("b"))
        .hasMessage(
            inv + ":3:3: host b: ansible_connection 'winrm' is not supported (ssh or local)");
    assertThatThrownBy(() -> i.connectionOf("c"))
        .hasMessage(inv + ":4:3: host c: ansible_port must be a port number 1-65535, got 'ssh'");
    assertThatThrownBy(() -> i.connectionOf("d"))
        .hasMessage(
            inv + ":5:3: host d: ansible_become must be a boolean (true/false), got 'maybe'");
  }
}
