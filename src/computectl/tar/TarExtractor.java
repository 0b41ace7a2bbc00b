package computectl.tar;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Unpacks a tar stream into a directory, refusing anything that could write outside it.
 *
 * <p>Rules: no absolute paths, no ".." components, never write through a symlink (a path whose
 * parent is a symlink is refused; an existing symlink, file or hard link at the final component is
 * unlinked and replaced, never followed), symlink targets must stay inside (see {@link
 * EntryPaths#checkSymlinkTarget}), hard links only to regular files already extracted inside, no
 * devices or FIFOs, a directory is never replaced. Directories keep being real directories once
 * seen, which is what makes the symlink rule sound. The content of {@code dest} that exists
 * beforehand is trusted.
 *
 * <p>Modes are applied without setuid/setgid/sticky bits; directory modes and mtimes are set after
 * the last entry so that read-only directories can still be filled. An entry for the archive root
 * ("./") leaves {@code dest} itself untouched. No fsync: a crash mid-way leaves a PGDATA that is
 * fetched again anyway.
 */
public final class TarExtractor {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  private static final Set<OpenOption> CREATE_FILE =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

  private static final int UMASK = readUmask();

  private final Path dest;
  private final ExtractLimits limits;
  private final FileWriteQueue writer;

  /** Directories known to be real directories (never symlinks); never replaced afterwards. */
  private final Set<Path> directories = new HashSet<>();

  /** Mode and mtime of directory entries, applied at the end (a later duplicate wins). */
  private final Map<Path, DirectoryAttributes> directoryAttributes = new LinkedHashMap<>();

  private final FileTime now = FileTime.fromMillis(System.currentTimeMillis());
  private long entries;
  private long bytes;
  private int lastCreateBits = -1;
  private FileAttribute<Set<PosixFilePermission>> lastCreateAttribute;

  private TarExtractor(Path dest, ExtractLimits limits, FileWriteQueue writer) {
    this.dest = dest;
    this.limits = limits;
    this.writer = writer;
  }

  /**
   * Drops the write buffers kept for the next extraction (see {@code SpareBuffers}): for a process
   * that expects no more archives, so that the next collection returns their 2 MiB.
   */
  public static void releaseSpareBuffers() {
    SpareBuffers.clear();
  }

  public static ExtractStats extract(InputStream in, Path dest) throws TarException {
    return extract(in, dest, ExtractLimits.DEFAULTS);
  }

  public static ExtractStats extract(InputStream in, Path dest, ExtractLimits limits)
      throws TarException {
    if (!Files.isDirectory(dest)) {
      throw new TarException("cannot extract into " + dest + ": not a directory");
    }
    try (FileWriteQueue writer = new FileWriteQueue(TarReader.BUFFER_SIZE)) {
      TarExtractor x = new TarExtractor(dest, limits, writer);
      x.directories.add(dest);
      x.run(new TarReader(in, limits.maxMetadataBytes()));
      return new ExtractStats(x.entries, x.bytes);
    }
  }

  private void run(TarReader reader) {
    TarEntry last = null;
    boolean inEntry = false;
    boolean atEnd = false;
    try {
      TarEntry e;
      while ((e = reader.next()) != null) {
        last = e;
        inEntry = true;
        if (entries >= limits.maxEntries()) {
          throw TarException.entry(
              e.path(), "the archive has more than " + limits.maxEntries() + " entries");
        }
        extractEntry(e, reader);
        entries++;
        inEntry = false;
      }
      atEnd = true;
      reader.drain(limits.maxTrailingBytes());
    } catch (IOException io) {
      throw new TarException(
          "reading the tar stream failed" + where(last, inEntry, atEnd) + ": " + io.getMessage(),
          io);
    }
    writer.sync();
    applyDirectoryAttributes();
  }

  /**
   * Where a read failed: in or after the last entry, after the end-of-archive marker, or before the
   * first entry (nothing said). Built only on failure: a cold start runs the loop above
   * interpreted, and escaping every entry's path up front was measurable there.
   */
  private static String where(TarEntry last, boolean inEntry, boolean atEnd) {
    if (atEnd) {
      return " after the end-of-archive marker";
    }
    if (last == null) {
      return "";
    }
    return (inEntry ? " in entry " : " after entry ") + TarException.printable(last.path());
  }

  private void extractEntry(TarEntry e, TarReader reader) throws IOException {
    if (e.size() > limits.maxEntrySize()) {
      throw TarException.entry(
          e.path(),
          "size " + e.size() + " exceeds the limit of " + limits.maxEntrySize() + " bytes");
    }
    if (e.type() == TarEntry.Type.FILE && bytes + e.size() > limits.maxTotalBytes()) {
      throw TarException.entry(
          e.path(),
          "the archive's files exceed the limit of " + limits.maxTotalBytes() + " bytes in all");
    }
    List<String> parts = EntryPaths.components(e.path(), limits);
    switch (e.type()) {
      case CHAR_DEVICE ->
          throw TarException.entry(e.path(), "character device entries are not allowed");
      case BLOCK_DEVICE ->
          throw TarException.entry(e.path(), "block device entries are not allowed");
      case FIFO -> throw TarException.entry(e.path(), "FIFO entries are not allowed");
      case OTHER -> throw TarException.entry(e.path(), "unsupported entry type");
      default -> {}
    }
    if (parts.isEmpty()) {
      if (e.type() != TarEntry.Type.DIRECTORY) {
        throw TarException.entry(e.path(), "path is empty");
      }
      return;
    }
    Path target = parentDirectory(e.path(), parts).resolve(parts.get(parts.size() - 1));
    switch (e.type()) {
      case FILE -> writeFile(e, target, reader.body());
      case DIRECTORY -> makeDirectory(e, target);
      case SYMLINK -> makeSymlink(e, parts, target);
      case HARDLINK -> makeHardLink(e, parts, target);
      default -> throw new IllegalStateException(e.type().toString());
    }
  }

  /** Creates missing parents; refuses a parent that is a symlink or not a directory. */
  private Path parentDirectory(String entryPath, List<String> parts) {
    Path dir = dest;
    for (int i = 0; i < parts.size() - 1; i++) {
      dir = dir.resolve(parts.get(i));
      if (directories.contains(dir)) {
        continue;
      }
      BasicFileAttributes a = lstat(entryPath, dir);
      String rel = String.join("/", parts.subList(0, i + 1));
      if (a == null) {
        Path missing = dir;
        io(entryPath, "cannot create directory " + rel, () -> Files.createDirectory(missing));
      } else if (a.isSymbolicLink()) {
        throw TarException.entry(
            entryPath, "path passes through symlink " + TarException.printable(rel));
      } else if (!a.isDirectory()) {
        throw TarException.entry(
            entryPath, TarException.printable(rel) + " exists and is not a directory");
      }
      directories.add(dir);
    }
    return dir;
  }

  /**
   * Creates the file here and queues its content, close, mode and mtime to the writer thread.
   * Stream read errors propagate as IOException; file-system errors become TarException.
   */
  private void writeFile(TarEntry e, Path target, InputStream body) throws IOException {
    FileChannel ch = createFile(e, target);
    FileWriteQueue.Finisher after = null;
    try {
      copyBody(e, body, ch);
      after =
          () -> {
            if (UMASK != 0 && (e.mode() & UMASK & 0777) != 0) {
              setMode(e.path(), target, e.mode());
            }
            setMtime(e.path(), target, e.mtime(), false);
          };
    } finally {
      writer.finish(e.path(), ch, after);
    }
    bytes += e.size();
  }

  /**
   * A new file with the entry's permissions (less the umask). Creation is exclusive, so an existing
   * symlink is never followed; only when something exists is it inspected and unlinked, which keeps
   * the common case to one system call.
   */
  private FileChannel createFile(TarEntry e, Path target) {
    if (directories.contains(target)) {
      throw TarException.entry(e.path(), "cannot replace directory with a file");
    }
    FileAttribute<Set<PosixFilePermission>> perms = creationAttribute(e.mode());
    try {
      return FileChannel.open(target, CREATE_FILE, perms);
    } catch (FileAlreadyExistsException exists) {
      removeNonDirectory(e, target, "a file");
      return io(e.path(), "cannot create file", () -> FileChannel.open(target, CREATE_FILE, perms));
    } catch (IOException io) {
      throw TarException.entry(e.path(), "cannot create file: " + io.getMessage(), io);
    }
  }

  /**
   * The creation attribute for {@code mode}, kept for the next file: nearly all of an archive's
   * files share one mode, and building the set and attribute anew is work a cold start would run
   * interpreted for every file.
   */
  private FileAttribute<Set<PosixFilePermission>> creationAttribute(int mode) {
    int bits = mode & 0777;
    if (bits != lastCreateBits) {
      lastCreateAttribute = PosixFilePermissions.asFileAttribute(permissions(bits));
      lastCreateBits = bits;
    }
    return lastCreateAttribute;
  }

  /** Fills whole buffers, so each write system call moves up to 256 KiB. */
  private void copyBody(TarEntry e, InputStream body, FileChannel ch) throws IOException {
    long left = e.size();
    long offset = 0;
    while (left > 0) {
      byte[] buf = writer.buffer();
      int want = (int) Math.min(buf.length, left);
      int got = 0;
      while (got < want) {
        int n = body.read(buf, got, want - got);
        if (n < 0) {
          throw new TarException(
              "unexpected end of tar stream in entry " + TarException.printable(e.path()));
        }
        got += n;
      }
      writer.write(e.path(), ch, buf, got, offset);
      offset += got;
      left -= got;
    }
  }

  private void makeDirectory(TarEntry e, Path target) {
    if (!directories.contains(target)) {
      BasicFileAttributes a = lstat(e.path(), target);
      if (a != null && !a.isDirectory()) {
        writer.sync();
        io(
            e.path(),
            "cannot replace " + kind(a),
            () -> {
              Files.delete(target);
              return null;
            });
        a = null;
      }
      if (a == null) {
        io(e.path(), "cannot create directory", () -> Files.createDirectory(target));
      }
      directories.add(target);
    }
    directoryAttributes.put(target, new DirectoryAttributes(e.mode(), e.mtime()));
  }

  private void makeSymlink(TarEntry e, List<String> parts, Path target) {
    EntryPaths.checkSymlinkTarget(e.path(), parts, e.linkTarget(), limits);
    removeNonDirectory(e, target, "a symlink");
    io(
        e.path(),
        "cannot create symlink",
        () -> Files.createSymbolicLink(target, Path.of(e.linkTarget())));
    setMtime(e.path(), target, e.mtime(), true);
  }

  private void makeHardLink(TarEntry e, List<String> parts, Path target) {
    List<String> existingParts = EntryPaths.hardLinkTarget(e.path(), e.linkTarget(), limits);
    String shown = TarException.printable(e.linkTarget());
    if (existingParts.equals(parts)) {
      throw TarException.entry(e.path(), "hard link to itself");
    }
    Path existing = dest;
    for (int i = 0; i < existingParts.size(); i++) {
      existing = existing.resolve(existingParts.get(i));
      boolean last = i == existingParts.size() - 1;
      if (!last && directories.contains(existing)) {
        continue;
      }
      BasicFileAttributes a = lstat(e.path(), existing);
      if (a == null || (!last && !a.isSymbolicLink() && !a.isDirectory())) {
        throw TarException.entry(e.path(), "hard link target " + shown + " does not exist");
      }
      if (a.isSymbolicLink()) {
        throw TarException.entry(
            e.path(),
            "hard link target " + shown + (last ? " is a symlink" : " passes through a symlink"));
      }
      if (last && !a.isRegularFile()) {
        throw TarException.entry(e.path(), "hard link target " + shown + " is not a regular file");
      }
    }
    removeNonDirectory(e, target, "a hard link");
    Path source = existing;
    io(e.path(), "cannot create hard link", () -> Files.createLink(target, source));
  }

  /** Unlinks whatever non-directory is at {@code target}; refuses to replace a directory. */
  private void removeNonDirectory(TarEntry e, Path target, String what) {
    if (directories.contains(target)) {
      throw TarException.entry(e.path(), "cannot replace directory with " + what);
    }
    BasicFileAttributes a = lstat(e.path(), target);
    if (a == null) {
      return;
    }
    if (a.isDirectory()) {
      throw TarException.entry(e.path(), "cannot replace directory with " + what);
    }
    writer.sync(); // path-based steps queued for this path must not land on its replacement
    io(
        e.path(),
        "cannot replace " + kind(a),
        () -> {
          Files.delete(target);
          return null;
        });
  }

  private static String kind(BasicFileAttributes a) {
    return a.isSymbolicLink()
        ? "existing symlink"
        : a.isRegularFile() ? "existing file" : "existing special file";
  }

  private BasicFileAttributes lstat(String entryPath, Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw TarException.entry(
          entryPath, "cannot inspect " + dest.relativize(p) + ": " + e.getMessage(), e);
    }
  }

  /** The nine permission bits; setuid, setgid and sticky are dropped. */
  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
    for (int bit = 0; bit < 9; bit++) {
      if ((mode & (0400 >> bit)) != 0) {
        perms.add(order[bit]);
      }
    }
    return perms;
  }

  /** Follows {@code p}, which is a file or directory this extraction made or verified. */
  private void setMode(String entryPath, Path p, int mode) {
    io(entryPath, "cannot set mode", () -> Files.setPosixFilePermissions(p, permissions(mode)));
  }

  /** Follows {@code p} unless {@code symlink}: then the link itself gets the time. */
  private void setMtime(String entryPath, Path p, long mtime, boolean symlink) {
    io(
        entryPath,
        "cannot set modification time",
        () -> {
          BasicFileAttributeView view =
              symlink
                  ? Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW)
                  : Files.getFileAttributeView(p, BasicFileAttributeView.class);
          view.setTimes(FileTime.from(mtime, TimeUnit.SECONDS), now, null);
          return null;
        });
  }

  /**
   * The process umask from /proc/self/status, or -1 (unknown: always chmod). Files are created with
   * their mode and only chmod-ed when the umask took bits away.
   */
  private static int readUmask() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Umask:")) {
          return Integer.parseInt(line.substring(6).trim(), 8);
        }
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private void applyDirectoryAttributes() {
    directoryAttributes.forEach(
        (dir, a) -> {
          String rel = dest.relativize(dir).toString();
          setMode(rel, dir, a.mode());
          setMtime(rel, dir, a.mtime(), false);
        });
  }

  private record DirectoryAttributes(int mode, long mtime) {}

  private interface IoAction<T> {
    T run() throws IOException;
  }

  /** Runs a file-system step, turning its failure into an error naming the entry. */
  private static <T> T io(String entryPath, String what, IoAction<T> action) {
    try {
      return action.run();
    } catch (FileAlreadyExistsException e) {
      throw TarException.entry(entryPath, what + ": " + e.getFile() + " already exists", e);
    } catch (IOException e) {
      throw TarException.entry(entryPath, what + ": " + e.getMessage(), e);
    }
  }
}
