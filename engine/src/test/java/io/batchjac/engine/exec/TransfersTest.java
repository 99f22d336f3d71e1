package io.batchjac.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * {@link Transfers}: scalar inputs read together from the rows of one matrix (at any offsets and
 * in any order), scalar outputs written together into another, beside a vector input read in
 * place and a constant output; every value lands where its binding says, for chunks and blocks of
 * every alignment.
 */
class TransfersTest {
  @Test
  void groupedScalarColumnsMoveToAndFromTheirPlaces() {
    GraphBuilder b = new GraphBuilder();
    Node p = b.input("p", Shape.of());
    Node q = b.input("q", Shape.of());
    Node r = b.input("r", Shape.of());
    Node v = b.input("v", Shape.of(2));
    b.output("pq", b.mul(p, q));
    b.output("r1", b.add(r, b.scalar(1)));
    b.output("p2", b.add(p, b.index(v, 0, 0)));
    b.output("c", b.scalar(7));
    Plan plan = Plan.compile(b.build());
    int width = 5;
    int outWidth = 4;
    for (int batch : new int[] {1, 63, 64, 65, 1000, Transfers.GROUP_MIN + 7}) {
      for (int chunkDoubles : new int[] {1, 100, 1 << 16}) {
        double[] x = new double[batch * width];
        double[] vs = new double[batch * 2];
        for (int i = 0; i < x.length; i++) {
          x[i] = i * 0.5 + 1;
        }
        for (int i = 0; i < vs.length; i++) {
          vs[i] = -i;
        }
        double[] out = new double[batch * outWidth];
        double[] c = new double[batch];
        Binding[] in = {Binding.contiguous(x, 4, width, 1), Binding.contiguous(x, 0, width, 1),
            Binding.contiguous(x, 2, width, 1), Binding.contiguous(vs, 0, 2, 2)};
        Binding[] outs = {Binding.contiguous(out, 3, outWidth, 1), Binding.contiguous(out, 0, outWidth, 1),
            Binding.contiguous(out, 1, outWidth, 1), Binding.contiguous(c, 0, 1, 1)};
        new Executor(2, chunkDoubles).run(plan, batch, in, outs);
        for (int s = 0; s < batch; s++) {
          double ps = x[s * width + 4];
          double qs = x[s * width];
          double rs = x[s * width + 2];
          String where = "sample " + s + " of " + batch + ", chunk doubles " + chunkDoubles;
          assertEquals(ps * qs, out[s * outWidth + 3], 0.0, where);
          assertEquals(rs + 1, out[s * outWidth], 0.0, where);
          assertEquals(ps + vs[2 * s], out[s * outWidth + 1], 0.0, where);
          assertEquals(0.0, out[s * outWidth + 2], 0.0, "untouched column, " + where);
          assertEquals(7.0, c[s], 0.0, where);
        }
      }
    }
  }
}
