package io.batchjac.engine.lang;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.SpecLoader;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file access policy and its TensorFiles decorator: what a spec from an untrusted source may read. */
class FileAccessPolicyTest {
  private static final String ALLOW = "set the.allowed.conf";
  private static final String RAISE = "raise the.size.conf";

  @TempDir Path root;
  private Path allowed;
  private Path outside;

  @BeforeEach
  void files() throws IOException {
    allowed = Files.createDirectories(root.resolve("allowed"));
    outside = Files.createDirectories(root.resolve("outside"));
    Npy.write(allowed.resolve("w.npy"), Tensor.of(Shape.of(2), new double[] {3, 4}));
    Npy.write(outside.resolve("secret.npy"), Tensor.of(Shape.of(2), new double[] {7, 8}));
    Files.writeString(outside.resolve("passwd"), "root:*:0:0:root:/root:/bin/sh\n");
  }

  private FileAccessPolicy only(long maxBytes, Path... dirs) {
    return FileAccessPolicy.onlyUnder(List.of(dirs), maxBytes, ALLOW, RAISE);
  }

  /** Compiles {@code text} as a spec whose load paths are relative to {@code allowed}, under {@code p}. */
  private double[] outputs(FileAccessPolicy p, String text) {
    Spec s = SpecParser.parse(text, SpecParser.INLINE, allowed, p.guard(TensorFiles.disk()));
    return LangTesting.evalGraph(s.graph(), 0.0);
  }

  private String refusal(FileAccessPolicy p, String text) {
    return assertThrows(SpecException.class, () -> outputs(p, text)).getMessage();
  }

  @Test
  void loadsInsideTheAllowedDirectories() {
    FileAccessPolicy p = only(1 << 20, allowed);
    assertTrue(p.restricted());
    assertArrayEquals(new double[] {3, 4}, outputs(p, "param W = load(\"w.npy\"); input x; output W + x"));
    assertArrayEquals(new double[] {3, 4},
        outputs(p, "param W = load(\"" + allowed.resolve("w.npy") + "\"); input x; output W + x"));
  }

  @Test
  void withNoDirectoryNothingIsRead() {
    FileAccessPolicy p = only(1 << 20);
    String existing = refusal(p, "param W = load(\"w.npy\"); input x; output W + x");
    assertTrue(existing.contains("specs here may not read files (no directory is allowed; " + ALLOW + ")"), existing);
    String missing = refusal(p, "param W = load(\"nothing.npy\"); input x; output W + x");
    assertTrue(missing.contains("specs here may not read files"), missing);
    assertFalse(missing.contains("not found"), missing);
    // inline specs without load still work
    assertArrayEquals(new double[] {2}, outputs(p, "input x; output x + 2"));
  }

  @Test
  void dotDotCannotEscape() throws IOException {
    FileAccessPolicy p = only(1 << 20, allowed);
    String m = refusal(p, "param W = load(\"../outside/secret.npy\"); input x; output W + x");
    assertTrue(m.contains("not inside the directories specs here may read (" + allowed.toRealPath() + "; " + ALLOW + ")"), m);
    // the same words whether the file exists or not: nothing is learned about the outside
    String absent = refusal(p, "param W = load(\"../outside/absent.npy\"); input x; output W + x");
    assertTrue(absent.contains("not inside the directories"), absent);
    assertThrows(FileAccessException.class, () -> p.check(allowed.resolve("../outside/secret.npy")));
  }

