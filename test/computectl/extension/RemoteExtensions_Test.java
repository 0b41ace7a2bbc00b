package computectl.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import computectl.metrics.ExportedMetrics;
import computectl.metrics.StartupMetrics;
import computectl.postgres.PgVersion;
import computectl.spec.ComputeSpec;
import computectl.spec.RemoteExtSpec;
import computectl.spec.SpecParser;
import computectl.standin.LocalCluster;
import computectl.standin.PgInstall;
import computectl.tar.TarException;
import computectl.testsupport.Await;
import computectl.testsupport.TestPg;
import computectl.util.BuildInfo;
import computectl.util.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("e2e")
class RemoteExtensions_Test {
  private static final String TAG = "latest";
  private static final String V = "v15";
  private static ExtensionStore store;

  @BeforeAll
  static void startStore() throws Exception {
    store = new ExtensionStore();
  }

  @AfterAll
  static void stopStore() {
    store.close();
  }

  private static String archiveUrlPath(String ext) {
    return "/" + TAG + "/" + V + "/extensions/" + ext + ".tar.zst";
  }

  /** Download, share and lib directories in a fresh temporary tree. */
  private static ExtensionDirs tempDirs() throws Exception {
    Path root = Files.createTempDirectory("computectl-ext-");
    Files.createDirectories(root.resolve("share/extension"));
    Files.createDirectories(root.resolve("lib"));
    return new ExtensionDirs(
        root.resolve("download"), root.resolve("share/extension"), root.resolve("lib"));
  }

  private static RemoteExtensions extensions(ExtensionDirs dirs, ExportedMetrics metrics) {
    return new RemoteExtensions(store.url(), TAG, V, dirs, metrics, null);
  }

  private static ComputeSpec spec(String remoteExtensions, String settings, String postgresqlConf) {
    String conf =
        postgresqlConf == null
            ? ""
            : ",\"postgresql_conf\":\"" + postgresqlConf.replace("\n", "\\n") + "\"";
    return SpecParser.parseSpec(
        "{\"format_version\":1.0,\"cluster\":{\"roles\":[],\"databases\":[],\"settings\":["
            + settings
            + "]"
            + conf
            + "},\"tenant_id\":\"b0554b632bd4d547a63b86c3630317e8\","
            + "\"timeline_id\":\"2414a61ffc94e428f14b5758fe308e13\","
            + "\"pageserver_connstring\":\"postgresql://no_user@127.0.0.1:6400\","
            + "\"safekeeper_connstrings\":[\"127.0.0.1:5454\"],\"remote_extensions\":"
            + remoteExtensions
            + "}");
  }

  private static String extData(String... names) {
    StringBuilder sb = new StringBuilder("{");
    for (String n : names) {
      sb.append(sb.length() > 1 ? "," : "")
          .append('"')
          .append(n)
          .append("\":{\"control_data\":{\"")
          .append(n)
          .append(".control\":\"default_version = '1.0'\\n\"},\"archive_path\":\"ignored/")
          .append(n)
          .append(".tar.zst\"}");
    }
    return sb.append('}').toString();
  }

  @Test
  void download_sqlOnlyArchive_postgresCanCreateTheExtension() throws Exception {
    PgInstall install = TestPg.install();
    String pgbin = install.postgres().toString();
    String version = PgVersion.detect(pgbin);
    ExtensionDirs dirs = ExtensionDirs.forPgbin(pgbin);
    String ext = "cc_remote_demo";
    store.serve(
        "/" + BuildInfo.buildTag() + "/" + version + "/extensions/" + ext + ".tar.zst",
        ExtensionStore.tarZst(
            Map.of(
                "share/extension/" + ext + "--1.0.sql",
                "CREATE FUNCTION cc_remote_demo_answer() RETURNS int LANGUAGE sql AS 'SELECT"
                    + " 42';\n")));
    RemoteExtSpec remote =
        spec(
                "{\"public_extensions\":[\""
                    + ext
                    + "\"],\"library_index\":{},\"extension_data\":{\""
                    + ext
                    + "\":{\"control_data\":{\""
                    + ext
                    + ".control\":\"comment = 'demo'\\ndefault_version = '1.0'\\n"
                    + "relocatable = true\\n\"},\"archive_path\":\"x\"}}}",
                "",
                null)
            .remoteExtensions();
    ExportedMetrics metrics = new ExportedMetrics();
    RemoteExtensions extensions =
        new RemoteExtensions(store.url(), BuildInfo.buildTag(), version, dirs, metrics, null);

    RemoteExtensions.writeControlFiles(remote, dirs.shareExtensionDir());
    extensions.download(ext, remote);

    assertTrue(Files.isRegularFile(dirs.shareExtensionDir().resolve(ext + "--1.0.sql")));
    assertTrue(Files.isDirectory(dirs.downloadDir()));
    try (LocalCluster pg = TestPg.newCluster()) {
      assertEquals(
          "42",
          pg.psql("postgres", "CREATE EXTENSION " + ext + "; SELECT cc_remote_demo_answer()")
              .trim());
    }
    assertEquals(1, metrics.remoteExtRequests.value("200 OK", ext + ".tar.zst"));
    assertTrue(
        metrics
            .text()
            .contains(
                "compute_ctl_remote_ext_requests_total{filename=\""
                    + ext
                    + ".tar.zst\",http_status=\"200 OK\"} 1"),
        metrics.text());
  }

