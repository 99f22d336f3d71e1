package io.batchjac.jobs.core;

import io.batchjac.engine.api.Sampler;

/**
 * B samples drawn from the spec's input distributions with a counter-based generator: sample b
 * depends only on (seed, b), so any partitioning draws the same numbers.
 */
public final class SampledSource implements BatchSource {
  private static final long serialVersionUID = 1L;

  private final SpecBundle spec;
  private final long batch;
  private final long seed;
  private final int width;
  /** The sampler, made once per deserialized copy: a task draws block after block. */
  private transient Sampler sampler;

  public SampledSource(SpecBundle spec, long batch, long seed) {
    this.spec = spec;
    this.batch = batch;
    this.seed = seed;
    this.width = spec.graph().inputSize();
  }

  @Override
  public long batch() {
    return batch;
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public double[] rows(long b0, int count) {
    return sampler().draw(b0, count);
  }

  @Override
  public void rows(long b0, int count, double[] out) {
    sampler().draw(b0, count, out);
  }

  private Sampler sampler() {
    Sampler s = sampler;
    if (s == null) {
      s = new Sampler(spec.graph(), seed);
      sampler = s;
    }
    return s;
  }
}
