package io.sagaflow.connect.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Serves a Sagaflow command topic over HTTP: each command is posted to its participant's URL and
 * the answer becomes a {@code StepReply} on the command's reply topic. Configuration, error mapping
 * and delivery guarantees: docs/connectors.md.
 */
public final class HttpParticipantSinkConnector extends SinkConnector {
  /** The plugin's version, from its jar's manifest. */
  static final String VERSION =
      Optional.ofNullable(
              HttpParticipantSinkConnector.class.getPackage().getImplementationVersion())
          .orElse("development");

  /** Set on each task's config: tells the tasks' reply producers apart. */
  static final String TASK_ID = "sagaflow.task.id";

  private Map<String, String> props;

  @Override
  public String version() {
    return VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    // Parsed once here so a bad setting fails the connector, not each task.
    new HttpParticipantConfig(props);
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return HttpParticipantSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) {
      Map<String, String> task = new HashMap<>(props);
      task.put(TASK_ID, Integer.toString(i));
      configs.add(task);
    }
    return configs;
  }

  @Override
  public void stop() {
    props = null;
  }

  @Override
  public ConfigDef config() {
    return HttpParticipantConfig.DEFINITION;
  }
}
