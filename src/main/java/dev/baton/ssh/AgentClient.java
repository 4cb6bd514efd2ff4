package dev.baton.ssh;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentKeyConstraint;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * A client of a running ssh-agent over its UNIX socket ({@code SSH_AUTH_SOCK}), speaking the agent
 * protocol (draft-miller-ssh-agent) on a JDK 16+ UNIX domain SocketChannel. MINA's own agent client
 * needs Tomcat's native APR library, which jump hosts do not have.
 *
 * <p>Only what authentication needs is implemented: listing identities and signing. Private keys
 * never leave the agent.
 */
final class AgentClient implements SshAgent {
  private static final byte REQUEST_IDENTITIES = 11;
  private static final byte IDENTITIES_ANSWER = 12;
  private static final byte SIGN_REQUEST = 13;
  private static final byte SIGN_RESPONSE = 14;
  private static final int RSA_SHA2_256 = 2;
  private static final int RSA_SHA2_512 = 4;
  private static final int MAX_MESSAGE = 256 * 1024;

  private final String socketPath;
  private final SocketChannel channel;

  AgentClient(String socketPath) throws IOException {
    this.socketPath = socketPath;
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socketPath));
    } catch (IOException e) {
      ch.close();
      throw new IOException(
          "cannot reach ssh-agent at " + socketPath + " (SSH_AUTH_SOCK): " + e.getMessage(), e);
    }
    this.channel = ch;
  }

  @Override
  public synchronized List<Map.Entry<PublicKey, String>> getIdentities() throws IOException {
    Buffer reply = request(new byte[] {REQUEST_IDENTITIES});
    int type = reply.getUByte();
    if (type != IDENTITIES_ANSWER) {
      throw new SshException("ssh-agent at " + socketPath + " refused to list keys (" + type + ")");
    }
    int count = reply.getInt();
    if (count < 0 || count > 1024) {
      throw new SshException("ssh-agent at " + socketPath + " answered " + count + " keys");
    }
    List<Map.Entry<PublicKey, String>> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] blob = reply.getBytes();
      String comment = reply.getString();
      try {
        keys.add(new SimpleImmutableEntry<>(new ByteArrayBuffer(blob).getRawPublicKey(), comment));
      } catch (SshException | RuntimeException e) {
        // A key type MINA cannot use (a security key, a certificate): offer the others.
      }
    }
    return keys;
  }

  @Override
  public synchronized Map.Entry<String, byte[]> sign(
      SessionContext session, PublicKey key, String algorithm, byte[] data) throws IOException {
    Buffer request = new ByteArrayBuffer();
    request.putByte(SIGN_REQUEST);
    request.putPublicKey(key);
    request.putBytes(data);
    int flags = 0;
    if ("rsa-sha2-256".equals(algorithm)) {
      flags = RSA_SHA2_256;
    } else if ("rsa-sha2-512".equals(algorithm)) {
      flags = RSA_SHA2_512;
    }
    request.putInt(flags);
    Buffer reply = request(request.getCompactData());
    int type = reply.getUByte();
    if (type != SIGN_RESPONSE) {
      throw new SshException(
          "ssh-agent at "
              + socketPath
              + " refused to sign with "
              + KeyUtils.getKeyType(key)
              + " "
              + KeyUtils.getFingerPrint(key));
    }
    Buffer signature = new ByteArrayBuffer(reply.getBytes());
    String signedWith = signature.getString();
    return new SimpleImmutableEntry<>(signedWith, signature.getBytes());
  }

  private Buffer request(byte[] payload) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(4 + payload.length);
    out.putInt(payload.length).put(payload).flip();
    while (out.hasRemaining()) {
      channel.write(out);
    }
    ByteBuffer length = readFully(4);
    int n = length.getInt();
    if (n <= 0 || n > MAX_MESSAGE) {
      throw new SshException("ssh-agent at " + socketPath + " sent a message of " + n + " bytes");
    }
    return new ByteArrayBuffer(readFully(n).array());
  }

  private ByteBuffer readFully(int n) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(n);
    while (in.hasRemaining()) {
      if (channel.read(in) < 0) {
        throw new EOFException("ssh-agent at " + socketPath + " closed the connection");
      }
    }
    return in.flip();
  }

  @Override
  public void addIdentity(KeyPair key, String comment, SshAgentKeyConstraint... constraints)
      throws IOException {
    throw new UnsupportedOperationException("baton only reads keys from ssh-agent");
  }

  @Override
  public void removeIdentity(PublicKey key) throws IOException {
    throw new UnsupportedOperationException("baton only reads keys from ssh-agent");
  }

  @Override
  public void removeAllIdentities() throws IOException {
    throw new UnsupportedOperationException("baton only reads keys from ssh-agent");
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
