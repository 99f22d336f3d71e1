package io.batchjac.jobs.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A local file for parquet-hadoop's {@code ParquetFileWriter} (in place of its
 * {@code LocalOutputFile}) whose stream writes with direct I/O on a background thread: the bytes
 * are staged in aligned 1 MiB buffers, each full one is written with {@code O_DIRECT} while the
 * caller fills the next, and at {@link Stream#close()} the last partial buffer's whole blocks
 * directly and its tail through the page cache ({@link DirectStaging}). Where direct I/O is off or
 * refused, the same buffers are written through the page cache on the caller's thread. Why: see
 * {@link DirectFileWriter}.
 *
 * <p>The stream starts at position 0 and is only appended to, so every staged buffer starts at an
 * aligned position. {@link Stream#getPos()} is exact (the bytes written so far, which
 * parquet-hadoop records as page and footer offsets). {@link Stream#flush()} does nothing: the
 * bytes are in the file when {@link Stream#close()} returns, and the file then holds exactly the
 * bytes written. An error of a background write is thrown by a later write or by
 * {@link Stream#close()}; a write after close is an error. One stream per file, used by one thread.
 */
final class DirectOutputFile implements OutputFile {
  private final Path path;
  private Stream stream;

  DirectOutputFile(Path path) {
    this.path = path;
  }

  /** Creates the file, which must not exist. */
  @Override
  public PositionOutputStream create(long blockSizeHint) throws IOException {
    return open(new DirectStaging(path, StandardOpenOption.CREATE_NEW));
  }

  /** Creates the file or truncates it. */
  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
    return open(new DirectStaging(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING));
  }

  private Stream open(DirectStaging file) throws IOException {
    if (stream != null) {
      file.close();
      throw new IOException("already open: " + path);
    }
    stream = new Stream(file);
    return stream;
  }

  /**
   * Closes the stream if one was opened and is still open: for a caller that abandons the file
   * (ParquetFileWriter does not close its stream after it aborted), so that no write is in flight
   * when the file is deleted.
   */
  void closeStream() throws IOException {
    if (stream != null) {
      stream.close();
    }
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return -1;
  }

  @Override
  public String getPath() {
    return path.toString();
  }

  /** The stream: appends to the staging buffer, which {@link DirectStaging} writes out when full. */
  static final class Stream extends PositionOutputStream {
    private final DirectStaging file;
    private long pos;
    private boolean closed;

    Stream(DirectStaging file) {
      this.file = file;
      file.start(0);
    }

    /** True when whole staging buffers go to the file with direct I/O. */
    boolean direct() {
      return file.direct();
    }

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void write(int b) throws IOException {
      ensureOpen();
      file.stage().put((byte) b);
      pos++;
      file.advance();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      ensureOpen();
      int done = 0;
      while (done < len) {
        ByteBuffer stage = file.stage();
        int k = Math.min(len - done, stage.remaining());
        stage.put(b, off + done, k);
        done += k;
        pos += k;
        file.advance();
      }
    }

    private void ensureOpen() throws IOException {
      if (closed) {
        throw new IOException("write after close");
      }
    }

    /** Nothing: staged bytes reach the file a whole buffer at a time, the rest at {@link #close()}. */
    @Override
    public void flush() {
    }

    /** Writes what is staged, waits for the write in flight and closes the file; again: nothing. */
    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        file.close();
      }
    }
  }
}
