package computectl.pgwire;

/** One protocol message: its type byte and its body (without the length word). */
public record Message(char type, byte[] body) {
  public MessageReader reader() {
    return new MessageReader(body, MessageStream.describe(type));
  }
}
