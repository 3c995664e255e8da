package io.sagaflow.app;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * Every line the JVM logs while open, as the runnable writes it in both of its formats: JSON with
 * the MDC and the stack traces of exceptions, and text. Attached to the root logger, so Sagaflow's
 * lines, the participants', Kafka's and the broker's are all in.
 */
final class CapturedLogs implements AutoCloseable {
  private final ByteArrayOutputStream json = new ByteArrayOutputStream();
  private final ByteArrayOutputStream text = new ByteArrayOutputStream();
  private final OutputStreamAppender<ILoggingEvent> jsonAppender;
  private final OutputStreamAppender<ILoggingEvent> textAppender;
  private final Logger root;

  CapturedLogs() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    JsonEncoder jsonEncoder = new JsonEncoder();
    jsonEncoder.setWithArguments(false);
    jsonEncoder.setWithMessage(false);
    jsonEncoder.setWithFormattedMessage(true);
    PatternLayoutEncoder textEncoder = new PatternLayoutEncoder();
    textEncoder.setPattern("%level %logger - %msg [%mdc]%n%ex");
    jsonAppender = attach(context, "canary-json", jsonEncoder, json);
    textAppender = attach(context, "canary-text", textEncoder, text);
  }

  private OutputStreamAppender<ILoggingEvent> attach(
      LoggerContext context,
      String name,
      Encoder<ILoggingEvent> encoder,
      ByteArrayOutputStream sink) {
    encoder.setContext(context);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setName(name);
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(sink);
    appender.start();
    root.addAppender(appender);
    return appender;
  }

  /** Everything logged so far, JSON lines then text lines. */
  String text() {
    synchronized (json) {
      synchronized (text) {
        return json.toString(StandardCharsets.UTF_8) + text.toString(StandardCharsets.UTF_8);
      }
    }
  }

  @Override
  public void close() {
    root.detachAppender(jsonAppender);
    root.detachAppender(textAppender);
    jsonAppender.stop();
    textAppender.stop();
  }
}
