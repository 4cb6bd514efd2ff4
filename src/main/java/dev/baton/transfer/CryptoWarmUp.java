package dev.baton.transfer;

import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Has the JIT compile AES-GCM before a relay's first byte. Until C2 has compiled the JDK's GCM code
 * with its CPU intrinsics it runs at a few MiB/s, and a relay spends its first ~1.5 s there
 * (docs/performance.md). A few thousand small packets through the same Cipher calls the SSH
 * transport makes (init with a new IV, AAD, doFinal in place) compile it while the source host is
 * being connected to; the JVM keeps the compiled code for the real traffic.
 */
final class CryptoWarmUp {
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  private static final int PACKETS = 3000;
  private static final int SIZE = 2048;

  private CryptoWarmUp() {}

  /** Starts the warm-up on a daemon thread, once per JVM. */
  static void start() {
    if (STARTED.compareAndSet(false, true)) {
      Thread t = new Thread(CryptoWarmUp::run, "relay-crypto-warm-up");
      t.setDaemon(true);
      t.start();
    }
  }

  private static void run() {
    try {
      SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
      Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
      Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
      byte[] iv = new byte[12];
      byte[] aad = new byte[4];
      byte[] packet = new byte[SIZE + 16];
      for (int i = 0; i < PACKETS; i++) {
        iv[8] = (byte) (i >>> 24);
        iv[9] = (byte) (i >>> 16);
        iv[10] = (byte) (i >>> 8);
        iv[11] = (byte) i;
        GCMParameterSpec spec = new GCMParameterSpec(128, iv);
        enc.init(Cipher.ENCRYPT_MODE, key, spec);
        enc.updateAAD(aad, 0, aad.length);
        int n = enc.doFinal(packet, 0, SIZE, packet, 0);
        dec.init(Cipher.DECRYPT_MODE, key, spec);
        dec.updateAAD(aad, 0, aad.length);
        dec.doFinal(packet, 0, n, packet, 0);
      }
    } catch (GeneralSecurityException e) {
      // only a warm-up: the relay runs the same code, slower at first
    }
  }
}