  @Test
  void download_archiveWithLibrary_movesShareAndLibEntries() throws Exception {
    ExtensionDirs dirs = tempDirs();
    Map<String, String> files = new LinkedHashMap<>();
    files.put("share/extension/withlib.control", "default_version = '1.0'\n");
    files.put("share/extension/withlib--1.0.sql", "SELECT 1;\n");
    files.put("lib/withlib.so", "not really an ELF file");
    byte[] archive = ExtensionStore.tarZst(files);
    store.serve(archiveUrlPath("withlib"), archive);

    long size = extensions(dirs, new ExportedMetrics()).downloadExtension("withlib");

    assertEquals(archive.length, size);
    assertEquals(
        "not really an ELF file", Files.readString(dirs.pkglibDir().resolve("withlib.so")));
    assertEquals(
        "SELECT 1;\n", Files.readString(dirs.shareExtensionDir().resolve("withlib--1.0.sql")));
    assertTrue(Files.exists(dirs.shareExtensionDir().resolve("withlib.control")));
    try (var left = Files.list(dirs.downloadDir().resolve("lib"))) {
      assertEquals(0, left.count(), "everything was moved out of the download directory");
    }
  }

  @Test
  void download_followsRedirectsLikeUpstream() throws Exception {
    byte[] archive = ExtensionStore.tarZst(Map.of("share/extension/moved.control", "x\n"));
    store
        .redirect(archiveUrlPath("moved"), "/objects/moved-archive")
        .serve("/objects/moved-archive", archive);
    ExtensionDirs dirs = tempDirs();

    assertEquals(
        archive.length, extensions(dirs, new ExportedMetrics()).downloadExtension("moved"));

    assertEquals(1, store.count(archiveUrlPath("moved")));
    assertEquals(1, store.count("/objects/moved-archive"), "the redirect was followed");
    assertTrue(Files.exists(dirs.shareExtensionDir().resolve("moved.control")));
  }

  @Test
  void download_sameArchiveTwice_fetchesOnce() throws Exception {
    store.serve(
        archiveUrlPath("once"),
        ExtensionStore.tarZst(Map.of("share/extension/once.control", "x\n")));
    RemoteExtensions extensions = extensions(tempDirs(), new ExportedMetrics());

    assertTrue(extensions.downloadExtension("once") > 0);
    assertEquals(0, extensions.downloadExtension("once"));
    assertEquals(1, store.count(archiveUrlPath("once")));
  }

  /** Log lines of the registry saying a request waits for another's download of the archive. */
  private static long waiters(ByteArrayOutputStream log) {
    return log.toString(StandardCharsets.UTF_8)
        .lines()
        .filter(l -> l.contains("already started by another request, waiting for it"))
        .count();
  }

