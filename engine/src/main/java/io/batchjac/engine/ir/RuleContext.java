package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;

/**
 * What differentiation rules build with: the {@link GraphBuilder} of the graph being produced
 * and the leading shape {@link #lead()} of tangents and cotangents (the directions pushed at
 * once). Invariant kept by every rule: a tangent or cotangent of a primal value of shape S has
 * shape exactly {@code lead + S}.
 */
public final class RuleContext {
  private final GraphBuilder b;
  private final Shape lead;

  public RuleContext(GraphBuilder b, Shape lead) {
    this.b = b;
    this.lead = lead;
  }

  public GraphBuilder b() {
    return b;
  }

  /** The leading axes of tangents and cotangents, e.g. {@code [K]}. */
  public Shape lead() {
    return lead;
  }

  public int leadRank() {
    return lead.rank();
  }

  /**
   * Reshapes a tangent of a primal of shape {@code primal} to rank {@code lead + outRank} by
   * inserting 1-axes after the lead axes, so that NumPy broadcasting lines it up with a value of
   * rank {@code outRank} (e.g. tangent [K, 3] of a [3] operand of a [2, 3] result -> [K, 1, 3]).
   */
  public Node align(Node t, Shape primal, int outRank) {
    if (t == null || primal.rank() == outRank) {
      return t;
    }
    int[] ones = new int[outRank - primal.rank()];
    java.util.Arrays.fill(ones, 1);
    return b.reshape(t, primal.prepend(ones).prepend(lead.dims()));
  }

  /** Broadcasts {@code t} to exactly {@code lead + primal} when broadcasting left it smaller. */
  public Node fit(Node t, Shape primal) {
    if (t == null) {
      return null;
    }
    Shape want = primal.prepend(lead.dims());
    return t.shape().equals(want) ? t : b.broadcastTo(t, want);
  }

  /**
   * The transpose of broadcasting: sums a cotangent of shape {@code lead + S} (S the broadcast
   * result) down to {@code lead + primal}, where {@code primal} broadcasts to S.
   */
  public Node unbroadcast(Node ct, Shape primal) {
    if (ct == null) {
      return null;
    }
    Shape want = primal.prepend(lead.dims());
    if (ct.shape().equals(want)) {
      return ct;
    }
    int l = lead.rank();
    Shape s = ct.shape().dropFirst(l);
    int extra = s.rank() - primal.rank();
    java.util.List<Integer> axes = new java.util.ArrayList<>();
    for (int i = 0; i < s.rank(); i++) {
      if (i < extra || (primal.dim(i - extra) == 1 && s.dim(i) != 1)) {
        axes.add(l + i);
      }
    }
    Node summed = b.sum(ct, axes.stream().mapToInt(Integer::intValue).toArray());
    return b.reshape(summed, want);
  }

  /** A zero tangent of a primal of shape {@code primal} (a broadcast scalar, stored once). */
  public Node zeros(Shape primal) {
    return b.broadcastTo(b.scalar(0), primal.prepend(lead.dims()));
  }

  /** Null-aware sum of two tangents (null = zero). */
  public Node add(Node t1, Node t2) {
    if (t1 == null) {
      return t2;
    }
    if (t2 == null) {
      return t1;
    }
    return b.add(t1, t2);
  }

  /** {@code partial * t} where {@link Partial#ONE} and {@link Partial#MINUS_ONE} avoid the product. */
  public Node scale(Partial p, Node partialValue, Node t) {
    if (t == null) {
      return null;
    }
    if (p == Partial.ONE) {
      return t;
    }
    if (p == Partial.MINUS_ONE) {
      return b.neg(t);
    }
    return b.mul(partialValue, t);
  }
}
