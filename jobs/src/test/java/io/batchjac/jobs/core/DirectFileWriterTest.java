package io.batchjac.jobs.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DirectFileWriter} writes exactly the bytes a plain little-endian write would, wherever
 * its ranges start and end relative to the device's blocks: heads and tails shorter than a block,
 * writes smaller than the head, ranges longer than its 1 MiB staging buffer, a write that does not
 * continue the last one, several writers on disjoint ranges of one file at once, and with direct
 * I/O switched off.
 */
class DirectFileWriterTest {
  @TempDir
  Path dir;

  /** One write: {@code count} values at value index {@code at} of the file, in pieces of {@code piece}. */
  private record Range(long at, int count, int piece) {}

  private static double value(long index) {
    return index * 0.5 - 7.25;
  }

  private void check(List<List<Range>> writers, long fileValues, boolean threads) throws Exception {
    Path file = Files.createTempFile(dir, "out", ".bin");
    Files.write(file, new byte[(int) (fileValues * 8)]);
    List<java.util.concurrent.Callable<Boolean>> jobs = new ArrayList<>();
    for (List<Range> ranges : writers) {
      jobs.add(() -> {
        try (DirectFileWriter w = new DirectFileWriter(file)) {
          for (Range r : ranges) {
            for (int done = 0; done < r.count(); done += r.piece()) {
              int n = Math.min(r.piece(), r.count() - done);
              double[] data = new double[n + 3]; // longer than what is written
              for (int i = 0; i < n; i++) {
                data[i] = value(r.at() + done + i);
              }
              w.write(data, n, (r.at() + done) * 8);
            }
          }
          return w.direct();
        }
      });
    }
    if (threads) {
      ExecutorService pool = Executors.newFixedThreadPool(writers.size());
      try {
        for (Future<Boolean> f : pool.invokeAll(jobs)) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
    } else {
      for (java.util.concurrent.Callable<Boolean> j : jobs) {
        System.out.println("direct I/O in " + dir + ": " + j.call());
      }
    }
    double[] expected = new double[(int) fileValues];
    for (List<Range> ranges : writers) {
      for (Range r : ranges) {
        for (int i = 0; i < r.count(); i++) {
          expected[(int) (r.at() + i)] = value(r.at() + i);
        }
      }
    }
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(fileValues * 8, bytes.length, "file length unchanged");
    double[] actual = new double[(int) fileValues];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(actual);
    assertArrayEquals(expected, actual);
  }

  @Test
  void rangesAtEveryAlignmentGiveThePlainBytes() throws Exception {
    List<List<Range>> writers = new ArrayList<>();
    writers.add(List.of(new Range(16, 3, 1)));                    // smaller than the head
    writers.add(List.of(new Range(100, 1000, 7)));                // head, a few blocks, tail
    writers.add(List.of(new Range(2048, 512, 512)));              // exactly one 4 KiB block
    writers.add(List.of(new Range(5000, 400_000, 131_072)));      // past the 1 MiB staging buffer
    writers.add(List.of(new Range(420_000, 300, 100), new Range(430_001, 5000, 999))); // a jump
    check(writers, 450_000, false);
  }

  @Test
  void concurrentWritersOnDisjointRangesOfOneFile() throws Exception {
    Random r = new Random(1);
    List<List<Range>> writers = new ArrayList<>();
    long at = 16; // a .npy header's worth of bytes before the data
    for (int w = 0; w < 4; w++) {
      int count = 50_000 + r.nextInt(200_000);
      writers.add(List.of(new Range(at, count, 1 + r.nextInt(70_000))));
      at += count;
    }
    check(writers, at + 5, true);
  }

  @Test
  void withoutDirectIoTheBytesAreTheSame() throws Exception {
    System.setProperty("batchjac.directIo", "false");
    try {
      check(List.of(List.of(new Range(100, 300_000, 40_000))), 300_200, false);
    } finally {
      System.clearProperty("batchjac.directIo");
    }
  }

  @Test
  void aMissingFileIsAnError() {
    org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
        () -> new DirectFileWriter(dir.resolve("missing.bin")).close());
  }
}
