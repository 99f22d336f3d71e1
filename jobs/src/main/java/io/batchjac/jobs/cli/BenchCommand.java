package io.batchjac.jobs.cli;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Operation;
import io.batchjac.engine.api.PreparedOp;
import io.batchjac.engine.api.Reduce;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.exec.Blas;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.exec.OpenBlasCoretype;
import io.batchjac.engine.exec.StepProfile;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import io.batchjac.jobs.core.SpecBundle;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code batchjac bench}: times the in-process engine (no Spark) on B inputs drawn from the
 * spec's distributions (standard normal where none is declared). Reports best and median
 * seconds over the timed repetitions, samples/s, the GEMM rate reached, and the BLAS in use;
 * with {@code --roofline} also the machine's dgemm rate and memory bandwidth measured in the same
 * run, the kernel set OpenBLAS runs ({@link OpenBlasCore}) and one warning line when that is a
 * generic one on a CPU that can do better. The CPU model is printed with every run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Time the in-process engine (no Spark) on B samples drawn from the spec's distributions.")
final class BenchCommand implements Callable<Integer> {
  enum Op { jacobian, jvp, vjp, gradient, hessian, eval }

  @Spec
  CommandSpec spec;

  @Option(names = "--spec", required = true, paramLabel = "F.fn", description = "The function: a .fn file, an ONNX model (.onnx) or an inline spec.")
  String specPath;

