package io.batchjac.udfs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects the WARN and higher messages that any logger prints while it is open (a log4j2
 * appender on the root logger), for tests that assert what Spark does or does not warn about.
 */
final class LogCapture extends AbstractAppender implements AutoCloseable {
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final LoggerContext context = (LoggerContext) LogManager.getContext(false);

  LogCapture() {
    super("batchjac-test-capture", null, null, true, Property.EMPTY_ARRAY);
    start();
    context.getConfiguration().getRootLogger().addAppender(this, Level.WARN, null);
    context.updateLoggers();
  }

  @Override
  public void append(LogEvent event) {
    messages.add(event.getLoggerName() + ": " + event.getMessage().getFormattedMessage());
  }

  /** The messages captured so far that contain {@code text}. */
  List<String> containing(String text) {
    return messages.stream().filter(m -> m.contains(text)).toList();
  }

  @Override
  public void close() {
    context.getConfiguration().getRootLogger().removeAppender(getName());
    context.updateLoggers();
    stop();
  }
}
