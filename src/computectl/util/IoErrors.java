package computectl.util;

import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** I/O failures as the short phrases user-facing messages end with. */
public final class IoErrors {
  private IoErrors() {}

  /**
   * "no such file", "permission denied", "not valid UTF-8", else the exception's own message: the
   * NIO exceptions' messages are only the path, which the caller's message names already.
   */
  public static String describe(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "not valid UTF-8";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
