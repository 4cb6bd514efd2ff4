package dev.baton.ssh;

import java.util.List;
import org.apache.sshd.common.util.security.SecurityProviderChoice;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Which security provider does what. MINA SSHD registers Bouncy Castle when it is on the class
 * path, and then prefers it for everything. baton needs it only for ed25519 keys (the JDK 17
 * provider has EdDSA, but MINA SSHD 2.x cannot use it), and ships its jars without their signature
 * so that they load fast and go into the class-data archive (see pom.xml). JDKs that authenticate
 * JCE providers (Oracle's) refuse an unsigned provider's ciphers, MACs and key agreements, so those
 * always come from the JDK, which has them hardware accelerated anyway; Bouncy Castle keeps key
 * factories, key pair generators, signatures and digests, which no JDK authenticates.
 */
public final class CryptoProviders {
  private static final String BC = "org.apache.sshd.security.provider.BC.";

  /** The javax.crypto services Bouncy Castle must not provide. */
  static final List<String> JDK_ONLY =
      List.of("Cipher", "Mac", "KeyAgreement", "KeyGenerator", "SecretKeyFactory");

  private static boolean configured;

  private CryptoProviders() {}

  /**
   * Registers the providers as above; must run before MINA SSHD's first use of a key or cipher
   * (registration is once per JVM), so every class of baton that first reaches MINA SSHD (the
   * connector, the lab host and its keys) calls it in its class initialisation. A property already
   * set (-D on the command line) wins.
   */
  public static synchronized void configure() {
    if (configured) {
      return;
    }
    for (String service : JDK_ONLY) {
      if (System.getProperty(BC + service) == null) {
        System.setProperty(BC + service, "none");
      }
    }
    // Registers (Bouncy Castle becomes the default provider for whatever no registrar claims)...
    SecurityUtils.isBouncyCastleRegistered();
    // ...and makes the JDK's provider list the default again, for the services above.
    SecurityUtils.setDefaultProviderChoice(SecurityProviderChoice.EMPTY);
    configured = true;
  }

  /**
   * Configures on a daemon thread while the caller reads its inputs: registering Bouncy Castle is
   * ~0.2 s of class loading that the first connection would otherwise wait for.
   */
  public static void prepareInBackground() {
    Thread t = new Thread(CryptoProviders::configure, "baton-crypto-providers");
    t.setDaemon(true);
    t.start();
  }
}
