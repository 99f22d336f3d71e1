package io.batchjac.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.batchjac.engine.lang.Spec;
import io.batchjac.engine.lang.SpecException;
import io.batchjac.engine.lang.SpecParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing (Jazzer) of the function-language parser: whatever the text, parsing
 * either returns a {@link Spec} or throws a {@link SpecException} (the one documented error type,
 * which carries file:line:column). Any other exception, an endless loop or a stack overflow is a
 * finding: Jazzer stores the input under {@code SpecParserFuzzITInputs/} in the test resources,
 * where later runs replay it.
 *
 * <p>{@code mvn verify} fuzzes for {@code maxDuration} ({@code JAZZER_FUZZ=1} in the failsafe
 * configuration); without that variable the test replays the seed and finding inputs only. Only
 * one fuzz test runs per JVM, so each fuzz target has its own class and fork.
 */
class SpecParserFuzzIT {
  private static final AtomicLong RUNS = new AtomicLong();
  private static final AtomicLong PARSED = new AtomicLong();

  @FuzzTest(maxDuration = "25s")
  void parsesOrExplains(byte[] input) {
    RUNS.incrementAndGet();
    String text = new String(input, StandardCharsets.UTF_8);
    try {
      Spec spec = SpecParser.parseInline(text);
      if (spec.graph() == null) {
        throw new AssertionError("a parsed spec without a graph for: " + text);
      }
      PARSED.incrementAndGet();
    } catch (SpecException expected) {
      if (expected.getMessage() == null || expected.getMessage().isBlank()) {
        throw new AssertionError("a SpecException without a message for: " + text, expected);
      }
    }
  }

  @AfterAll
  static void report() {
    System.out.println("SpecParserFuzzIT: " + RUNS.get() + " inputs, " + PARSED.get() + " parsed to a graph");
  }
}
