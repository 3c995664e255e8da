package io.sagaflow.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /ui} and {@code GET /ui/assets/{file}}: the status UI, static files from the classpath
 * folder {@code ui/}. The page only calls this API, so it needs nothing but these two routes.
 *
 * <p>Every answer says {@code Cache-Control: no-cache}: a browser may keep a copy but must
 * revalidate it, so after an upgrade nobody runs an old script against a new API.
 */
final class UiRoutes {
  /** The asset names the contract allows: no slashes or dots beyond the extension. */
  private static final Pattern ASSET = Pattern.compile("[a-z0-9-]+\\.(js|css)");

  private static final Map<String, String> MEDIA_TYPES =
      Map.of("js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8");

  /**
   * The page may load only its own assets and call only this server: a rendering bug can then
   * neither run injected script nor send saga data elsewhere.
   */
  private static final String CONTENT_SECURITY_POLICY =
      String.join(
          "; ",
          "default-src 'self'",
          "img-src 'self' data:",
          "base-uri 'none'",
          "form-action 'none'",
          "frame-ancestors 'none'");

  private final byte[] page;
  private final Map<String, Optional<byte[]>> assets = new ConcurrentHashMap<>();

  UiRoutes() {
    this.page =
        read("index.html")
            .orElseThrow(() -> new IllegalStateException("ui/index.html is missing from the jar"));
  }

  void page(Context ctx) {
    ctx.header("Cache-Control", "no-cache")
        .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .contentType("text/html; charset=utf-8")
        .result(page);
  }

  void asset(Context ctx) {
    String file = ctx.pathParam("file");
    Matcher name = ASSET.matcher(file);
    Optional<byte[]> body =
        name.matches() ? assets.computeIfAbsent(file, UiRoutes::read) : Optional.empty();
    if (body.isEmpty()) {
      throw ApiProblem.of(
          404,
          "no-such-asset",
          "No such UI asset",
          "The UI has no asset '"
              + (file.length() > 64 ? file.substring(0, 64) + "..." : file)
              + "'; open /ui, which names the assets it needs.");
    }
    ctx.header("Cache-Control", "no-cache")
        .header("X-Content-Type-Options", "nosniff")
        .contentType(MEDIA_TYPES.get(name.group(1)))
        .result(body.get());
  }

  private static Optional<byte[]> read(String file) {
    try (InputStream in = UiRoutes.class.getResourceAsStream("/ui/" + file)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read ui/" + file + " from the classpath", e);
    }
  }
}
