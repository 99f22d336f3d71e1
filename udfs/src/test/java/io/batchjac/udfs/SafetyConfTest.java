package io.batchjac.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.lang.FileAccessPolicy;
import io.batchjac.engine.lang.SpecException;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's settings without a Spark session: defaults, parsing, the empty policy, the cache bounds. */
class SafetyConfTest {
  private static SafetyConf of(String... keyValues) {
    SparkConf c = new SparkConf(false);
    for (int i = 0; i < keyValues.length; i += 2) {
      c.set(keyValues[i], keyValues[i + 1]);
    }
    return SafetyConf.of(c);
  }

  @Test
  void defaults() {
    SafetyConf s = of();
    assertEquals(1L << 24, s.maxResultValues());
    assertEquals(1L << 20, s.maxInlineSpecBytes());
    assertEquals(256L << 20, s.files().maxFileBytes());
    assertEquals(512L << 20, s.cacheMaxBytes());
    assertEquals(64, s.cacheMaxEntries());
    assertTrue(s.files().restricted());
    assertEquals(List.of(), s.files().allowedDirs());
    assertFalse(of(SafetyConf.FILES_ALLOWED, "*").files().restricted());
  }

  @Test
  void valuesAndTheirErrors() {
    SafetyConf s = of(SafetyConf.RESULT_VALUES, "1000", SafetyConf.FILE_BYTES, "2m", SafetyConf.INLINE_SPEC_BYTES, "4k",
        SafetyConf.CACHE_BYTES, "1g", SafetyConf.CACHE_ENTRIES, "3");
    assertEquals(1000, s.maxResultValues());
    assertEquals(2L << 20, s.files().maxFileBytes());
    assertEquals(4096, s.maxInlineSpecBytes());
    assertEquals(1L << 30, s.cacheMaxBytes());
    assertEquals(3, s.cacheMaxEntries());
    assertEquals("spark.batchjac.limits.resultValues must be a whole number, got 'many'",
        assertThrows(IllegalArgumentException.class, () -> of(SafetyConf.RESULT_VALUES, "many")).getMessage());
    assertEquals("spark.batchjac.limits.fileBytes must be a size in bytes such as 1048576, 512k, 256m or 1g, got 'big'",
        assertThrows(IllegalArgumentException.class, () -> of(SafetyConf.FILE_BYTES, "big")).getMessage());
    assertEquals("spark.batchjac.cache.maxEntries must be positive, got '0'",
        assertThrows(IllegalArgumentException.class, () -> of(SafetyConf.CACHE_ENTRIES, "0")).getMessage());
  }

  @Test
  void withNoDirectoryListedSpecsReadNoFile(@TempDir Path dir) throws Exception {
    SafetyConf none = of();
    Path fn = Files.writeString(dir.resolve("f.fn"), "input x\noutput x\n");
    SpecException file = assertThrows(SpecException.class, () -> SpecSource.resolve(fn.toString(), none));
    assertEquals(fn + ": specs here may not read files (no directory is allowed; set spark.batchjac.files.allowed to "
        + "the directories SQL specs may read when the application starts (--conf or spark-defaults.conf; SET in a "
        + "session does not change it))", file.getMessage());
    // the same answer for a file that does not exist: nothing is learned about the file system
    SpecException absent = assertThrows(SpecException.class, () -> SpecSource.resolve(dir.resolve("no.onnx").toString(), none));
    assertTrue(absent.getMessage().contains("specs here may not read files"), absent.getMessage());
    SpecException noSuffix = assertThrows(SpecException.class, () -> SpecSource.resolve("/etc/passwd", none));
    SpecException noSuffixAbsent = assertThrows(SpecException.class, () -> SpecSource.resolve("/etc/absent", none));
    assertEquals(noSuffix.problem(), noSuffixAbsent.problem());

    Npy.write(dir.resolve("w.npy"), Tensor.of(Shape.of(1), new double[] {5}));
    SpecSource load = SpecSource.resolve("param W = load(\"" + dir.resolve("w.npy") + "\"); input x; output W * x", none);
    SpecException loadRefused = assertThrows(SpecException.class, () -> SpecCache.get(load, none));
    assertTrue(loadRefused.getMessage().startsWith("<inline>:1:16: cannot load \"" + dir.resolve("w.npy")
        + "\": " + dir.resolve("w.npy") + ": specs here may not read files"), loadRefused.getMessage());
    // inline specs without load still work
    assertEquals(1, SpecCache.get(SpecSource.resolve("input x; output x + 1", none), none).outputSize());
  }

