package io.sagaflow.embedded.kafka;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives a test one shared embedded broker per test JVM and its own topics.
 *
 * <p>Starting a broker costs a few seconds, so all test classes in one JVM share it; isolation
 * comes from topic names instead: every {@link TestKafka} hands out names with a unique suffix. Use
 * with {@code @ExtendWith(KafkaBrokerExtension.class)} and declare a {@link TestKafka} or {@link
 * EmbeddedKafkaBroker} parameter on a test method, constructor or lifecycle method.
 */
public final class KafkaBrokerExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestKafka.class || type == EmbeddedKafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    EmbeddedKafkaBroker broker = sharedBroker(context);
    if (parameter.getParameter().getType() == EmbeddedKafkaBroker.class) {
      return broker;
    }
    return new TestKafka(broker);
  }

  private static EmbeddedKafkaBroker sharedBroker(ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
    return store
        .getOrComputeIfAbsent(
            SharedBroker.class, key -> new SharedBroker(startBroker()), SharedBroker.class)
        .broker();
  }

  private static EmbeddedKafkaBroker startBroker() {
    return EmbeddedKafkaBroker.builder().build().start();
  }

  /**
   * Closes the shared broker when the root context (the test JVM's run) ends: JUnit closes
   * AutoCloseable values of the root store at that point.
   */
  private record SharedBroker(EmbeddedKafkaBroker broker) implements AutoCloseable {
    @Override
    public void close() {
      broker.close();
    }
  }
}
