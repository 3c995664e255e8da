package io.sagaflow.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads a process's output on its own thread so the process never blocks on a full pipe. */
final class OutputCollector {
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final Thread thread;

  OutputCollector(InputStream in) {
    thread =
        new Thread(
            () -> {
              byte[] chunk = new byte[8192];
              try {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                  synchronized (buffer) {
                    buffer.write(chunk, 0, n);
                  }
                }
              } catch (IOException e) {
                synchronized (buffer) {
                  buffer.writeBytes(
                      ("[output read failed: " + e + "]").getBytes(StandardCharsets.UTF_8));
                }
              }
            });
    thread.setDaemon(true);
    thread.start();
  }

  String text() {
    synchronized (buffer) {
      return buffer.toString(StandardCharsets.UTF_8);
    }
  }

  void join() throws InterruptedException {
    thread.join(10_000);
  }
}
