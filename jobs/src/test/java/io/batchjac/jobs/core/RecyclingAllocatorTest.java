package io.batchjac.jobs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RecyclingAllocator}: released buffers come back for requests they fit, cleared, up to a cap per thread. */
class RecyclingAllocatorTest {
  @Test
  void aReleasedBufferIsReusedForARequestItFitsClearedAndLimited() throws Exception {
    Thread t = new Thread(() -> {
      RecyclingAllocator a = new RecyclingAllocator();
      ByteBuffer first = a.allocate(256 << 10);
      assertEquals(256 << 10, first.remaining());
      first.put(new byte[1000]).flip();
      a.release(first);
      assertEquals(256 << 10, RecyclingAllocator.keptBytes());
      ByteBuffer again = a.allocate(250_000);
      assertSame(first, again, "a page of nearly the same size reuses the buffer");
      assertEquals(0, again.position());
      assertEquals(250_000, again.limit());
      assertEquals(0, RecyclingAllocator.keptBytes());
      a.release(again);
      assertNotSame(again, a.allocate(100_000), "less than half of the buffer: a new one");
      assertNotSame(again, a.allocate(300_000), "larger than the buffer: a new one");
      assertSame(again, a.allocate(256 << 10));
      a.release(ByteBuffer.allocateDirect(4096));
      assertEquals(0, RecyclingAllocator.keptBytes(), "direct buffers are not kept");
      assertFalse(a.isDirect());
    });
    run(t);
  }

  @Test
  void aThreadKeepsAtMostTheCap() throws Exception {
    Thread t = new Thread(() -> {
      RecyclingAllocator a = new RecyclingAllocator();
      List<ByteBuffer> all = new ArrayList<>();
      for (long held = 0; held < RecyclingAllocator.KEEP_BYTES + (4 << 20); held += 1 << 20) {
        all.add(a.allocate(1 << 20));
      }
      all.forEach(a::release);
      assertEquals(RecyclingAllocator.KEEP_BYTES, RecyclingAllocator.keptBytes());
    });
    run(t);
  }

  /** Runs {@code t} (a fresh thread, so a fresh pool) and rethrows what it threw. */
  private static void run(Thread t) throws Exception {
    Throwable[] failure = new Throwable[1];
    t.setUncaughtExceptionHandler((th, e) -> failure[0] = e);
    t.start();
    t.join();
    if (failure[0] != null) {
      throw new AssertionError(failure[0]);
    }
  }
}