  @Test
  void inlineSpecsAreBounded() {
    SafetyConf s = of(SafetyConf.INLINE_SPEC_BYTES, "64");
    String big = "input x; output x" + " + x".repeat(20);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpecSource.resolve(big, s));
    assertEquals("the inline spec has 97 bytes, more than the limit of 64 bytes; the operator raises "
        + "spark.batchjac.limits.inlineSpecBytes when the application starts (--conf or spark-defaults.conf; SET in a "
        + "session does not change it)", e.getMessage());
    assertEquals("<inline>", SpecSource.resolve("input x; output x", s).name());
  }

  @Test
  void aFileSpecErrorShowsItsPositionButNotItsText(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.fn"), "input x\noutput topsecret(x)\n");
    SafetyConf restricted = of(SafetyConf.FILES_ALLOWED, dir.toString());
    SpecException hidden = assertThrows(SpecException.class,
        () -> SpecCache.get(SpecSource.resolve(bad.toString(), restricted), restricted));
    assertEquals(bad + ":2:8: the spec file does not compile (the problem is not shown to SQL users, so that no query "
        + "can display a file's content; the operator sees it with bin/batchjac bench --spec " + bad + " --batch 1)",
        hidden.getMessage());
    assertFalse(hidden.getMessage().contains("topsecret"));
    // the operator's own code sees the problem; an inline spec's problem is its author's own text
    SpecException shown = assertThrows(SpecException.class, () -> TestSupport.compiled(bad.toString()));
    assertTrue(shown.getMessage().contains("topsecret"), shown.getMessage());
    SpecException inline = assertThrows(SpecException.class,
        () -> SpecCache.get(SpecSource.resolve("input x; output topsecret(x)", restricted), restricted));
    assertTrue(inline.getMessage().contains("topsecret"), inline.getMessage());

    Path model = Files.writeString(dir.resolve("m.onnx"), "root:*:0:0:root:/root:/bin/sh\n");
    SpecException onnx = assertThrows(SpecException.class,
        () -> SpecCache.get(SpecSource.resolve(model.toString(), restricted), restricted));
    assertTrue(onnx.getMessage().startsWith(model + ": the ONNX model does not import (the problem is not shown"),
        onnx.getMessage());
    assertFalse(onnx.getMessage().contains("root"), onnx.getMessage());
  }

  @Test
  void theCacheIsBoundedInBytesAndInEntries(@TempDir Path dir) throws Exception {
    SpecCache.clear();
    SafetyConf threeEntries = of(SafetyConf.CACHE_ENTRIES, "3", SafetyConf.FILES_ALLOWED, "*");
    for (int i = 0; i < 10; i++) {
      SpecCache.get(SpecSource.inline("input x; output x * " + i), threeEntries);
      assertTrue(SpecCache.size() <= 3, "entries " + SpecCache.size());
    }
    SpecCache.clear();
    // a 100 x 100 constant is 80,000 bytes of data: at most 2 of them in a 200,000-byte cache
    Npy.write(dir.resolve("w.npy"), Tensor.of(Shape.of(100, 100), new double[100 * 100]));
    String big = "param W = load(\"" + dir.resolve("w.npy") + "\"); input x[100]; output W @ x + ";
    SafetyConf small = of(SafetyConf.CACHE_BYTES, "200000", SafetyConf.FILES_ALLOWED, "*");
    CompiledSpec first = SpecCache.get(SpecSource.inline(big + "0"), small);
    assertTrue(first.estimatedBytes() > 80_000 && first.estimatedBytes() < 100_000, "" + first.estimatedBytes());
    assertSame(first, SpecCache.get(SpecSource.inline(big + "0"), small));
    for (int i = 1; i < 5; i++) {
      SpecCache.get(SpecSource.inline(big + i), small);
      assertTrue(SpecCache.bytes() <= 200_000, "bytes " + SpecCache.bytes());
    }
    assertEquals(2, SpecCache.size());
    assertNotSame(first, SpecCache.get(SpecSource.inline(big + "0"), small), "evicted, compiled afresh");
    // a spec larger than the whole budget is compiled for its caller and not kept
    SafetyConf tiny = of(SafetyConf.CACHE_BYTES, "1000", SafetyConf.FILES_ALLOWED, "*");
    SpecCache.clear();
    CompiledSpec alone = SpecCache.get(SpecSource.inline(big + "9"), tiny);
    assertEquals(1, alone.outputSize() / 100);
    assertEquals(0, SpecCache.size());
  }

  @Test
  void aChangedLoadedFileIsReadAgain(@TempDir Path dir) throws Exception {
    SpecCache.clear();
    SafetyConf s = of(SafetyConf.FILES_ALLOWED, dir.toString());
    Path w = dir.resolve("w.npy");
    Npy.write(w, Tensor.of(Shape.of(1), new double[] {5}));
    Path fn = Files.writeString(dir.resolve("f.fn"), "param W = load(\"w.npy\")\ninput x\noutput W * x\n");
    CompiledSpec first = SpecCache.get(SpecSource.resolve(fn.toString(), s), s);
    assertSame(first, SpecCache.get(SpecSource.resolve(fn.toString(), s), s));
    // same size, new content and time
    Npy.write(w, Tensor.of(Shape.of(1), new double[] {7}));
    Files.setLastModifiedTime(w, FileTime.fromMillis(Files.getLastModifiedTime(w).toMillis() + 2000));
    CompiledSpec second = SpecCache.get(SpecSource.resolve(fn.toString(), s), s);
    assertNotSame(first, second);
    assertEquals(7.0, constant(second));
    assertEquals(5.0, constant(first));
  }

  private static double constant(CompiledSpec cs) {
    return cs.graph().nodes().stream().filter(n -> n.value() != null && n.value().size() == 1)
        .mapToDouble(n -> n.value().data()[0]).filter(v -> v == 5 || v == 7).findFirst().orElseThrow();
  }

  @Test
  void policiesKeepCompiledSpecsApart(@TempDir Path dir) throws Exception {
    SpecCache.clear();
    Path fn = Files.writeString(dir.resolve("f.fn"), "input x\noutput x\n");
    SpecSource src = SpecSource.resolve(fn.toString(), TestSupport.TRUSTED);
    CompiledSpec trusted = SpecCache.get(src, TestSupport.TRUSTED);
    SafetyConf other = new SafetyConf(FileAccessPolicy.onlyUnder(List.of(dir), 1 << 20, "", ""), 100, 100, 1 << 20, 4);
    assertNotSame(trusted, SpecCache.get(src, other));
    assertEquals(2, SpecCache.size());
  }
}
