import io.batchjac.engine.api.*;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.lang.SpecParser;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * CPU time of ONE thread per run of an engine operation (the engine on one thread, OpenBLAS on
 * one thread): on a shared, loaded machine a thread's CPU time swings far less than wall time,
 * so kernel changes can be compared where wall-clock runs cannot. Run by
 * benchmarks/fusion-cpu-time.sh; usage: java -cp CLASSPATH CpuTime.java SPEC OP B REPS, OP one
 * of jacobian (auto backend), forward, jvp, vjp, hessian. Prints the least and median CPU
 * seconds of REPS runs (after 3 untimed ones) into one reused output buffer.
 */
public class CpuTime {
  public static void main(String[] a) {
    Graph f = SpecParser.parseFile(Path.of(a[0])).graph();
    String op = a[1];
    int batch = Integer.parseInt(a[2]);
    int reps = Integer.parseInt(a[3]);
    PreparedOp p = switch (op) {
      case "jacobian" -> PreparedOp.jacobian(f, Backend.auto(), Engine.Wrt.inputs());
      case "forward" -> PreparedOp.jacobian(f, Backend.forward(), Engine.Wrt.inputs());
      case "jvp" -> PreparedOp.jvp(f, Engine.Wrt.inputs());
      case "vjp" -> PreparedOp.vjp(f, Engine.Wrt.inputs());
      case "hessian" -> PreparedOp.hessian(f, Backend.auto(), Engine.Wrt.inputs());
      default -> throw new IllegalArgumentException(op);
    };
    int n = f.inputs().stream().mapToInt(x -> x.shape().size()).sum();
    SplittableRandom r = new SplittableRandom(1);
    double[] x = new double[n * batch];
    for (int i = 0; i < x.length; i++) x[i] = r.nextDouble(-1, 1);
    double[] e = p.extraWidth() == 0 ? null : new double[p.extraWidth() * batch];
    if (e != null) for (int i = 0; i < e.length; i++) e[i] = r.nextDouble(-1, 1);
    double[] out = new double[p.outPerSample() * batch];
    Executor ex = new Executor(1, Executor.DEFAULT_CHUNK_DOUBLES);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double[] t = new double[reps];
    for (int i = 0; i < 3; i++) p.runInto(ex, x, n, e, batch, out);
    for (int i = 0; i < reps; i++) {
      long c0 = mx.getCurrentThreadCpuTime();
      p.runInto(ex, x, n, e, batch, out);
      t[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
    }
    Arrays.sort(t);
    System.out.printf("%s %s B=%d cpu s: min %.4f median %.4f  gemm GF/s at min %.1f%n", a[0].replaceAll(".*/", ""), op, batch, t[0], t[reps / 2],
        p.gemmFlopsPerSample() * (double) batch / t[0] / 1e9);
  }
}
