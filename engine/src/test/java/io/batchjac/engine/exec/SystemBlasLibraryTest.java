package io.batchjac.engine.exec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the system BLAS the way the dynamic loader would, on made-up directories. */
class SystemBlasLibraryTest {
  static final byte[] NO_CACHE = new byte[0];

  @Test
  void nothingAnywhereMeansAbsent(@TempDir Path dir) {
    assertFalse(SystemBlasLibrary.present(null, null, NO_CACHE, List.of(dir)));
    assertFalse(SystemBlasLibrary.present("", dir.toString(), "libfoo.so.1 /lib/libfoo.so.1".getBytes(), List.of(dir)));
  }

  @Test
  void foundInADefaultDirectory(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("libblas.so.3"), "");
    assertTrue(SystemBlasLibrary.present(null, null, NO_CACHE, List.of(Path.of("/nonexistent"), dir)));
  }

  @Test
  void foundThroughLdLibraryPath(@TempDir Path dir) throws Exception {
    Path libs = Files.createDirectory(dir.resolve("libs"));
    Files.writeString(libs.resolve("libblas.so.3"), "");
    assertTrue(SystemBlasLibrary.present(null, "/nonexistent::" + libs, NO_CACHE, List.of()));
  }

  @Test
  void foundInTheLoadersCache() {
    byte[] cache = "ld.so-1.7.0\0libblas.so.3\0/lib/x86_64-linux-gnu/libblas.so.3\0".getBytes(StandardCharsets.ISO_8859_1);
    assertTrue(SystemBlasLibrary.present(null, null, cache, List.of()));
  }

  @Test
  void anExplicitPathIsTheOnlyCandidate(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("libblas.so.3"), "");
    Path mine = dir.resolve("libmyblas.so");
    assertFalse(SystemBlasLibrary.present(mine.toString(), dir.toString(), NO_CACHE, List.of(dir)),
        "the property names a missing file: absent even though libblas.so.3 exists elsewhere");
    Files.writeString(mine, "");
    assertTrue(SystemBlasLibrary.present(mine.toString(), null, NO_CACHE, List.of()));
  }
}
