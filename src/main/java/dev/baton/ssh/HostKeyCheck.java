package dev.baton.ssh;

import org.apache.sshd.common.AttributeRepository.AttributeKey;

/**
 * The host key verdict of one connection attempt. The verifier fills it in during the handshake, so
 * that a refused key is reported as what it is rather than as MINA's generic "did not validate".
 */
final class HostKeyCheck {
  static final AttributeKey<HostKeyCheck> KEY = new AttributeKey<>();

  final String inventoryName;
  final String host;
  final int port;
  private volatile RemoteException.Kind refusal;
  private volatile String message;
  private volatile boolean accepted;

  HostKeyCheck(String inventoryName, String host, int port) {
    this.inventoryName = inventoryName;
    this.host = host;
    this.port = port;
  }

  void refuse(RemoteException.Kind kind, String why) {
    refusal = kind;
    message = why;
  }

  void accept() {
    accepted = true;
  }

  boolean refused() {
    return refusal != null;
  }

  boolean accepted() {
    return accepted;
  }

  RemoteException.Kind refusal() {
    return refusal;
  }

  String message() {
    return message;
  }

  /** {@code [host]:port} as known_hosts writes a non-standard port, {@code host} for 22. */
  String knownHostsName() {
    return port == 22 ? host : "[" + host + "]:" + port;
  }
}
