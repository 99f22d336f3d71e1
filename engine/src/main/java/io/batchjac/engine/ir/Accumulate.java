package io.batchjac.engine.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sum of the cotangent contributions a node receives in reverse mode. Contributions that are
 * pads (the transposes of slices: {@code x[0]}, {@code x[1]}, ... each send back a padded piece)
 * are summed per window inside the window first, then added in window order, where
 * {@link GraphBuilder#add} joins pads whose windows do not overlap into one pad of a
 * concatenation: the gradient of a function of {@code x[0] ... x[N-1]} is assembled by one copy
 * instead of N pads and N - 1 full-size sums. The order is fixed by the graph, so results stay
 * deterministic.
 */
final class Accumulate {
  private Accumulate() {}

  static Node sum(GraphBuilder b, List<Node> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    Map<String, List<Node>> byWindow = new LinkedHashMap<>();
    List<Node> others = new ArrayList<>();
    for (Node p : parts) {
      if (p.op() instanceof Pad pad) {
        String key = Arrays.toString(pad.start()) + p.arg(0).shape() + p.shape();
        byWindow.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
      } else {
        others.add(p);
      }
    }
    List<Node> pads = new ArrayList<>();
    for (List<Node> same : byWindow.values()) {
      Node inside = same.get(0).arg(0);
      for (int i = 1; i < same.size(); i++) {
        inside = b.add(inside, same.get(i).arg(0));
      }
      Pad pad = (Pad) same.get(0).op();
      pads.add(b.pad(inside, pad.start(), same.get(0).shape()));
    }
    pads.sort((x, y) -> Arrays.compare(((Pad) x.op()).start(), ((Pad) y.op()).start()));
    Node total = null;
    for (Node p : pads) {
      total = total == null ? p : b.add(total, p);
    }
    for (Node o : others) {
      total = total == null ? o : b.add(total, o);
    }
    return total;
  }
}
