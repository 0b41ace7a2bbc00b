package computectl.extension;

import computectl.metrics.ExportedMetrics;
import computectl.metrics.StartupMetrics;
import computectl.spec.ComputeSpec;
import computectl.spec.RemoteExtSpec;
import computectl.spec.SpecException;
import computectl.util.ChildProcesses;
import computectl.util.ComputeCtlException;
import computectl.util.Log;
import computectl.util.NamedThreads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Remote extensions (behaviour.md 12.2): archives fetched from the extension storage proxy at
 * {@code <remote-ext-config>/<build tag>/<pg version>/extensions/<ext>.tar.zst}, unpacked into the
 * Postgres directories. Serves {@code /extension_server/{filename}} (as the {@link
 * ExtensionDownloader}) and the start-up work: control files, then the libraries of {@code
 * shared_preload_libraries}, downloaded concurrently. One instance per compute.
 */
public final class RemoteExtensions implements ExtensionDownloader {
  private final String remoteExtConfig;
  private final String buildTag;
  private final String pgVersion;
  private final ExtensionDirs dirs;
  private final ArchiveFetcher fetcher;
  private final ArchiveInstaller installer;
  private final DownloadRegistry registry = new DownloadRegistry(System::currentTimeMillis);

  /** What the libraries of {@code shared_preload_libraries} cost at start-up. */
  public record PreloadResult(long downloaded, long largestSize, long totalSize) {}

  /**
   * @param remoteExtConfig {@code --remote-ext-config} (the proxy's base URL), null when not given
   * @param buildTag {@link computectl.util.BuildInfo#buildTag()} in production
   * @param pgVersion {@code v14} .. {@code v17}, from {@link computectl.postgres.PgVersion#detect}
   * @param children where the {@code zstd} processes are registered (may be null)
   */
  public RemoteExtensions(
      String remoteExtConfig,
      String buildTag,
      String pgVersion,
      ExtensionDirs dirs,
      ExportedMetrics metrics,
      ChildProcesses children) {
    this(
        remoteExtConfig, buildTag, pgVersion, dirs, metrics, children, ZstdProcess.DEFAULT_PROGRAM);
  }

  RemoteExtensions(
      String remoteExtConfig,
      String buildTag,
      String pgVersion,
      ExtensionDirs dirs,
      ExportedMetrics metrics,
      ChildProcesses children,
      String zstdProgram) {
    this.remoteExtConfig = remoteExtConfig;
    this.buildTag = buildTag;
    this.pgVersion = pgVersion;
    this.dirs = dirs;
    this.fetcher = new ArchiveFetcher(metrics);
    this.installer = new ArchiveInstaller(dirs, new ZstdProcess(zstdProgram, children));
  }

  /**
   * The archive's path below the proxy URL; the spec's own {@code archive_path} is ignored, as
   * upstream.
   */
  public String archivePath(String extension) {
    return buildTag + "/" + pgVersion + "/extensions/" + extension + ".tar.zst";
  }

  /**
   * {@code /extension_server}: installs {@code extension} (already resolved) unless it is
   * installed.
   */
  @Override
  public void download(String extension, RemoteExtSpec spec) {
    downloadExtension(extension);
  }

