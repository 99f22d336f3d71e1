package io.batchjac.engine.lang;

/**
 * "Did you mean" suggestions by edit distance (Levenshtein with transpositions of adjacent
 * letters counting as one edit, so {@code tnah} is closer to {@code tanh} than to {@code tan}):
 * the first candidate at the smallest distance, if that distance is at most 2 and at most half
 * the name's length (so {@code foo} suggests nothing rather than {@code cos}).
 */
final class Suggest {
  private Suggest() {}

  /** {@code "; did you mean 'x'?"}, or the empty string when no candidate is close enough. */
  static String didYouMean(String name, Iterable<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(name, c);
      if (d < bestDistance && !c.equals(name)) {
        best = c;
        bestDistance = d;
      }
    }
    if (best == null || bestDistance > 2 || bestDistance > name.length() / 2) {
      return "";
    }
    return "; did you mean '" + best + "'?";
  }

  /**
   * Optimal-string-alignment distance: insertions, deletions, substitutions and transpositions of
   * adjacent characters, each of cost 1.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
