package io.sagaflow.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An operator's endpoint for the rollout webhook, on 127.0.0.1: it refuses the first post with 503
 * (a deploy of the receiver, say) and accepts every later one with 204, recording each.
 */
final class HookEndpoint implements AutoCloseable {
  /**
   * One post received.
   *
   * @param idempotencyKey its {@code Idempotency-Key}
   * @param authorization its {@code Authorization}
   * @param body the JSON it carried
   * @param status what the endpoint answered
   */
  record Post(String idempotencyKey, String authorization, String body, int status) {}

  private final HttpServer server;
  private final List<Post> posts = new CopyOnWriteArrayList<>();

  private HookEndpoint(HttpServer server) {
    this.server = server;
  }

  static HookEndpoint start() throws IOException {
    HookEndpoint hook =
        new HookEndpoint(
            HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16));
    hook.server.createContext("/hooks/rollouts", hook::receive);
    hook.server.start();
    return hook;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/rollouts";
  }

  /** Every post, in the order received. */
  List<Post> posts() {
    return List.copyOf(posts);
  }

  private void receive(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      int status = posts.isEmpty() ? 503 : 204;
      posts.add(
          new Post(
              exchange.getRequestHeaders().getFirst("Idempotency-Key"),
              exchange.getRequestHeaders().getFirst("Authorization"),
              body,
              status));
      exchange.sendResponseHeaders(status, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
