package io.sagaflow.testkit.junit;

import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import java.net.URI;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real Kafka broker (single-node KRaft, in process) and a Confluent-compatible schema registry
 * for a test, in one line: {@code @ExtendWith(SagaflowExtension.class)}. Declare a parameter of a
 * test method, constructor or lifecycle method as
 *
 * <ul>
 *   <li>{@link SagaflowCluster}: both addresses and client properties;
 *   <li>{@code @BootstrapServers String}: the broker's bootstrap servers;
 *   <li>{@code @SchemaRegistryUrl String} or {@code URI}: the registry's base URL.
 * </ul>
 *
 * <p>Starting a broker costs a few seconds, so every test class in one JVM shares one broker and
 * one registry (in memory), closed when the run ends; tests keep apart by using topic names of
 * their own ({@link SagaflowCluster#uniqueName}).
 */
public final class SagaflowExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SagaflowExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == SagaflowCluster.class) {
      return true;
    }
    if (parameter.isAnnotated(BootstrapServers.class)) {
      return type == String.class;
    }
    if (parameter.isAnnotated(SchemaRegistryUrl.class)) {
      return type == String.class || type == URI.class;
    }
    return false;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    SagaflowCluster cluster = shared(context);
    Class<?> type = parameter.getParameter().getType();
    if (type == SagaflowCluster.class) {
      return cluster;
    }
    if (parameter.isAnnotated(BootstrapServers.class)) {
      return cluster.bootstrapServers();
    }
    if (parameter.isAnnotated(SchemaRegistryUrl.class)) {
      return type == URI.class ? cluster.registryUrl() : cluster.registryUrl().toString();
    }
    throw new ParameterResolutionException(
        "SagaflowExtension cannot supply " + parameter.getParameter());
  }

  private static SagaflowCluster shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            Infrastructure.class, key -> Infrastructure.start(), Infrastructure.class)
        .cluster();
  }

  /**
   * The broker and registry of one test JVM; JUnit closes AutoCloseable values of the root store
   * when the run ends.
   */
  private record Infrastructure(EmbeddedKafkaBroker broker, SchemaRegistryServer registry)
      implements AutoCloseable {
    static Infrastructure start() {
      EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
      try {
        return new Infrastructure(broker, SchemaRegistryServer.startInMemory());
      } catch (RuntimeException e) {
        broker.close();
        throw e;
      }
    }

    SagaflowCluster cluster() {
      return new SagaflowCluster(broker.bootstrapServers(), registry.url());
    }

    @Override
    public void close() {
      try {
        registry.close();
      } finally {
        broker.close();
      }
    }
  }
}