  @Option(names = "--batch", defaultValue = "65536", paramLabel = "B", description = "Samples per run (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--op", defaultValue = "jacobian", description = "One of ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Op op;

  @Option(names = "--backend", defaultValue = "auto", description = "auto, forward or reverse (default ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--chunk", defaultValue = "0", paramLabel = "K", description = "Directions pushed at once (0 = default).")
  int chunk;

  @Option(names = "--wrt", split = ",", paramLabel = "NAMES", description = "Differentiate with respect to these parameters instead of the inputs.")
  java.util.List<String> wrt;

  @Option(names = "--threads", defaultValue = "0", paramLabel = "T", description = "Engine threads (0 = all cores).")
  int threads;

  @Option(names = "--repeat", defaultValue = "5", description = "Timed repetitions (default ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--warmup", defaultValue = "2", description = "Untimed warm-up runs, at least (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--warmup-time", defaultValue = "1", paramLabel = "S",
      description = "Keep warming up until S seconds have passed (default ${DEFAULT-VALUE}): the JIT compiles the generated kernels during the first runs.")
  double warmupTime;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the input draws (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--roofline", description = "Also measure the dgemm rate and memory bandwidth on this machine in the same run.")
  boolean roofline;

  @Option(names = "--reduce", paramLabel = "sum|mean", converter = ReduceConverter.class,
      description = "Time the sum or mean over the batch (Engine.reduced) instead of per-sample results.")
  Reduce reduce;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(names = "--per-row", description = "Time one sample per call instead (PreparedOp.run with a batch of 1 on one thread, as the SQL functions run): reports ns per row over --batch rows.")
  boolean perRow;

  @Option(names = "--profile", description = "After the timed runs, run --repeat more times timing every step of the plan, and print the most expensive steps and the time per kernel.")
  boolean profile;

  @Override
  public Integer call() throws Exception {
    if (batch < 1) {
      throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
    }
    if (repeat < 1 || warmup < 0 || !(warmupTime >= 0)) {
      throw new IllegalArgumentException("--repeat must be at least 1, --warmup and --warmup-time at least 0");
    }
    Graph f = SpecBundle.of(specPath).graph();
    int t = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    Executor executor = new Executor(t, Executor.DEFAULT_CHUNK_DOUBLES);
    Engine engine = reducing(new Engine(executor));
    Backend b = Backend.parse(backend, chunk);
    Engine.Wrt leaves = wrt == null ? Engine.Wrt.inputs() : Engine.Wrt.params(wrt.toArray(new String[0]));
    int n = leafSize(f);
    int m = f.outputSize();
    Tensor x = Tensor.of(Shape.of(batch, f.inputSize()), new Sampler(f, seed).draw(0, batch));
    Tensor u = Tensor.of(Shape.of(batch, n), wrt == null ? new Sampler(f, seed + 1).draw(0, batch)
        : uniforms(seed + 1, batch * n));
    Tensor v = Tensor.of(Shape.of(batch, m), uniforms(seed + 2, batch * m));
    if (perRow) {
      return perRow(engine, f, b, leaves, x, u, v);
    }
    Supplier<Tensor> api = workload(engine, f, b, leaves, x, u, v);
    Tensor first = api.get(); // the Engine API once: its checks, and the bits the timed runs must give
    PreparedOp prepared = reduce == null ? engine.prepare(f, operation(), b, leaves) : null; // the API's, cached
    double[] result = reduce == null ? new double[first.size()] : null;
    Tensor extra = extraOf(u, v);
    Runnable work = reduce != null ? api::get
        : () -> prepared.runInto(executor, x.data(), f.inputSize(), extra == null ? null : extra.data(), batch, result);
    if (result != null) {
      work.run();
      if (!Arrays.equals(result, first.data())) {
        throw new IllegalStateException("bench: PreparedOp.runInto differs from the Engine API's result");
      }
    }
    warmUp(work);
    long flops0 = engine.gemmFlopsExecuted();
    double[] secs = new double[repeat];
    for (int i = 0; i < repeat; i++) {
      long t0 = System.nanoTime();
      work.run();
      secs[i] = (System.nanoTime() - t0) / 1e9;
    }
    double flopsPerRun = prepared != null ? (double) prepared.gemmFlopsPerSample() * batch
        : (engine.gemmFlopsExecuted() - flops0) / (double) repeat;
    double[] sorted = secs.clone();
    Arrays.sort(sorted);
    double best = sorted[0];
    double median = median(sorted);
    double gemmGflops = flopsPerRun / best / 1e9;
    double peak = roofline ? Roofline.dgemmGflops(t, 256, 8192, 5) : Double.NaN;
    double bandwidth = roofline ? Roofline.triadGbs(t, Roofline.TRIAD_LENGTH, 5) : Double.NaN;
    Optional<String> core = roofline ? OpenBlasCore.probe() : Optional.empty();
    String coreReport = core.map(c -> OpenBlasCore.describe(c, System.getenv(OpenBlasCoretype.VARIABLE),
        System.getenv("BATCHJAC_CHOSE_OPENBLAS_CORETYPE") != null)).orElse(null);
    Optional<String> genericWarning = core.flatMap(c -> OpenBlasCoretype.thisMachine()
        .flatMap(cpu -> OpenBlasCore.genericWarning(c, cpu, peak)));
    String mode = (op == Op.jacobian || op == Op.gradient) ? b.resolve(n, m).name().toLowerCase(Locale.ROOT)
        : op == Op.jvp || op == Op.hessian ? "forward" : op == Op.vjp ? "reverse" : "none";
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(String.format(Locale.ROOT,
          "{\"spec\": %s, \"op\": \"%s\", \"reduce\": %s, \"mode\": \"%s\", \"batch\": %d, \"n\": %d, \"m\": %d, \"threads\": %d, "
              + "\"seconds_best\": %.6f, \"seconds_median\": %.6f, \"samples_per_s\": %.1f, "
              + "\"gemm_gflop_per_run\": %.4f, \"gemm_gflops\": %.3f, \"dgemm_peak_gflops\": %s, \"bandwidth_gbs\": %s, "
              + "\"blas\": %s, \"openblas_core\": %s, \"cpu\": %s, "
              + "\"seconds\": %s}",
          quote(specPath), op, reduce == null ? "null" : quote(reduce.cliName()), mode, batch, n, m, t, best, median, batch / best, flopsPerRun / 1e9, gemmGflops,
          roofline ? String.format(Locale.ROOT, "%.3f", peak) : "null",
          roofline ? String.format(Locale.ROOT, "%.3f", bandwidth) : "null", quote(Blas.describe()),
          coreReport == null ? "null" : quote(coreReport), quote(CpuModel.name()), Arrays.toString(secs)));
    } else {
      out.printf(Locale.ROOT, "%s%s of %s (N=%d, M=%d), B=%d, %s mode, %d threads%n", op,
          reduce == null ? "" : " --reduce " + reduce.cliName(), specPath, n, m, batch, mode, t);
      out.printf(Locale.ROOT, "  best %.4f s, median %.4f s over %d runs: %,.0f samples/s%n", best, median, repeat, batch / best);
      if (flopsPerRun > 0) {
        out.printf(Locale.ROOT, "  GEMM work %.3f GFLOP per run: %.1f GFLOP/s%s%n", flopsPerRun / 1e9, gemmGflops,
            roofline ? String.format(Locale.ROOT, " = %.0f%% of the dgemm rate %.1f GFLOP/s", 100 * gemmGflops / peak, peak) : "");
      } else if (roofline) {
        out.printf(Locale.ROOT, "  dgemm rate on this machine: %.1f GFLOP/s%n", peak);
      }
      if (roofline) {
        out.printf(Locale.ROOT, "  memory bandwidth on this machine (triad, %d threads): %.1f GB/s%n", t, bandwidth);
      }
      out.println("  BLAS: " + Blas.describe());
      if (coreReport != null) {
        out.println("  OpenBLAS core: " + coreReport);
      }
      out.println("  CPU: " + CpuModel.name());
      genericWarning.ifPresent(w -> out.println("  " + w));
    }
    if (profile) {
      StepProfile steps = new StepProfile();
      Supplier<Tensor> profiled = workload(reducing(new Engine(executor.profiled(steps))), f, b, leaves, x, u, v);
      long t0 = System.nanoTime();
      for (int i = 0; i < repeat; i++) {
        profiled.get();
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      out.printf(Locale.ROOT, "profile of %d more runs (%.3f s wall, steps timed one by one):%n", repeat, wall);
      out.print(steps.report(15));
    }
    out.flush();
    return 0;
  }

  /**
   * {@code --per-row}: the compiled operation run on one sample per call on one thread, over all
   * B rows per repetition (each row its own array, as a SQL function receives it).
   */
  private int perRow(Engine engine, Graph f, Backend b, Engine.Wrt leaves, Tensor x, Tensor u, Tensor v) {
    if (reduce != null || profile) {
      throw new IllegalArgumentException("--per-row cannot be combined with --reduce or --profile");
    }
    PreparedOp prepared = engine.prepare(f, operation(), b, leaves);
    int width = f.inputSize();
    double[][] rows = rowsOf(x.data(), width);
    Tensor extra = extraOf(u, v);
    double[][] extras = extra == null ? null : rowsOf(extra.data(), extra.shape().dim(1));
    Executor one = new Executor(1, Executor.DEFAULT_CHUNK_DOUBLES);
    double[] sink = new double[1];
    Runnable pass = () -> {
      for (int s = 0; s < batch; s++) {
        double[] r = prepared.run(one, rows[s], width, extras == null ? null : extras[s], 1);
        sink[0] += r[0];
      }
    };
    warmUp(pass);
    double[] ns = new double[repeat];
    double[] cpuNs = new double[repeat]; // the thread's CPU time: what a shared machine's other load does not inflate
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < repeat; i++) {
      long c0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      pass.run();
      ns[i] = (System.nanoTime() - t0) / (double) batch;
      cpuNs[i] = (mx.getCurrentThreadCpuTime() - c0) / (double) batch;
    }
    double[] sorted = ns.clone();
    Arrays.sort(sorted);
    double median = median(sorted);
    double[] cpuSorted = cpuNs.clone();
    Arrays.sort(cpuSorted);
    PrintWriter out = spec.commandLine().getOut();
    String route = prepared.rowProgramPasses() > 0 ? "row program" : "interpreter";
    if (json) {
      out.println(String.format(Locale.ROOT, "{\"spec\": %s, \"op\": \"%s\", \"per_row\": true, \"rows\": %d, "
          + "\"route\": \"%s\", \"ns_per_row_best\": %.1f, \"ns_per_row_median\": %.1f, "
          + "\"cpu_ns_per_row_best\": %.1f, \"cpu_ns_per_row_median\": %.1f, \"cpu\": %s, \"check\": %s}",
          quote(specPath), op, batch, route, sorted[0], median, cpuSorted[0], median(cpuSorted), quote(CpuModel.name()),
          sink[0]));
    } else {
      out.printf(Locale.ROOT, "%s of %s per row (N=%d, M=%d), %d rows one at a time, 1 thread, %s%n", op, specPath,
          leafSize(f), f.outputSize(), batch, route);
      out.printf(Locale.ROOT, "  best %.1f ns, median %.1f ns per row over %d runs: %,.0f rows/s%n", sorted[0], median,
          repeat, 1e9 / sorted[0]);
      out.printf(Locale.ROOT, "  thread CPU time: best %.1f ns, median %.1f ns per row%n", cpuSorted[0], median(cpuSorted));
      out.println("  CPU: " + CpuModel.name());
    }
    out.flush();
    return 0;
  }

  /** The median of sorted values. */
  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  }

