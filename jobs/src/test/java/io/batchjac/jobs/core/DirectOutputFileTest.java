package io.batchjac.jobs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.parquet.io.PositionOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DirectOutputFile}'s stream leaves exactly the bytes written in the file, at lengths
 * around the 4 KiB blocks and the 1 MiB staging buffers, written in pieces of every size and byte
 * by byte; {@code getPos()} counts them exactly; the same with direct I/O switched off; and the
 * errors: a write after close, opening twice, {@code create} of an existing file.
 */
class DirectOutputFileTest {
  private static final int BLOCK = 4096;
  private static final int STAGE = DirectStaging.STAGE;

  @TempDir
  Path dir;

  private static byte[] bytes(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Writes {@code data} through a new stream in pieces of 1 to {@code maxPiece} bytes (1: byte by byte); checks file and positions. */
  private void check(byte[] data, int maxPiece, long seed) throws IOException {
    Path file = dir.resolve("out-" + data.length + "-" + maxPiece + "-" + seed + ".bin");
    DirectOutputFile out = new DirectOutputFile(file);
    Random r = new Random(seed);
    try (PositionOutputStream s = out.create(0)) {
      assertEquals(DirectStaging.enabled() && directHere(), ((DirectOutputFile.Stream) s).direct(), "direct I/O as configured");
      int done = 0;
      while (done < data.length) {
        assertEquals(done, s.getPos(), "position before a write");
        if (maxPiece == 1) {
          s.write(data[done]);
          done++;
        } else {
          int n = Math.min(data.length - done, 1 + r.nextInt(maxPiece));
          byte[] piece = new byte[n + 5]; // an offset into a longer array
          System.arraycopy(data, done, piece, 3, n);
          s.write(piece, 3, n);
          done += n;
        }
        s.flush();
      }
      assertEquals(data.length, s.getPos(), "position at the end");
    }
    assertArrayEquals(data, Files.readAllBytes(file), "bytes of a file of " + data.length);
  }

  /** Whether this test's directory takes direct I/O (not on tmpfs, for one). */
  private boolean directHere() throws IOException {
    Path probe = Files.createTempFile(dir, "probe", ".bin");
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(probe,
        java.nio.file.StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    } finally {
      Files.delete(probe);
    }
  }

  private static final int[] LENGTHS = {
    0, 1, 7, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 17,
    STAGE - BLOCK - 1, STAGE - 1, STAGE, STAGE + 1, STAGE + BLOCK, STAGE + BLOCK + 1,
    2 * STAGE - 1, 2 * STAGE, 2 * STAGE + 1, 3 * STAGE + 5000, 5 * STAGE - 3
  };

  @Test
  void theFileHoldsExactlyTheBytesWrittenAtLengthsAroundBlocksAndStages() throws IOException {
    for (int length : LENGTHS) {
      byte[] data = bytes(length, length);
      check(data, 100_000, length);
      check(data, 3 * STAGE, length + 1); // pieces longer than a staging buffer
    }
  }

  @Test
  void byteByByteWritesGiveTheSameFile() throws IOException {
    for (int length : new int[] {0, BLOCK + 1, STAGE - 1, STAGE, STAGE + 1, 2 * STAGE + 3}) {
      check(bytes(length, 7 * length), 1, 0);
    }
  }

  @Test
  void withoutDirectIoTheBytesAreTheSame() throws IOException {
    System.setProperty("batchjac.directIo", "false");
    try {
      for (int length : LENGTHS) {
        check(bytes(length, 3L * length), 70_000, length);
      }
    } finally {
      System.clearProperty("batchjac.directIo");
    }
  }

  @Test
  void createOrOverwriteReplacesALongerFile() throws IOException {
    Path file = dir.resolve("over.bin");
    Files.write(file, bytes(3 * STAGE, 1));
    byte[] data = bytes(STAGE + 100, 2);
    try (PositionOutputStream s = new DirectOutputFile(file).createOrOverwrite(0)) {
      s.write(data);
    }
    assertArrayEquals(data, Files.readAllBytes(file));
  }

  @Test
  void aWriteAfterCloseIsAnErrorAndCloseTwiceIsNot() throws IOException {
    DirectOutputFile out = new DirectOutputFile(dir.resolve("closed.bin"));
    PositionOutputStream s = out.create(0);
    s.write(bytes(STAGE + 10, 3));
    s.close();
    s.close();
    out.closeStream();
    IOException e = assertThrows(IOException.class, () -> s.write(1));
    assertEquals("write after close", e.getMessage());
    assertThrows(IOException.class, () -> s.write(new byte[10], 0, 10));
    assertEquals(STAGE + 10, Files.size(dir.resolve("closed.bin")));
  }

  @Test
  void createOfAnExistingFileAndASecondStreamAreErrors() throws IOException {
    Path file = dir.resolve("exists.bin");
    Files.write(file, new byte[] {1, 2, 3});
    assertThrows(FileAlreadyExistsException.class, () -> new DirectOutputFile(file).create(0));
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file), "left as it was");
    DirectOutputFile out = new DirectOutputFile(dir.resolve("once.bin"));
    try (PositionOutputStream s = out.create(0)) {
      IOException e = assertThrows(IOException.class, () -> out.createOrOverwrite(0));
      assertEquals("already open: " + dir.resolve("once.bin"), e.getMessage());
      s.write(5);
    }
    assertArrayEquals(new byte[] {5}, Files.readAllBytes(dir.resolve("once.bin")));
  }

  @Test
  void anAbandonedStreamIsClosedByCloseStream() throws IOException {
    Path file = dir.resolve("abandoned.bin");
    DirectOutputFile out = new DirectOutputFile(file);
    PositionOutputStream s = out.create(0);
    byte[] data = bytes(2 * STAGE + 99, 4);
    s.write(data);
    out.closeStream();
    assertArrayEquals(data, Files.readAllBytes(file));
    assertThrows(IOException.class, () -> s.write(1));
  }
}
