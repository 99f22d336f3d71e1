package io.batchjac.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.NpyFormatException;
import io.batchjac.engine.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing (Jazzer) of the {@code .npy} reader: whatever the bytes, reading either
 * returns a tensor whose data length matches its shape or throws an {@link NpyFormatException}
 * naming the source; bytes without the magic string are refused in fixed words, quoting none of
 * them. Any other exception (an index error, a negative array size, running out of
 * memory on a header that promises more data than the bytes hold) is a finding.
 *
 * <p>See {@link SpecParserFuzzIT} for how the fuzzing is run and where findings go.
 */
class NpyReaderFuzzIT {
  private static final AtomicLong RUNS = new AtomicLong();
  private static final AtomicLong READ = new AtomicLong();

  @FuzzTest(maxDuration = "25s")
  void readsOrExplains(byte[] input) throws IOException {
    RUNS.incrementAndGet();
    try {
      Tensor t = Npy.read(new ByteArrayInputStream(input), "fuzz.npy");
      if (t.data().length != t.shape().size()) {
        throw new AssertionError("data length " + t.data().length + " for shape " + t.shape());
      }
      READ.incrementAndGet();
    } catch (NpyFormatException expected) {
      if (!expected.getMessage().contains("fuzz.npy")) {
        throw new AssertionError("the error does not name the source: " + expected.getMessage(), expected);
      }
      if (!startsWithMagic(input) && !expected.getMessage().equals(input.length == 0
          ? "fuzz.npy: not a .npy file: the file is empty" : NOT_NPY)) {
        throw new AssertionError("a file that is not a .npy must be refused in fixed words (never quoting its "
            + "bytes): " + expected.getMessage(), expected);
      }
    }
  }

  private static final String NOT_NPY = "fuzz.npy: not a .npy file: expected a NumPy array file (one that starts with "
      + "the magic string \"\\x93NUMPY\", as numpy.save writes), found a file of another kind";

  private static boolean startsWithMagic(byte[] b) {
    byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (b.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (b[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  @AfterAll
  static void report() {
    System.out.println("NpyReaderFuzzIT: " + RUNS.get() + " inputs, " + READ.get() + " read to a tensor");
  }
}