  /** The rows of a row-major matrix of {@code width} columns, each its own array. */
  private static double[][] rowsOf(double[] data, int width) {
    double[][] rows = new double[data.length / width][];
    for (int s = 0; s < rows.length; s++) {
      rows[s] = Arrays.copyOfRange(data, s * width, (s + 1) * width);
    }
    return rows;
  }

  /** The engine, reducing over the batch when {@code --reduce} asks. */
  private Engine reducing(Engine e) {
    return reduce == null ? e : e.reduced(reduce);
  }

  /** N: the size of the inputs, or of the --wrt parameters (unknown names are refused). */
  private int leafSize(Graph f) {
    if (wrt == null) {
      return f.inputSize();
    }
    int n = 0;
    for (String name : wrt) {
      if (f.param(name) == null) {
        throw new IllegalArgumentException("--wrt: no parameter named '" + name + "'; the function has parameters "
            + f.params().stream().map(p -> p.name()).toList());
      }
      n += f.param(name).shape().size();
    }
    return n;
  }

  /** The per-sample extra input of --op: the tangents u (jvp), the cotangents v (vjp), else null. */
  private Tensor extraOf(Tensor u, Tensor v) {
    return op == Op.jvp ? u : op == Op.vjp ? v : null;
  }

  /** The engine's operation for --op. */
  private Operation operation() {
    return switch (op) {
      case jacobian -> Operation.JACOBIAN;
      case jvp -> Operation.JVP;
      case vjp -> Operation.VJP;
      case gradient -> Operation.GRADIENT;
      case hessian -> Operation.HESSIAN;
      case eval -> Operation.EVALUATE;
    };
  }

