package io.sagaflow.embedded.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Finds ports that are free on the loopback interface. */
public final class FreePorts {
  private FreePorts() {}

  /**
   * Returns a port that was free on 127.0.0.1 a moment ago. The KRaft controller's port must be
   * known before the server starts (it is part of the quorum voter string), so an ephemeral port
   * cannot be used directly; the small window between closing this probe socket and the broker
   * binding the port is accepted.
   */
  public static int pick() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free port on 127.0.0.1", e);
    }
  }
}
