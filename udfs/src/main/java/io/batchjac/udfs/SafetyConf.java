package io.batchjac.udfs;

import io.batchjac.engine.lang.FileAccessPolicy;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * What specs that arrive as data (SQL, the Transformer, Spark Connect) may do on a shared
 * deployment: which files they may read and how large a row's result, an inline spec, a read file
 * and the per-JVM cache of compiled specs may be. Read from the APPLICATION's configuration
 * ({@code --conf}, {@code spark-defaults.conf}, the builder of the first session), never from a
 * session's SQL conf, so that a SQL user cannot lift them with {@code SET}. Serializable: a query
 * carries the settings it was analyzed with to its executors.
 *
 * <table>
 *   <caption>Confs and defaults</caption>
 *   <tr><td>{@value #FILES_ALLOWED}</td><td>comma-separated directories specs may read under;
 *       none: no file; {@code *}: any file (the command line's own queries)</td></tr>
 *   <tr><td>{@value #RESULT_VALUES}</td><td>values in one row's result, default 2^24</td></tr>
 *   <tr><td>{@value #INLINE_SPEC_BYTES}</td><td>UTF-8 bytes of an inline spec, default 1 MiB</td></tr>
 *   <tr><td>{@value #FILE_BYTES}</td><td>bytes of a file a spec reads (.fn, .onnx, load), default 256 MiB</td></tr>
 *   <tr><td>{@value #CACHE_BYTES}</td><td>estimated bytes of the compiled specs a JVM keeps, default 512 MiB</td></tr>
 *   <tr><td>{@value #CACHE_ENTRIES}</td><td>compiled specs a JVM keeps, default 64</td></tr>
 * </table>
 */
public record SafetyConf(FileAccessPolicy files, long maxResultValues, long maxInlineSpecBytes, long cacheMaxBytes,
    int cacheMaxEntries) implements Serializable {
  public static final String FILES_ALLOWED = "spark.batchjac.files.allowed";
  public static final String RESULT_VALUES = "spark.batchjac.limits.resultValues";
  public static final String INLINE_SPEC_BYTES = "spark.batchjac.limits.inlineSpecBytes";
  public static final String FILE_BYTES = "spark.batchjac.limits.fileBytes";
  public static final String CACHE_BYTES = "spark.batchjac.cache.maxBytes";
  public static final String CACHE_ENTRIES = "spark.batchjac.cache.maxEntries";

  public static final long DEFAULT_RESULT_VALUES = 1L << 24;
  public static final long DEFAULT_INLINE_SPEC_BYTES = 1L << 20;
  public static final long DEFAULT_FILE_BYTES = 256L << 20;
  public static final long DEFAULT_CACHE_BYTES = 512L << 20;
  public static final int DEFAULT_CACHE_ENTRIES = 64;

  /** How a refused message ends: who sets a conf and when. */
  private static final String BY_OPERATOR = " when the application starts (--conf or spark-defaults.conf; SET in a "
      + "session does not change it)";

  /** The settings of this JVM's Spark application (driver or executor), or of the system properties without one. */
  public static SafetyConf current() {
    SparkEnv env = SparkEnv.get();
    return of(env != null ? env.conf() : new SparkConf());
  }

  /** The settings in {@code conf}, defaults for what is not set; a malformed value is an error naming its conf. */
  public static SafetyConf of(SparkConf conf) {
    long fileBytes = bytes(conf, FILE_BYTES, DEFAULT_FILE_BYTES);
    String allowed = conf.get(FILES_ALLOWED, "").strip();
    FileAccessPolicy files = allowed.equals("*") ? FileAccessPolicy.unrestricted()
        : FileAccessPolicy.onlyUnder(dirs(allowed), fileBytes,
            "set " + FILES_ALLOWED + " to the directories SQL specs may read" + BY_OPERATOR,
            "raise " + FILE_BYTES + BY_OPERATOR);
    return new SafetyConf(files, positive(conf, RESULT_VALUES, DEFAULT_RESULT_VALUES),
        bytes(conf, INLINE_SPEC_BYTES, DEFAULT_INLINE_SPEC_BYTES), bytes(conf, CACHE_BYTES, DEFAULT_CACHE_BYTES),
        (int) Math.min(Integer.MAX_VALUE, positive(conf, CACHE_ENTRIES, DEFAULT_CACHE_ENTRIES)));
  }

  /** No file restriction and the default limits: the operator's own code (tests, the CLI's jobs). */
  public static SafetyConf unrestricted() {
    return new SafetyConf(FileAccessPolicy.unrestricted(), DEFAULT_RESULT_VALUES, DEFAULT_INLINE_SPEC_BYTES,
        DEFAULT_CACHE_BYTES, DEFAULT_CACHE_ENTRIES);
  }

  /**
   * Refuses a result of {@code values} values per row ({@code shape} says how they come about,
   * e.g. {@code "50000 x 50000"}) above {@link #maxResultValues}, naming the function, the size
   * and the conf.
   */
  public void checkResultValues(String function, long values, String shape) {
    if (values > maxResultValues) {
      throw new IllegalArgumentException(function + ": one row's result would have " + values + " values (" + shape
          + ", " + SizeText.bytes(values * 8) + "), more than the limit of " + maxResultValues
          + " values per row; the operator raises " + RESULT_VALUES + BY_OPERATOR);
    }
  }

  /** Refuses an inline spec longer than {@link #maxInlineSpecBytes} (UTF-8), naming the conf. */
  public void checkInlineSpec(String text) {
    long n = text.getBytes(StandardCharsets.UTF_8).length;
    if (n > maxInlineSpecBytes) {
      throw new IllegalArgumentException("the inline spec has " + n + " bytes, more than the limit of "
          + maxInlineSpecBytes + " bytes; the operator raises " + INLINE_SPEC_BYTES + BY_OPERATOR);
    }
  }

  private static List<Path> dirs(String list) {
    List<Path> out = new ArrayList<>();
    for (String d : list.split(",")) {
      String t = d.strip();
      if (t.isEmpty()) {
        continue;
      }
      try {
        out.add(Path.of(t));
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException(FILES_ALLOWED + ": '" + t + "' is not a valid directory path: " + e.getReason());
      }
    }
    return out;
  }

  private static long bytes(SparkConf conf, String key, long dflt) {
    if (!conf.contains(key)) {
      return dflt;
    }
    String v = conf.get(key).strip();
    long n;
    try {
      n = org.apache.spark.network.util.JavaUtils.byteStringAsBytes(v.toLowerCase(Locale.ROOT));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a size in bytes such as 1048576, 512k, 256m or 1g, got '" + v + "'");
    }
    return requirePositive(key, n, v);
  }

  private static long positive(SparkConf conf, String key, long dflt) {
    if (!conf.contains(key)) {
      return dflt;
    }
    String v = conf.get(key).strip();
    try {
      return requirePositive(key, Long.parseLong(v), v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
    }
  }

  private static long requirePositive(String key, long n, String text) {
    if (n <= 0) {
      throw new IllegalArgumentException(key + " must be positive, got '" + text + "'");
    }
    return n;
  }
}
