package io.batchjac.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * Chunks start at multiples of the plan's GEMM panel ({@link Plan#panel()} samples) or the chunk is
 * the whole batch, the condition for results that do not depend on the chunk size and thread
 * count; a product with one column per sample takes panels of {@link MatMulStep#GEMM_COLUMNS}.
 */
class ExecutorChunkingTest {
  private static Plan plan(int width) {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(width));
    b.output("y", b.sin(x));
    return Plan.compile(b.build());
  }

  @Test
  void chunksAreWholePanelsOrTheWholeBatch() {
    for (int width : new int[] {1, 7, 64, 4096}) {
      Plan p = plan(width);
      for (int threads : new int[] {1, 2, 3, 8}) {
        for (int chunkDoubles : new int[] {1, 64, 1000, 5000, 1 << 16, 1 << 20}) {
          Executor e = new Executor(threads, chunkDoubles);
          for (int batch : new int[] {1, 5, 31, 32, 33, 100, 1000, 12345}) {
            int c = e.chunkSize(p, batch);
            String where = "width " + width + ", threads " + threads + ", chunkDoubles " + chunkDoubles + ", batch " + batch;
            assertTrue(c >= 1 && c <= batch, "chunk " + c + " out of range for " + where);
            assertTrue(c == batch || c % p.panel() == 0,
                "chunk " + c + " is neither the batch nor a multiple of " + p.panel() + " for " + where);
          }
        }
      }
    }
  }

  @Test
  void chunkFollowsTheTargetSizeAboveOnePanel() {
    Executor e = new Executor(1, 1 << 16);
    assertEquals(1024, e.chunkSize(plan(64), 100_000));
    assertEquals(MatMulStep.PANEL, e.chunkSize(plan(1 << 14), 100_000));
    assertEquals(2 * MatMulStep.PANEL, new Executor(4, 1 << 20).chunkSize(plan(8), 4 * 70));
  }

  @Test
  void oneColumnProductsTakeWiderPanels() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(16));
    Node w = b.constant(io.batchjac.engine.tensor.Tensor.zeros(Shape.of(64, 16)));
    b.output("y", b.tanh(b.matmul(w, x)));
    Plan p = Plan.compile(b.build());
    assertEquals(MatMulStep.GEMM_COLUMNS, p.panel(), p.describe());
    assertEquals(MatMulStep.PANEL, MatMulStep.panelFor(8), "8 columns a sample: 32 samples give 256");
    assertEquals(MatMulStep.GEMM_COLUMNS / 2, MatMulStep.panelFor(2));
    assertEquals(MatMulStep.GEMM_COLUMNS, new Executor(1, 1000).chunkSize(p, 100_000), "one panel at least");
    assertEquals(1024, new Executor(1, 1 << 16).chunkSize(p, 100_000));
  }
}
