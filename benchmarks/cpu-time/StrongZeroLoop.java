import io.batchjac.engine.codegen.*;
import io.batchjac.engine.ir.Elementwise;
import java.lang.management.*;
/**
 * The interpreter's strong-zero loop (zmul: the plain product and a running minimum of |x|) against
 * the plain product, on tiles of 512 values, CPU time of one thread (docs/fusion.md). Usage:
 * java -cp ENGINE_CLASSES:JANINO_JARS benchmarks/cpu-time/StrongZeroLoop.java
 */
public class StrongZeroLoop {
  public static void main(String[] x) {
    ElementKernel z = Kernels.of(Elementwise.ZMUL.definition());
    ElementKernel p = z.plain();
    double[] a = new double[512], b = new double[512], o = new double[512];
    for (int i = 0; i < 512; i++) { a[i] = 1 + i; b[i] = 0.5 - i; }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int r = 0; r < 8; r++) {
      long c0 = mx.getCurrentThreadCpuTime();
      for (int k = 0; k < 400000; k++) z.vv(a, b, o, 0, 512);
      long c1 = mx.getCurrentThreadCpuTime();
      for (int k = 0; k < 400000; k++) p.vv(a, b, o, 0, 512);
      long c2 = mx.getCurrentThreadCpuTime();
      System.out.printf("zmul %.3f plain %.3f ns/value%n", (c1 - c0) / 4e5 / 512, (c2 - c1) / 4e5 / 512);
    }
  }
}
