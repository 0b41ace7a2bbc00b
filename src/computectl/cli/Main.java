package computectl.cli;

import computectl.util.BuildInfo;

/** Entry point of compute_ctl. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("--version")) {
      System.out.println("compute_ctl " + BuildInfo.buildTag());
      return;
    }
    System.out.println("usage: compute_ctl [OPTIONS]");
  }
}
