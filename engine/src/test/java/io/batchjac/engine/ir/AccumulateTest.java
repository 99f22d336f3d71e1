package io.batchjac.engine.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.GradCheck;
import io.batchjac.engine.ad.Vjp;
import io.batchjac.engine.exec.Plan;
import io.batchjac.engine.tensor.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Cotangent accumulation: pads into disjoint windows join into one pad of a concatenation (zeros
 * in the gaps), pads into one window sum inside it, overlapping windows stay an ordinary sum; the
 * reverse-mode gradient of a function of the elements of a vector input is assembled by one
 * concatenation, and its values stay right.
 */
class AccumulateTest {
  @Test
  void disjointPadsJoinAndOverlappingOnesAdd() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(2));
    Node a = b.index(x, 0, 0);
    Node c = b.index(x, 0, 1);
    Node joined = b.add(b.pad(b.reshape(a, Shape.of(1)), new int[] {0}, Shape.of(4)),
        b.pad(b.reshape(c, Shape.of(1)), new int[] {2}, Shape.of(4)));
    assertInstanceOf(Pad.class, joined.op());
    assertInstanceOf(Concat.class, joined.arg(0).op(), "pieces and a gap of zeros, concatenated");
    assertEquals(Shape.of(3), joined.arg(0).shape());
    assertEquals(3, joined.arg(0).arity());
    Node overlapping = b.add(b.pad(x, new int[] {0}, Shape.of(3)), b.pad(x, new int[] {1}, Shape.of(3)));
    assertEquals(Elementwise.ADD, overlapping.op());
  }

  @Test
  void gradientOfElementsIsOneConcatenation() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(4));
    Node x0 = b.index(x, 0, 0);
    Node x1 = b.index(x, 0, 1);
    Node x3 = b.index(x, 0, 3);
    // x0 twice (one window, two contributions), x2 unused (a gap of zeros), x3 last
    Node y = b.add(b.add(b.mul(x0, x1), b.sin(x0)), b.mul(x3, x3));
    b.output("y", y);
    Graph f = b.build();
    GraphBuilder nb = new GraphBuilder();
    Vjp.Result r = Vjp.apply(f, nb, Shape.of(), List.of(f.inputs().get(0)), (k, o) -> nb.scalar(1));
    nb.output("g", r.cotangentOf(f.inputs().get(0)));
    String plan = Plan.compile(nb.build()).describe();
    assertTrue(plan.contains("concat"), plan);
    assertFalse(plan.contains("pad"), plan);
    GradCheck.checkAll("elements of a vector", f, GradCheck.uniform(new Random(4), 50, 4, -2, 2));
  }
}