  /**
   * Fetches and installs one extension; returns the archive size, 0 when nothing was downloaded
   * here.
   */
  public long downloadExtension(String extension) {
    if (remoteExtConfig == null) {
      throw new ExtensionException("Remote extensions storage is not configured");
    }
    String path = archivePath(extension);
    String filename = extension + ".tar.zst";
    return registry.download(
        filename,
        () -> {
          Log.info("Download extension \"" + extension + "\" from \"" + path + "\"");
          byte[] archive;
          try {
            archive = fetcher.fetch(stripTrailingSlash(remoteExtConfig) + "/" + path, filename);
          } catch (ExtensionException e) {
            throw new ExtensionException(
                "error downloading extension \"" + extension + "\": " + e.getMessage(), e);
          }
          Log.info("Download size " + archive.length);
          installer.install(extension, archive);
          return archive.length;
        });
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * Start-up step 3b of behaviour.md 5.2 for a spec with {@code remote_extensions}: writes the
   * control files, then (with {@code --remote-ext-config}) downloads the preload libraries and
   * records {@code load_ext_ms}, {@code num_ext_downloaded}, {@code largest_ext_size} and {@code
   * total_ext_download_size}. Does nothing without {@code remote_extensions}.
   *
   * @throws ExtensionException when a control file cannot be written or a preload library does not
   *     resolve; failed downloads are only logged
   */
  public void prepareAtStartup(ComputeSpec spec, StartupMetrics metrics) {
    RemoteExtSpec remote = spec.remoteExtensions();
    if (remote == null) {
      return;
    }
    writeControlFiles(remote, dirs.shareExtensionDir());
    long start = System.nanoTime();
    PreloadResult result = preloadLibraries(spec);
    long millis = (System.nanoTime() - start) / 1_000_000;
    metrics.set(StartupMetrics.Field.LOAD_EXT_MS, millis);
    metrics.set(StartupMetrics.Field.NUM_EXT_DOWNLOADED, result.downloaded());
    metrics.set(StartupMetrics.Field.LARGEST_EXT_SIZE, result.largestSize());
    metrics.set(StartupMetrics.Field.TOTAL_EXT_DOWNLOAD_SIZE, result.totalSize());
    Log.info("Loading shared_preload_libraries took " + millis + "ms: " + result);
  }

  /**
   * Writes every allowed extension's control files into {@code shareExtensionDir}, keeping files
   * that exist. Allowed: unless {@code public_extensions} is given and lacks it and {@code
   * custom_extensions} is given and lacks it (looser than resolution, as upstream).
   */
  public static void writeControlFiles(RemoteExtSpec remote, Path shareExtensionDir) {
    for (Map.Entry<String, RemoteExtSpec.ExtensionData> ext : remote.extensionData().entrySet()) {
      if (notListed(remote.publicExtensions(), ext.getKey())
          && notListed(remote.customExtensions(), ext.getKey())) {
        continue;
      }
      for (Map.Entry<String, String> control : ext.getValue().controlData().entrySet()) {
        writeControlFile(shareExtensionDir, control.getKey(), control.getValue());
      }
    }
  }

  private static boolean notListed(List<String> list, String name) {
    return list != null && !list.contains(name);
  }

  private static void writeControlFile(Path dir, String name, String content) {
    if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
      throw new ExtensionException(
          "control file name \"" + name + "\" in remote_extensions is not a plain file name");
    }
    Path file = dir.resolve(name);
    if (Files.exists(file)) {
      Log.warn(
          "control file "
              + file
              + " exists both locally and remotely. ignoring the remote version.");
      return;
    }
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
      Log.info("wrote control file " + file);
    } catch (IOException e) {
      throw new ExtensionException("cannot write control file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Downloads the preload libraries concurrently (nothing without {@code --remote-ext-config}). */
  public PreloadResult preloadLibraries(ComputeSpec spec) {
    RemoteExtSpec remote = spec.remoteExtensions();
    if (remoteExtConfig == null || remote == null) {
      return new PreloadResult(0, 0, 0);
    }
    List<String> libraries = PreloadLibraries.names(spec, remote.libraryIndex());
    Log.info("Downloading to shared preload libraries: " + libraries);
    List<String> extensions = new ArrayList<>();
    for (String library : libraries) {
      try {
        extensions.add(remote.resolve(library, true, buildTag, pgVersion).extensionName());
      } catch (SpecException e) {
        throw new ExtensionException(e.getMessage(), e);
      }
    }
    return collect(startAll(extensions));
  }

  private List<Future<Long>> startAll(List<String> extensions) {
    List<Future<Long>> downloads = new ArrayList<>();
    for (String ext : extensions) {
      FutureTask<Long> task = new FutureTask<>(() -> downloadExtension(ext));
      NamedThreads.start("ext-download-" + ext, task);
      downloads.add(task);
    }
    return downloads;
  }

  private static PreloadResult collect(List<Future<Long>> downloads) {
    long count = 0;
    long largest = 0;
    long total = 0;
    for (Future<Long> f : downloads) {
      try {
        long size = f.get();
        count++;
        largest = Math.max(largest, size);
        total += size;
      } catch (ExecutionException e) {
        Log.error("Failed to download extension: " + ComputeCtlException.chain(e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExtensionException("interrupted while downloading the preload libraries", e);
      }
    }
    return new PreloadResult(count, largest, total);
  }
}
