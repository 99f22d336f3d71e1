package io.batchjac.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping the JVMs a test started, by PID, with their descendants (executors, containers). */
final class ProcessTrees {
  private ProcessTrees() {}

  /**
   * Sends SIGTERM to every process of {@code roots} (the last started first) and to each one's
   * descendants, then SIGKILL to any still alive {@code grace} after.
   */
  static void stop(List<Process> roots, Duration grace) {
    List<ProcessHandle> all = new ArrayList<>();
    for (int i = roots.size() - 1; i >= 0; i--) {
      Process p = roots.get(i);
      p.descendants().forEach(all::add);
      all.add(p.toHandle());
    }
    all.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
  }
}
