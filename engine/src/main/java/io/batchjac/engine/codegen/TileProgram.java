package io.batchjac.engine.codegen;

/**
 * Generated code of a fused group of elementwise operations (see the engine's
 * {@code exec/FusedCode}): runs the group over {@code total} consecutive values, tile by tile.
 */
public abstract class TileProgram {
  /**
   * @param arrays the group's external inputs, then the arrays its written-out values go to
   * @param offsets where value 0 of the run sits in each of {@code arrays}
   * @param scalars the group's scalar constant operands
   * @param total the number of values of the run
   * @param tiles at least the program's tile count of arrays of its tile size
   * @param scratch the scratch tiles of the vectorized kernels (VecMath's), each at least a tile
   */
  public abstract void run(double[][] arrays, int[] offsets, double[] scalars, int total, double[][] tiles,
      double[][] scratch);
}
