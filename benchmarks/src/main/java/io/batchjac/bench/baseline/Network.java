package io.batchjac.bench.baseline;

import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The weights of an example network ({@code conf/examples/NAME/W1.npy, b1.npy, ...}) for the
 * baselines: layer l maps {@code in[l]} values to {@code out[l]} with {@code W[l]} row-major
 * {@code (out, in)} (torch.nn.Linear's layout) and bias {@code b[l]}; the activation is applied
 * after every layer but the last.
 */
public record Network(List<double[]> weights, List<double[]> biases, int[] sizes) {
  /** Reads layers 1, 2, ... from {@code dir} until {@code W<l>.npy} is missing. */
  public static Network load(Path dir) throws IOException {
    List<double[]> ws = new ArrayList<>();
    List<double[]> bs = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (int l = 1; Files.exists(dir.resolve("W" + l + ".npy")); l++) {
      Tensor w = Npy.read(dir.resolve("W" + l + ".npy")).toC();
      ws.add(w.data());
      bs.add(Npy.read(dir.resolve("b" + l + ".npy")).toC().data());
      if (l == 1) {
        sizes.add(w.shape().dim(1));
      }
      sizes.add(w.shape().dim(0));
    }
    if (ws.isEmpty()) {
      throw new IOException("no W1.npy in " + dir);
    }
    return new Network(ws, bs, sizes.stream().mapToInt(Integer::intValue).toArray());
  }

  public int layers() {
    return weights.size();
  }

  public int inputs() {
    return sizes[0];
  }

  public int outputs() {
    return sizes[sizes.length - 1];
  }
}
