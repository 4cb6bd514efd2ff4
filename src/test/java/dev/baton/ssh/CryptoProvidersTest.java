package dev.baton.ssh;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.Test;

/**
 * Bouncy Castle ships unsigned (pom.xml), so it may provide only what no JDK authenticates. Checked
 * in a JVM of its own: MINA SSHD registers its providers once per JVM, and the test JVM's other
 * tests may have done so already.
 */
class CryptoProvidersTest {

  /** Run in the child JVM: prints "service provider" lines as MINA SSHD resolves them. */
  public static void main(String[] args) throws Exception {
    Class.forName(SshConnector.class.getName()); // its class initialisation configures
    System.out.println("KeyAgreement " + SecurityUtils.getKeyAgreement("X25519").getProvider());
    System.out.println("Cipher " + SecurityUtils.getCipher("AES/GCM/NoPadding").getProvider());
    System.out.println("Mac " + SecurityUtils.getMac("HmacSHA256").getProvider());
    // ed25519, what Bouncy Castle is there for, still works end to end: sign and verify.
    KeyPairGenerator g = SecurityUtils.getKeyPairGenerator(SecurityUtils.EDDSA);
    g.initialize(255);
    KeyPair pair = g.generateKeyPair();
    org.apache.sshd.common.signature.Signature signer = SecurityUtils.getEDDSASigner();
    signer.initSigner(null, pair.getPrivate());
    signer.update(null, "baton".getBytes(UTF_8));
    byte[] sig = signer.sign(null);
    org.apache.sshd.common.signature.Signature verifier = SecurityUtils.getEDDSASigner();
    verifier.initVerifier(null, pair.getPublic());
    verifier.update(null, "baton".getBytes(UTF_8));
    System.out.println("Ed25519 " + g.getProvider() + " verified=" + verifier.verify(null, sig));
  }

  @Test
  void bouncyCastleProvidesNoCipherMacOrKeyAgreement() throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CryptoProvidersTest.class.getName())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("Cipher SunJCE")
        .contains("Mac SunJCE")
        .containsPattern("KeyAgreement Sun")
        .contains("verified=true")
        .containsPattern("Ed25519 BC");
  }
}
