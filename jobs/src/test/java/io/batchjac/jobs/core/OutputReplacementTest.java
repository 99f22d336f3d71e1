package io.batchjac.jobs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OutputReplacement}: the new output takes the target's place, a replaced file or directory
 * is gone once the background deletions are done (and nothing hidden is left beside it), leftovers
 * of a killed JVM are swept, and a failed replacement leaves the old output in place.
 */
class OutputReplacementTest {
  @TempDir
  Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFileReplacesAFile() throws IOException {
    Path target = Files.writeString(dir.resolve("jac.npy"), "old");
    Path temp = Files.writeString(dir.resolve(".jac.npy.tmp-1"), "new");
    OutputReplacement.replace(temp, target, true);
    assertEquals("new", Files.readString(target));
    OutputReplacement.awaitDeletions(1, TimeUnit.MINUTES);
    assertEquals(List.of("jac.npy"), names());
  }

  @Test
  void aDirectoryReplacesADirectory() throws IOException {
    Path target = Files.createDirectory(dir.resolve("jac.parquet"));
    Files.writeString(target.resolve("part-0"), "old");
    Path temp = Files.createDirectory(dir.resolve(".jac.parquet.tmp-1"));
    Files.writeString(temp.resolve("part-1"), "new");
    OutputReplacement.replace(temp, target, true);
    assertEquals("new", Files.readString(target.resolve("part-1")));
    assertFalse(Files.exists(target.resolve("part-0")));
    OutputReplacement.awaitDeletions(1, TimeUnit.MINUTES);
    assertEquals(List.of("jac.parquet"), names());
  }

  @Test
  void noTargetIsARename() throws IOException {
    Path temp = Files.writeString(dir.resolve(".jac.npy.tmp-1"), "new");
    OutputReplacement.replace(temp, dir.resolve("jac.npy"), true);
    assertEquals(List.of("jac.npy"), names());
  }

  @Test
  void leftoversOfAKilledRunAreSwept() throws IOException {
    Path target = Files.writeString(dir.resolve("jac.npy"), "old");
    Files.writeString(dir.resolve(".jac.npy.old-1234"), "left by a killed JVM");
    Files.writeString(dir.resolve(".other.npy.old-1234"), "another target's: kept");
    OutputReplacement.replace(Files.writeString(dir.resolve(".jac.npy.tmp-1"), "new"), target, true);
    OutputReplacement.awaitDeletions(1, TimeUnit.MINUTES);
    assertEquals(List.of(".other.npy.old-1234", "jac.npy"), names());
  }

  @Test
  void aFailedReplacementKeepsTheOldOutput() throws IOException {
    Path file = Files.writeString(dir.resolve("jac.npy"), "old");
    assertThrows(IOException.class, () -> OutputReplacement.replace(dir.resolve("missing"), file, true));
    Path directory = Files.createDirectory(dir.resolve("jac.parquet"));
    Files.writeString(directory.resolve("part-0"), "old");
    assertThrows(IOException.class, () -> OutputReplacement.replace(dir.resolve("missing"), directory, true));
    OutputReplacement.awaitDeletions(1, TimeUnit.MINUTES);
    assertEquals("old", Files.readString(file));
    assertEquals("old", Files.readString(directory.resolve("part-0")));
    assertEquals(List.of("jac.npy", "jac.parquet"), names());
    assertTrue(Files.isDirectory(directory));
  }
}
