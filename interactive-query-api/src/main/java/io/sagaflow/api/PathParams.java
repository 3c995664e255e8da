package io.sagaflow.api;

import io.javalin.http.Context;
import java.util.regex.Pattern;

/** Validated path parameters: bounded length, a safe alphabet, a clear 400 otherwise. */
final class PathParams {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  private PathParams() {}

  /** The path parameter {@code name}, checked to be 1-128 of {@code A-Z a-z 0-9 . _ : -}. */
  static String name(Context ctx, String name) {
    String value = ctx.pathParam(name);
    if (!NAME.matcher(value).matches()) {
      throw ApiProblem.badRequest(
          "Path parameter '"
              + name
              + "' must be 1-128 characters of letters, digits, '.', '_', ':' or '-' and start"
              + " with a letter or digit; got '"
              + (value.length() > 64 ? value.substring(0, 64) + "..." : value)
              + "'.");
    }
    return value;
  }
}
