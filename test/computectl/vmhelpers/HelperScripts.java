package computectl.vmhelpers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A temporary directory with a recording {@code sudo} stand-in (logs its arguments, then runs them)
 * and a recording helper tool that exits with a configurable code and can delete itself.
 */
final class HelperScripts {
  final Path dir;
  final Path sudo;
  final Path tool;

  HelperScripts(String toolName) throws IOException {
    dir = Files.createTempDirectory("computectl-vmhelpers-");
    sudo = script("sudo", "printf '%s\\n' \"$*\" >> \"${0%/*}/sudo.log\"\nexec \"$@\"\n");
    tool =
        script(
            toolName,
            "here=${0%/*}\nprintf '%s\\n' \"$*\" >> \"$here/tool.log\"\n"
                + "echo \"helper output line\"\n"
                + "[ -f \"$here/delete-self\" ] && rm -f \"$0\"\n"
                + "exit \"$(cat \"$here/exit-code\" 2>/dev/null || echo 0)\"\n");
  }

  private Path script(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  void exitWith(int code) throws IOException {
    Files.writeString(dir.resolve("exit-code"), Integer.toString(code));
  }

  void deleteToolWhenRun() throws IOException {
    Files.writeString(dir.resolve("delete-self"), "");
  }

  List<String> sudoCalls() throws IOException {
    Path log = dir.resolve("sudo.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  List<String> toolCalls() throws IOException {
    Path log = dir.resolve("tool.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }
}