  @Test
  void download_concurrentRequests_shareOneFetch() throws Exception {
    AtomicBoolean released = new AtomicBoolean();
    store.serveWhen(
        archiveUrlPath("slow"),
        200,
        ExtensionStore.tarZst(Map.of("share/extension/slow.control", "x\n")),
        0,
        released::get);
    RemoteExtensions extensions = extensions(tempDirs(), new ExportedMetrics());
    ExecutorService pool = Executors.newFixedThreadPool(3);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream previous = Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      // The store holds its answer until both later requests are seen waiting for the first.
      List<Future<Long>> sizes = new ArrayList<>();
      sizes.add(pool.submit(() -> extensions.downloadExtension("slow")));
      Await.until("the first download under way", () -> store.count(archiveUrlPath("slow")) == 1);
      sizes.add(pool.submit(() -> extensions.downloadExtension("slow")));
      sizes.add(pool.submit(() -> extensions.downloadExtension("slow")));
      Await.until("two requests waiting for the first", () -> waiters(log) == 2);
      released.set(true);
      long downloaded = 0;
      for (Future<Long> f : sizes) {
        downloaded += f.get() > 0 ? 1 : 0;
      }
      assertEquals(1, downloaded, "one request downloads, the others wait for it");
      assertEquals(1, store.count(archiveUrlPath("slow")));
    } finally {
      released.set(true);
      Log.setOutput(previous);
      pool.shutdownNow();
    }
  }

  @Test
  void download_waiterWhoseDownloadFails_triesItself() throws Exception {
    AtomicBoolean released = new AtomicBoolean();
    store.serveWhen(archiveUrlPath("flaky"), 503, new byte[0], 0, released::get);
    RemoteExtensions extensions = extensions(tempDirs(), new ExportedMetrics());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream previous = Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      // The first download fails only once the second request is seen waiting for it.
      Future<Long> first = pool.submit(() -> extensions.downloadExtension("flaky"));
      Await.until("the first download under way", () -> store.count(archiveUrlPath("flaky")) == 1);
      Future<Long> second = pool.submit(() -> extensions.downloadExtension("flaky"));
      Await.until("the second request waiting for the first", () -> waiters(log) == 1);
      released.set(true);
      for (Future<Long> f : List.of(first, second)) {
        Exception e = assertThrows(Exception.class, f::get);
        assertEquals(
            "error downloading extension \"flaky\": remote extensions server is temporarily"
                + " unavailable",
            e.getCause().getMessage());
      }
      assertEquals(
          2,
          store.count(archiveUrlPath("flaky")),
          "the waiter did not hang on the failed download");
    } finally {
      released.set(true);
      Log.setOutput(previous);
      pool.shutdownNow();
    }
  }

  @Test
  void download_serverErrors_areCountedByStatus() throws Exception {
    ExportedMetrics metrics = new ExportedMetrics();
    store.serve(archiveUrlPath("busy"), 503, new byte[0], 0);
    RemoteExtensions extensions = extensions(tempDirs(), metrics);

    ExtensionException busy =
        assertThrows(ExtensionException.class, () -> extensions.downloadExtension("busy"));
    ExtensionException missing =
        assertThrows(ExtensionException.class, () -> extensions.downloadExtension("missing"));

    assertEquals(
        "error downloading extension \"busy\": remote extensions server is temporarily unavailable",
        busy.getMessage());
    assertEquals(
        "error downloading extension \"missing\": unexpected remote extensions server response"
            + " status code: 404 Not Found",
        missing.getMessage());
    assertEquals(1, metrics.remoteExtRequests.value("503 Service Unavailable", "busy.tar.zst"));
    assertEquals(1, metrics.remoteExtRequests.value("404 Not Found", "missing.tar.zst"));
    assertThrows(ExtensionException.class, () -> extensions.downloadExtension("busy"));
    assertEquals(
        2,
        metrics.remoteExtRequests.value("503 Service Unavailable", "busy.tar.zst"),
        "no de-dup of failures");
  }

  @Test
  void download_unreachableServer_countsUnknownStatus() throws Exception {
    ExportedMetrics metrics = new ExportedMetrics();
    RemoteExtensions extensions =
        new RemoteExtensions(
            "http://127.0.0.1:" + TestPg.freePort(), TAG, V, tempDirs(), metrics, null);

    ExtensionException e =
        assertThrows(ExtensionException.class, () -> extensions.downloadExtension("gone"));

    assertTrue(
        e.getMessage()
            .startsWith(
                "error downloading extension \"gone\": could not perform remote extensions server"
                    + " request: "),
        e.getMessage());
    assertEquals(1, metrics.remoteExtRequests.value("unknown", "gone.tar.zst"));
  }

  @Test
  void download_withoutRemoteExtConfig_refuses() throws Exception {
    RemoteExtensions extensions =
        new RemoteExtensions(null, TAG, V, tempDirs(), new ExportedMetrics(), null);

    ExtensionException e =
        assertThrows(ExtensionException.class, () -> extensions.downloadExtension("any"));

    assertEquals("Remote extensions storage is not configured", e.getMessage());
  }

  @Test
  void download_notZstd_reportsZstdError() throws Exception {
    store.serve(
        archiveUrlPath("garbage"), "this is not a zstd frame".getBytes(StandardCharsets.UTF_8));
    RemoteExtensions extensions = extensions(tempDirs(), new ExportedMetrics());

    ExtensionException e =
        assertThrows(ExtensionException.class, () -> extensions.downloadExtension("garbage"));

    assertTrue(
        e.getMessage()
            .startsWith("zstd could not decompress the archive of extension garbage (exit code "),
        e.getMessage());
  }

  @Test
  void download_archiveEscapingItsDirectory_isRefused() throws Exception {
    ExtensionDirs dirs = tempDirs();
    store.serve(archiveUrlPath("evil"), ExtensionStore.tarZst(Map.of("../escaped.txt", "owned\n")));
    RemoteExtensions extensions = extensions(dirs, new ExportedMetrics());

    assertThrows(TarException.class, () -> extensions.downloadExtension("evil"));

    assertFalse(Files.exists(dirs.downloadDir().resolveSibling("escaped.txt")));
  }

  @Test
  void download_missingZstdProgram_saysSo() throws Exception {
    store.serve(
        archiveUrlPath("nozstd"),
        ExtensionStore.tarZst(Map.of("share/extension/nozstd.control", "x\n")));
    RemoteExtensions extensions =
        new RemoteExtensions(
            store.url(), TAG, V, tempDirs(), new ExportedMetrics(), null, "/nonexistent/zstd");

    ExtensionException e =
        assertThrows(ExtensionException.class, () -> extensions.downloadExtension("nozstd"));

    assertTrue(
        e.getMessage()
            .startsWith(
                "cannot run /nonexistent/zstd to decompress the archive of extension nozstd"
                    + ": remote extensions need the zstd program on the PATH (Debian package"
                    + " zstd)"),
        e.getMessage());
  }

  @Test
  void prepareAtStartup_downloadsPreloadLibrariesConcurrently() throws Exception {
    byte[] a = ExtensionStore.tarZst(Map.of("lib/liba.so", "a"));
    byte[] b =
        ExtensionStore.tarZst(
            Map.of("lib/libb.so", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
    // Each answer waits until both requests are in flight: downloads one after the other would
    // leave the first waiting until the store's limit, and maxInFlight at 1.
    store
        .serveWhen(archiveUrlPath("exta"), 200, a, 700, store.inFlightReaches(2))
        .serveWhen(archiveUrlPath("extb"), 200, b, 700, store.inFlightReaches(2));
    ComputeSpec spec =
        spec(
            "{\"public_extensions\":[\"exta\"],\"custom_extensions\":[\"extb\"],"
                + "\"library_index\":{\"liba\":\"exta\",\"libb\":\"extb\",\"libc\":\"extc\"},\"extension_data\":"
                + extData("exta", "extb")
                + "}",
            "{\"name\":\"shared_preload_libraries\",\"value\":\"neon,liba,localonly\",\"vartype\":\"string\"}",
            "shared_preload_libraries='old'\nshared_preload_libraries='libb'\n");
    ExtensionDirs dirs = tempDirs();
    StartupMetrics metrics = new StartupMetrics();
    int before = store.maxInFlight();

    extensions(dirs, new ExportedMetrics()).prepareAtStartup(spec, metrics);

    assertEquals(2, metrics.get(StartupMetrics.Field.NUM_EXT_DOWNLOADED));
    assertEquals(Math.max(a.length, b.length), metrics.get(StartupMetrics.Field.LARGEST_EXT_SIZE));
    assertEquals(a.length + b.length, metrics.get(StartupMetrics.Field.TOTAL_EXT_DOWNLOAD_SIZE));
    assertTrue(
        metrics.get(StartupMetrics.Field.LOAD_EXT_MS) >= 700, "load_ext_ms covers the downloads");
    assertTrue(
        store.maxInFlight() >= Math.max(2, before), "both libraries were fetched at the same time");
    assertEquals("a", Files.readString(dirs.pkglibDir().resolve("liba.so")));
    assertTrue(Files.exists(dirs.pkglibDir().resolve("libb.so")));
    assertTrue(
        Files.exists(dirs.shareExtensionDir().resolve("exta.control")),
        "control files are written first");
  }

  @Test
  void prepareAtStartup_libraryOfUnlistedExtension_failsStartup() throws Exception {
    ComputeSpec spec =
        spec(
            "{\"public_extensions\":[],\"library_index\":{\"hidden\":\"hiddenext\"},\"extension_data\":"
                + extData("hiddenext")
                + "}",
            "{\"name\":\"shared_preload_libraries\",\"value\":\"hidden\",\"vartype\":\"string\"}",
            null);

    ExtensionException e =
        assertThrows(
            ExtensionException.class,
            () ->
                extensions(tempDirs(), new ExportedMetrics())
                    .prepareAtStartup(spec, new StartupMetrics()));

    assertEquals("extension hiddenext is not found", e.getMessage());
  }

  @Test
  void prepareAtStartup_failedDownload_isOnlyLogged() throws Exception {
    ComputeSpec spec =
        spec(
            "{\"public_extensions\":[\"absent\"],\"library_index\":{\"libabsent\":\"absent\"},\"extension_data\":"
                + extData("absent")
                + "}",
            "{\"name\":\"shared_preload_libraries\",\"value\":\"libabsent\",\"vartype\":\"string\"}",
            null);
    StartupMetrics metrics = new StartupMetrics();

    extensions(tempDirs(), new ExportedMetrics()).prepareAtStartup(spec, metrics);

    assertEquals(0, metrics.get(StartupMetrics.Field.NUM_EXT_DOWNLOADED));
    assertEquals(1, store.count(archiveUrlPath("absent")));
  }

  @Test
  void prepareAtStartup_withoutRemoteExtConfig_writesControlFilesOnly() throws Exception {
    ComputeSpec spec =
        spec(
            "{\"library_index\":{\"l\":\"local\"},\"extension_data\":" + extData("local") + "}",
            "{\"name\":\"shared_preload_libraries\",\"value\":\"l\",\"vartype\":\"string\"}",
            null);
    ExtensionDirs dirs = tempDirs();
    StartupMetrics metrics = new StartupMetrics();

    new RemoteExtensions(null, TAG, V, dirs, new ExportedMetrics(), null)
        .prepareAtStartup(spec, metrics);

    assertEquals(
        "default_version = '1.0'\n",
        Files.readString(dirs.shareExtensionDir().resolve("local.control")));
    assertEquals(0, metrics.get(StartupMetrics.Field.NUM_EXT_DOWNLOADED));
    assertFalse(Files.exists(dirs.downloadDir()));
  }

  @Test
  void writeControlFiles_skipsUnlistedAndKeepsExistingFiles() throws Exception {
    ExtensionDirs dirs = tempDirs();
    Files.writeString(dirs.shareExtensionDir().resolve("pub.control"), "local version\n");
    RemoteExtSpec remote =
        spec(
                "{\"public_extensions\":[\"pub\"],\"custom_extensions\":[\"cust\"],\"library_index\":{},"
                    + "\"extension_data\":"
                    + extData("pub", "cust", "other")
                    + "}",
                "",
                null)
            .remoteExtensions();

    RemoteExtensions.writeControlFiles(remote, dirs.shareExtensionDir());

    assertEquals(
        "local version\n", Files.readString(dirs.shareExtensionDir().resolve("pub.control")));
    assertTrue(Files.exists(dirs.shareExtensionDir().resolve("cust.control")));
    assertFalse(Files.exists(dirs.shareExtensionDir().resolve("other.control")));
  }

  @Test
  void writeControlFiles_nameWithSlash_isRefused() throws Exception {
    ExtensionDirs dirs = tempDirs();
    RemoteExtSpec remote =
        spec(
                "{\"library_index\":{},\"extension_data\":{\"x\":{\"control_data\":{\"../x.control\":\"\"},"
                    + "\"archive_path\":\"\"}}}",
                "",
                null)
            .remoteExtensions();

    ExtensionException e =
        assertThrows(
            ExtensionException.class,
            () -> RemoteExtensions.writeControlFiles(remote, dirs.shareExtensionDir()));

    assertEquals(
        "control file name \"../x.control\" in remote_extensions is not a plain file name",
        e.getMessage());
  }

  @Test
  void forPgbin_privateInstall_usesPgConfigDirectories() {
    PgInstall install = TestPg.install();

    ExtensionDirs dirs = ExtensionDirs.forPgbin(install.postgres().toString());

    assertEquals(install.binDir().getParent().resolve("download_extensions"), dirs.downloadDir());
    assertEquals(Path.of("extension"), dirs.shareExtensionDir().getFileName());
    assertTrue(Files.isDirectory(dirs.shareExtensionDir()));
    assertTrue(Files.isDirectory(dirs.pkglibDir()));
  }

  @Test
  void forPgbin_notEndingInBinPostgres_isRefused() {
    ExtensionException e =
        assertThrows(ExtensionException.class, () -> ExtensionDirs.forPgbin("/usr/local/postgres"));

    assertEquals(
        "--pgbin must end in '/bin/postgres' to place remote extensions: /usr/local/postgres",
        e.getMessage());
  }
}
