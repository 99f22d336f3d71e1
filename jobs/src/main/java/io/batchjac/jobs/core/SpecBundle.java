package io.batchjac.jobs.core;

import io.batchjac.engine.api.SpecLoader;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.lang.SpecParser;
import io.batchjac.engine.lang.TensorFiles;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A function spec as it travels to executors: its kind ({@code .fn} text or an ONNX model), its
 * content (the file's bytes), its source name, and every file a {@code .fn} file's
 * {@code load("...")} statements read on the driver (tensors of {@code param NAME = load(...)},
 * bytes of model files of {@code model NAME = load(...)}, and what those models load in turn),
 * keyed by absolute path, so that executors need no access to the spec's files (an ONNX model
 * carries its weights inside). {@link #graph()} compiles it once per
 * JVM, through {@link SpecLoader}, and caches the result.
 */
public final class SpecBundle implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Map<String, Graph> CACHE = new ConcurrentHashMap<>();

  private final SpecLoader.Format format;
  private final byte[] content;
  private final String name;
  private final String baseDir;
  private final HashMap<String, StoredTensor> files;
  private final HashMap<String, byte[]> modelFiles;
  private final String key;
  private transient Graph graph;

  private record StoredTensor(int[] dims, double[] data, boolean fortran) implements Serializable {}

  private SpecBundle(SpecLoader.Format format, byte[] content, String name, String baseDir,
      HashMap<String, StoredTensor> files, HashMap<String, byte[]> modelFiles) {
    this.format = format;
    this.content = content;
    this.name = name;
    this.baseDir = baseDir;
    this.files = files;
    this.modelFiles = modelFiles;
    this.key = name + "\u0000" + java.util.Arrays.hashCode(content) + "\u0000" + content.length + "\u0000"
        + System.identityHashCode(this) + "\u0000" + System.nanoTime();
  }

  /** Reads and compiles a {@code .fn} file or an ONNX model on the driver (errors are {@code SpecException}s). */
  public static SpecBundle ofFile(Path file) {
    return of(SpecLoader.Format.of(file.toString()), SpecLoader.read(file), file.toString(),
        file.toAbsolutePath().getParent());
  }

  /** An inline spec ({@code load} relative to the current directory). */
  public static SpecBundle ofInline(String text) {
    return of(SpecLoader.Format.FUNCTION_LANGUAGE, text.getBytes(StandardCharsets.UTF_8), SpecParser.INLINE,
        Path.of("").toAbsolutePath());
  }

  /** A path to a {@code .fn} or {@code .onnx} file, or inline spec text (anything containing a newline or ';'). */
  public static SpecBundle of(String specArgument) {
    boolean inline = specArgument.contains("\n") || specArgument.contains(";");
    return inline ? ofInline(specArgument) : ofFile(Path.of(specArgument));
  }

  private static SpecBundle of(SpecLoader.Format format, byte[] content, String name, Path baseDir) {
    HashMap<String, StoredTensor> loaded = new HashMap<>();
    HashMap<String, byte[]> models = new HashMap<>();
    TensorFiles disk = TensorFiles.disk();
    TensorFiles recording = new TensorFiles() {
      @Override
      public boolean exists(Path file) {
        return disk.exists(file);
      }

      @Override
      public Tensor read(Path file) throws IOException {
        Tensor t = disk.read(file);
        loaded.put(file.toString(), new StoredTensor(t.shape().dims(), t.data(), t.order() == Tensor.Order.F));
        return t;
      }

      @Override
      public byte[] bytes(Path file) throws IOException {
        byte[] content = disk.bytes(file);
        models.put(file.toString(), content);
        return content;
      }
    };
    Graph g = SpecLoader.parse(format, content, name, baseDir, recording).graph();
    SpecBundle b = new SpecBundle(format, content, name, baseDir == null ? null : baseDir.toString(), loaded, models);
    b.graph = g;
    return b;
  }

  /** Identifies this bundle and its copies on executors (for per-JVM caches). */
  public String key() {
    return key;
  }

  /** The spec's source name (file path as given, or {@code <inline>}). */
  public String name() {
    return name;
  }

  /** The parsed function (parsed at most once per JVM for a given bundle). */
  public Graph graph() {
    Graph g = graph;
    if (g == null) {
      if (CACHE.size() > 64) {
        CACHE.clear(); // bounded: a JVM rarely sees more than a few specs
      }
      g = CACHE.computeIfAbsent(key, k -> parseHere());
      graph = g;
    }
    return g;
  }

  private Graph parseHere() {
    TensorFiles shipped = new TensorFiles() {
      @Override
      public boolean exists(Path file) {
        return files.containsKey(file.toString()) || modelFiles.containsKey(file.toString());
      }

      @Override
      public Tensor read(Path file) {
        StoredTensor s = files.get(file.toString());
        return Tensor.of(Shape.of(s.dims()), s.data(), s.fortran() ? Tensor.Order.F : Tensor.Order.C);
      }

      @Override
      public byte[] bytes(Path file) {
        return modelFiles.get(file.toString()).clone();
      }
    };
    return SpecLoader.parse(format, content, name, baseDir == null ? null : Path.of(baseDir), shipped).graph();
  }
}
