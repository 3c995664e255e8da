package io.sagaflow.engine;

import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Maps a step's typed reply result onto the saga data.
 *
 * @param <D> saga data type
 * @param <R> reply result type the participant sends
 * @param resultType checked at run time: a reply whose result has another type is INVALID
 * @param mapper pure function from (data, result) to the new data
 */
public record ReplyMapping<D, R>(Class<R> resultType, BiFunction<D, R, D> mapper) {

  /** Rejects missing parts at definition time. */
  public ReplyMapping {
    Objects.requireNonNull(resultType, "resultType");
    Objects.requireNonNull(mapper, "mapper");
  }

  /** True when {@code result} has the type this mapping expects. */
  public boolean accepts(Object result) {
    return resultType.isInstance(result);
  }

  /** Applies the mapping; callers check {@link #accepts} first. */
  public D apply(D data, Object result) {
    return Objects.requireNonNull(
        mapper.apply(data, resultType.cast(result)), "reply mapping returned null data");
  }
}
