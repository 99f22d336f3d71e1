package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;
import java.util.Arrays;

/** Permutes axes: output axis {@code i} is input axis {@code perm[i]} (NumPy's {@code transpose(x, perm)}). */
public final class Transpose extends Op {
  private final int[] perm;

  Transpose(int[] perm) {
    this.perm = perm.clone();
  }

  public int[] perm() {
    return perm.clone();
  }

  @Override
  public String name() {
    return "transpose";
  }

  @Override
  public Shape shape(Shape[] args) {
    Shape s = args[0];
    boolean[] seen = new boolean[s.rank()];
    if (perm.length != s.rank()) {
      throw new ShapeException("transpose: permutation " + Arrays.toString(perm) + " for shape " + s);
    }
    int[] d = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      if (perm[i] < 0 || perm[i] >= s.rank() || seen[perm[i]]) {
        throw new ShapeException("transpose: " + Arrays.toString(perm) + " is not a permutation of the axes of " + s);
      }
      seen[perm[i]] = true;
      d[i] = s.dim(perm[i]);
    }
    return Shape.of(d);
  }

  /** The permutation with {@code l} untouched leading axes in front. */
  private int[] shifted(int l) {
    int[] p = new int[l + perm.length];
    for (int i = 0; i < l; i++) {
      p[i] = i;
    }
    for (int i = 0; i < perm.length; i++) {
      p[l + i] = l + perm[i];
    }
    return p;
  }

  @Override
  public Node jvp(RuleContext r, Node out, Node[] x, Node[] dx) {
    return r.b().transpose(dx[0], shifted(r.leadRank()));
  }

  @Override
  public Node[] vjp(RuleContext r, Node out, Node[] x, Node ct, boolean[] needs) {
    int[] p = shifted(r.leadRank());
    int[] inv = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      inv[p[i]] = i;
    }
    return new Node[] {r.b().transpose(ct, inv)};
  }

  @Override
  public boolean isStructural() {
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Transpose && Arrays.equals(((Transpose) o).perm, perm);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(perm);
  }
}
