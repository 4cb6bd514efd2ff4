package dev.baton.transfer;

import java.time.Duration;

/**
 * A verified file at the destination.
 *
 * @param changed false when the destination already held the verified file (or, for a shared mount,
 *     when nothing had to be copied)
 * @param msg why, in one line
 * @param size bytes of the file
 * @param sha256 its digest, as computed on the destination host
 * @param bytesSent bytes this run moved (less than size after a resume)
 * @param resumedFrom offset the copy continued from (0 when it started afresh)
 * @param sourceSha256Verified true when the copy was compared with a digest computed on the source
 *     host: its own digest of the file during the copy, or the given expected_sha256
 * @param streams how many streams moved the bytes (0 when nothing was copied)
 */
public record TransferOutcome(
    boolean changed,
    String msg,
    long size,
    String sha256,
    long bytesSent,
    long resumedFrom,
    Duration duration,
    TransferMethod method,
    boolean sourceSha256Verified,
    int streams) {}
