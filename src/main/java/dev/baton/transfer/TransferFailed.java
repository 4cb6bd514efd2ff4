package dev.baton.transfer;

/** A transfer that did not reach a verified file at the destination; the message says why. */
public final class TransferFailed extends Exception {
  private static final long serialVersionUID = 1L;

  public TransferFailed(String message) {
    super(message);
  }

  public TransferFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
