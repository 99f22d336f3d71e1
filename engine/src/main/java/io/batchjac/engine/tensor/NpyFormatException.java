package io.batchjac.engine.tensor;

import java.io.IOException;

/**
 * A {@code .npy} input that batchjac cannot read: not a {@code .npy} file, an unsupported format
 * version or dtype, a malformed header or truncated data.
 *
 * <p>The message always begins with the source name, then says what is wrong, e.g.
 * {@code data/x.npy: truncated: header promises 12 values (96 bytes) but only 40 bytes follow}.
 */
public class NpyFormatException extends IOException {
  private final String sourceName;

  /** An exception whose message is {@code sourceName + ": " + problem}. */
  public NpyFormatException(String sourceName, String problem) {
    super(sourceName + ": " + problem);
    this.sourceName = sourceName;
  }

  /** The file or stream name the problem was found in. */
  public String sourceName() {
    return sourceName;
  }
}