  /**
   * The operation through the Engine API (a new result per call). The timed runs without
   * --reduce instead write into one buffer allocated once ({@code PreparedOp.runInto}, as the
   * jobs' tasks run it): a result allocated per run lands in pages the JVM may not have touched
   * yet, and a first touch costs ~10 us a page on some virtual machines, which made the timings
   * swing by 2-4x (docs/benchmarks.md). The first call goes through this API and the timed runs
   * must give its bits.
   */
  private Supplier<Tensor> workload(Engine engine, Graph f, Backend b, Engine.Wrt leaves, Tensor x, Tensor u, Tensor v) {
    return switch (op) {
      case jacobian -> () -> engine.batchedJacobian(f, b, leaves, x);
      case jvp -> () -> engine.jvp(f, b, leaves, x, u);
      case vjp -> () -> engine.vjp(f, b, leaves, x, v);
      case gradient -> () -> engine.gradient(f, b, leaves, x);
      case hessian -> () -> engine.hessian(f, b, leaves, x);
      case eval -> () -> engine.evaluate(f, x);
    };
  }

  private static double[] uniforms(long seed, int count) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    double[] d = new double[count];
    for (int i = 0; i < count; i++) {
      d[i] = r.nextDouble(-1, 1);
    }
    return d;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * The untimed runs: {@code --warmup} of them, then more until {@code --warmup-time} seconds have
   * passed. Two runs of a 30 ms workload left the JIT compiling the generated kernels during the
   * timed runs (mlp VJP: medians 0.044-0.052 s against 0.033 s after 10 warm-ups, docs/benchmarks.md).
   */
  private void warmUp(Runnable run) {
    long t0 = System.nanoTime();
    for (int i = 0; i < warmup || (System.nanoTime() - t0) / 1e9 < warmupTime; i++) {
      run.run();
    }
  }
}
