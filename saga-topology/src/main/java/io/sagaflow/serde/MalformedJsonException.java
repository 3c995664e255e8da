package io.sagaflow.serde;

/** Text that {@link RegistryJson} refused; the message names the offset and the problem there. */
final class MalformedJsonException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final int offset;

  MalformedJsonException(int offset, String problem) {
    super("Malformed JSON at offset " + offset + ": " + problem);
    this.offset = offset;
  }

  /** The offset (in chars) of the text where reading failed. */
  int offset() {
    return offset;
  }
}