  @Test
  void symlinksCannotEscape() throws IOException {
    Files.createSymbolicLink(allowed.resolve("link.npy"), outside.resolve("secret.npy"));
    Files.createSymbolicLink(allowed.resolve("dir"), outside);
    Files.createSymbolicLink(allowed.resolve("inner.npy"), allowed.resolve("w.npy"));
    FileAccessPolicy p = only(1 << 20, allowed);
    assertTrue(refusal(p, "param W = load(\"link.npy\"); input x; output W").contains("not inside the directories"));
    assertTrue(refusal(p, "param W = load(\"dir/secret.npy\"); input x; output W").contains("not inside"));
    // a link that stays inside is followed
    assertArrayEquals(new double[] {3, 4}, outputs(p, "param W = load(\"inner.npy\"); input x; output W + x"));
    // '..' after a link is taken from the link's target, as the operating system does
    Files.createDirectories(outside.resolve("sub"));
    Files.createSymbolicLink(allowed.resolve("subLink"), outside.resolve("sub"));
    assertThrows(FileAccessException.class, () -> p.check(allowed.resolve("subLink/../secret.npy")));
    assertEquals(outside.resolve("secret.npy").toRealPath(), FileAccessPolicy.unrestricted().check(
        allowed.resolve("subLink/../secret.npy")).toRealPath());
  }

  @Test
  void anAllowedDirectoryReachedThroughALinkIsAllowed() throws IOException {
    Path alias = Files.createSymbolicLink(root.resolve("alias"), allowed);
    FileAccessPolicy p = only(1 << 20, alias);
    assertEquals(allowed.resolve("w.npy").toRealPath(), p.check(allowed.resolve("w.npy")));
    assertEquals(allowed.resolve("w.npy").toRealPath(), p.check(alias.resolve("w.npy")));
  }

  @Test
  void aFileLargerThanTheLimitIsRefused() {
    FileAccessPolicy p = only(100, allowed);
    String m = refusal(p, "param W = load(\"w.npy\"); input x; output W + x");
    assertTrue(m.contains("the file has 144 bytes, more than the limit of 100 bytes for a file a spec reads (" + RAISE + ")"), m);
  }

  @Test
  void aFileThatIsNotNpyIsNamedWithoutItsBytes() throws IOException {
    Files.copy(outside.resolve("passwd"), allowed.resolve("passwd.npy"));
    String m = refusal(only(1 << 20, allowed), "param W = load(\"passwd.npy\"); input x; output W");
    assertTrue(m.contains("not a .npy file: expected a NumPy array file"), m);
    assertFalse(m.contains("root") || m.contains("72 6f") || m.contains("726f"), m);
  }

  @Test
  void specFilesAreCheckedToo() throws IOException {
    Files.writeString(outside.resolve("f.fn"), "input x; output x\n");
    Files.writeString(allowed.resolve("g.fn"), "input x; output 2 * x\n");
    FileAccessPolicy p = only(1 << 20, allowed);
    SpecException e = assertThrows(SpecException.class, () -> SpecLoader.read(outside.resolve("f.fn"), p));
    assertEquals(outside.resolve("f.fn") + ": not inside the directories specs here may read (" + allowed.toRealPath()
        + "; " + ALLOW + ")", e.getMessage());
    assertArrayEquals("input x; output 2 * x\n".getBytes(StandardCharsets.UTF_8), SpecLoader.read(allowed.resolve("g.fn"), p));
    SpecException missing = assertThrows(SpecException.class, () -> SpecLoader.read(allowed.resolve("none.fn"), p));
    assertTrue(missing.getMessage().contains("spec file not found"), missing.getMessage());
  }

  @Test
  void unrestrictedReadsAnything() {
    FileAccessPolicy p = FileAccessPolicy.unrestricted();
    assertFalse(p.restricted());
    assertArrayEquals(new double[] {7, 8},
        outputs(p, "param W = load(\"../outside/secret.npy\"); input x; output W + x"));
    assertTrue(p.guard(TensorFiles.disk()) instanceof TensorFiles);
  }

  @Test
  void aPolicyTravelsAndCompares() throws IOException {
    FileAccessPolicy p = only(1 << 20, allowed);
    assertEquals(p, only(1 << 20, allowed));
    assertFalse(p.equals(only(1 << 19, allowed)));
    try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
      out.writeObject(p);
    }
  }
}
