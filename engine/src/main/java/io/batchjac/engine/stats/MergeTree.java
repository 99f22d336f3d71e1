package io.batchjac.engine.stats;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.LongFunction;

/**
 * A fixed binary merge tree over the blocks {@code 0 .. blocks-1} of a batch, so that a reduction
 * gives bitwise the same result however the blocks are split between workers. Floating-point
 * merging is not associative; Spark's {@code treeAggregate} merges in an order that depends on the
 * partitions, this tree never does.
 *
 * <p>The tree: node {@code (level L, index k)} covers blocks {@code [k * 2^L, (k + 1) * 2^L)}
 * clipped to {@code [0, blocks)}; a leaf (L = 0) is one block; a node's value is
 * {@code merge(left child, right child)}, or the left child's value itself when the right child
 * covers no block. Example, 5 blocks: root (3, 0) = merge((2, 0), (2, 1));
 * (2, 0) = merge(merge(b0, b1), merge(b2, b3)); (2, 1) = (1, 2) = (0, 4) = b4.
 *
 * <p>A worker holding the contiguous blocks {@code [a, b)} computes {@link #pieces}: the values
 * of the largest nodes whose blocks all lie in its range (descending from the root: at most about
 * 2 log2(blocks) of them), computing leaves in increasing block order and holding at most one
 * partial value per level. The driver completes the tree from every worker's pieces with
 * {@link #root}. Each node's value is defined by the tree alone, wherever it is computed.
 */
public final class MergeTree {
  private MergeTree() {}

  /** One computed node of the tree. */
  public record Piece<T>(int level, long index, T value) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** Levels above the leaves: the smallest H with 2^H >= blocks. */
  static int height(long blocks) {
    return blocks <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(blocks - 1);
  }

  /**
   * The pieces of the blocks {@code [from, to)} (within {@code [0, blocks)}).
   *
   * @param leaf the value of one block, called once per block in increasing block order
   */
  public static <T> List<Piece<T>> pieces(long blocks, long from, long to, LongFunction<T> leaf, BinaryOperator<T> merge) {
    if (from < 0 || to > blocks || from > to) {
      throw new IllegalArgumentException("block range [" + from + ", " + to + ") is not within [0, " + blocks + ")");
    }
    List<Piece<T>> out = new ArrayList<>();
    if (from < to) {
      collect(blocks, height(blocks), 0, from, to, leaf, merge, out);
    }
    return out;
  }

  private static <T> void collect(long blocks, int level, long index, long from, long to, LongFunction<T> leaf,
      BinaryOperator<T> merge, List<Piece<T>> out) {
    long lo = index << level;
    long hi = Math.min((index + 1) << level, blocks);
    if (hi <= from || lo >= to || lo >= hi) {
      return;
    }
    if (from <= lo && hi <= to) {
      out.add(new Piece<>(level, index, value(blocks, level, index, leaf, merge)));
      return;
    }
    collect(blocks, level - 1, 2 * index, from, to, leaf, merge, out);
    collect(blocks, level - 1, 2 * index + 1, from, to, leaf, merge, out);
  }

  private static <T> T value(long blocks, int level, long index, LongFunction<T> leaf, BinaryOperator<T> merge) {
    if (level == 0) {
      return leaf.apply(index);
    }
    T left = value(blocks, level - 1, 2 * index, leaf, merge);
    if (((2 * index + 1) << (level - 1)) >= blocks) {
      return left;
    }
    return merge.apply(left, value(blocks, level - 1, 2 * index + 1, leaf, merge));
  }

  /**
   * The root's value from the pieces of workers that together hold every block exactly once (in
   * any order), or null when {@code blocks} is 0.
   */
  public static <T> T root(long blocks, List<Piece<T>> pieces, BinaryOperator<T> merge) {
    Map<Long, Map<Long, T>> byLevel = new HashMap<>();
    for (Piece<T> p : pieces) {
      T old = byLevel.computeIfAbsent((long) p.level(), l -> new HashMap<>()).put(p.index(), p.value());
      if (old != null) {
        throw new IllegalArgumentException("node (" + p.level() + ", " + p.index() + ") was computed twice");
      }
    }
    return blocks == 0 ? null : resolve(blocks, height(blocks), 0, byLevel, merge);
  }

  private static <T> T resolve(long blocks, int level, long index, Map<Long, Map<Long, T>> byLevel, BinaryOperator<T> merge) {
    T have = byLevel.getOrDefault((long) level, Map.of()).get(index);
    if (have != null) {
      return have;
    }
    if (level == 0) {
      throw new IllegalArgumentException("block " + index + " of " + blocks + " is missing from the pieces");
    }
    T left = resolve(blocks, level - 1, 2 * index, byLevel, merge);
    if (((2 * index + 1) << (level - 1)) >= blocks) {
      return left;
    }
    return merge.apply(left, resolve(blocks, level - 1, 2 * index + 1, byLevel, merge));
  }
}
