package dev.baton.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Envelopes written by ansible-vault 2.14 ({@code src/test/resources/vault/}: {@code
 * encrypt_string} in formats 1.1 and 1.2 with a vault id, and an encrypted file), read back with
 * the passwords they were made with.
 */
class VaultTest {
  private static final Path DIR = Path.of("src/test/resources/vault");

  private static Vault.Secret secret(String id, String file) throws IOException {
    return new Vault.Secret(
        id, Files.readString(DIR.resolve(file)).strip().getBytes(StandardCharsets.UTF_8));
  }

  /** The {@code !vault |} block of an encrypt_string output, unindented. */
  private static String inline(String file) throws IOException {
    String text = Files.readString(DIR.resolve(file));
    return text.substring(text.indexOf("$ANSIBLE_VAULT")).replaceAll("(?m)^\\s+", "");
  }

  @Test
  void format11ValueAndAWholeFileOpenWithTheirPassword() throws Exception {
    Vault.Secret pw = secret("default", "password.txt");
    assertThat(Vault.decrypt(inline("inline11.yml"), List.of(pw))).isEqualTo("S3cr3t!value");
    String file = Files.readString(DIR.resolve("vars.yml"));
    assertThat(Vault.isVaulted(file)).isTrue();
    assertThat(Vault.decrypt(file, List.of(pw)))
        .isEqualTo("api_token: tok-123\nport: 8080\nsite: lima-site\n");
    assertThat(Vault.revealed()).contains("S3cr3t!value");
  }

  @Test
  void format12TriesTheSecretOfItsVaultIdFirstThenTheOthers() throws Exception {
    Vault.Secret prod = secret("prod", "prod-password.txt");
    Vault.Secret other = secret("default", "password.txt");
    assertThat(Vault.decrypt(inline("inline12.yml"), List.of(other, prod))).isEqualTo("prod-only");
    // Ansible also tries a secret under another id: the password is what decides.
    Vault.Secret unlabeled = new Vault.Secret("default", prod.password());
    assertThat(Vault.decrypt(inline("inline12.yml"), List.of(unlabeled))).isEqualTo("prod-only");
  }

  @Test
  void aWrongOrMissingSecretIsRefusedWithoutTheCiphertextOrAGuess() throws Exception {
    String value = inline("inline12.yml");
    Vault.Secret wrong = secret("default", "password.txt");
    assertThatThrownBy(() -> Vault.decrypt(value, List.of(wrong)))
        .isInstanceOf(Vault.VaultException.class)
        .hasMessage("no vault secret given decrypts it (vault id 'prod'); tried 1 secret");
    assertThatThrownBy(() -> Vault.decrypt(value, List.of()))
        .hasMessageStartingWith("vaulted value found but no vault secret given");
    // The last byte of the ciphertext's hex, one digit up: still hex, no longer what the HMAC
    // covers.
    String tampered = value.substring(0, value.length() - 2) + (value.endsWith("36") ? "37" : "36");
    assertThatThrownBy(() -> Vault.decrypt(tampered, List.of(secret("prod", "prod-password.txt"))))
        .hasMessageContaining("no vault secret given decrypts it");
  }
}
