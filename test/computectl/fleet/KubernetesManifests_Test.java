package computectl.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes: each manifest parses and has the structure it needs (probes on our HTTP API,
 * limits, scrape port, the PrometheusRule equal to deploy/prometheus's rules); promtool checks the
 * rule and scrape parts; kubectl (when installed) accepts every manifest in a client dry run
 * against a discovery-only API stub.
 */
class KubernetesManifests_Test {
  private static final Path ROOT = Path.of(System.getProperty("computectl.root", "."));
  private static final Path DIR = ROOT.resolve("deploy/kubernetes");

  private static Object load(String file) throws IOException {
    return MiniYaml.parse(Files.readString(DIR.resolve(file), StandardCharsets.UTF_8));
  }

  /**
   * The node at {@code path} (map keys, or list indexes as numbers); fails naming the missing step.
   */
  static Object at(Object node, String... path) {
    Object cur = node;
    for (String step : path) {
      if (cur instanceof Map<?, ?> m && m.containsKey(step)) {
        cur = m.get(step);
      } else if (cur instanceof List<?> l
          && step.matches("\\d+")
          && Integer.parseInt(step) < l.size()) {
        cur = l.get(Integer.parseInt(step));
      } else {
        throw new AssertionError("no " + step + " in " + String.join(".", path));
      }
    }
    return cur;
  }

  @Test
  void manifests_eachHasApiVersionKindAndName() throws Exception {
    List<String> kinds = new ArrayList<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : MiniYaml.parseAll(Files.readString(f))) {
          assertNotNull(at(doc, "apiVersion"), f.toString());
          assertNotNull(at(doc, "metadata", "name"), f.toString());
          kinds.add(at(doc, "kind").toString());
        }
      }
    }
    assertEquals(List.of("PrometheusRule", "Pod", "PodMonitor", "ConfigMap"), kinds);
  }

  @Test
  void pod_probesUseTheUnauthenticatedMetricsRouteAndPostgres() throws Exception {
    Object pod = load("compute-pod.yaml");
    Object c = at(pod, "spec", "containers", "0");
    assertEquals("compute-ctl:latest", at(c, "image"));
    List<?> args = (List<?>) at(c, "args");
    assertTrue(
        args.contains("--external-http-port=3080") && args.contains("--internal-http-port=3081"),
        args.toString());
    assertTrue(
        args.contains("--connstr=postgresql://cloud_admin@127.0.0.1:55433/postgres"),
        args.toString());
    assertEquals(
        Map.of("name", "http", "containerPort", "3080", "protocol", "TCP"), at(c, "ports", "0"));
    assertEquals(
        Map.of("name", "postgres", "containerPort", "55433", "protocol", "TCP"),
        at(c, "ports", "2"));
    for (String probe : List.of("startupProbe", "livenessProbe")) {
      assertEquals(Map.of("path", "/metrics", "port", "http"), at(c, probe, "httpGet"), probe);
    }
    List<?> ready = (List<?>) at(c, "readinessProbe", "exec", "command");
    assertEquals("/usr/lib/postgresql/15/bin/pg_isready", ready.get(0));
    assertTrue(ready.contains("--port=55433"), ready.toString());
    for (String kind : List.of("requests", "limits")) {
      assertNotNull(at(c, "resources", kind, "cpu"));
      assertNotNull(at(c, "resources", kind, "memory"));
    }
    assertEquals("Never", at(pod, "spec", "restartPolicy"));
  }

  @Test
  void pod_imageIsTheDockerfilesWithItsEntrypoint() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    assertTrue(
        dockerfile.contains("ENTRYPOINT [\"/opt/compute_ctl/bin/compute_ctl\"]"),
        "the pod relies on the entrypoint");
    assertTrue(dockerfile.contains("EXPOSE 3080 3081 55433"), dockerfile);
    Object c = at(load("compute-pod.yaml"), "spec", "containers", "0");
    assertTrue(
        !((Map<?, ?>) c).containsKey("command"),
        "args only: the image's entrypoint runs compute_ctl");
  }

  @Test
  void podMonitor_selectsTheComputePodOnItsMetricsPort() throws Exception {
    Object mon = load("compute-podmonitor.yaml");
    Map<?, ?> podLabels = (Map<?, ?>) at(load("compute-pod.yaml"), "metadata", "labels");
    Map<?, ?> selector = (Map<?, ?>) at(mon, "spec", "selector", "matchLabels");
    for (Map.Entry<?, ?> e : selector.entrySet()) {
      assertEquals(e.getValue(), podLabels.get(e.getKey()), "selector label " + e.getKey());
    }
    assertEquals("http", at(mon, "spec", "podMetricsEndpoints", "0", "port"));
    assertEquals("/metrics", at(mon, "spec", "podMetricsEndpoints", "0", "path"));
  }

  @Test
  void prometheusRule_isExactlyTheShippedRuleFiles() throws Exception {
    List<Object> shipped = new ArrayList<>();
    for (String f : List.of("compute-ctl-rules.yml", "retired-build-tags.yml")) {
      shipped.addAll(
          (List<?>)
              at(
                  MiniYaml.parse(Files.readString(PrometheusRules_Test.RULES_DIR.resolve(f))),
                  "groups"));
    }
    assertEquals(shipped, at(load("compute-ctl-prometheusrule.yaml"), "spec", "groups"));
  }

  @Test
  void prometheusRule_specPassesPromtoolCheckRules() throws Exception {
    assumeTrue(Promtool.installed(), Promtool.MISSING);
    String text = Files.readString(DIR.resolve("compute-ctl-prometheusrule.yaml"));
    String groups = text.substring(text.indexOf("\nspec:\n") + "\nspec:\n".length());
    Path dir = Files.createTempDirectory("computectl-k8srules-");
    Path f = dir.resolve("rules.yml");
    try {
      Files.writeString(f, groups.replaceAll("(?m)^  ", ""));
      Promtool.Result r = Promtool.run(dir, "check", "rules", "rules.yml");
      assertEquals(0, r.exitCode(), r.output());
      assertTrue(r.output().contains("SUCCESS: 7 rules found"), r.output());
    } finally {
      Files.deleteIfExists(f);
      Files.deleteIfExists(dir);
    }
  }

  @Test
  void scrapeConfig_passesPromtoolCheckConfig() throws Exception {
    assumeTrue(Promtool.installed(), Promtool.MISSING);
    String config = at(load("prometheus-scrape-config.yaml"), "data", "prometheus.yml").toString();
    assertTrue(
        config.contains("regex: compute-ctl;compute") && config.contains("regex: http"), config);
    if (!promtoolKnowsKubernetesDiscovery()) {
      // Debian's build leaves Kubernetes discovery out: check the rest with the targets given
      // statically.
      String sd = "kubernetes_sd_configs:\n      - role: pod\n";
      assertTrue(config.contains(sd), config);
      config = config.replace(sd, "static_configs:\n      - targets: [\"127.0.0.1:3080\"]\n");
    }
    assertEquals("", promtoolCheckConfig(config));
  }

  private static boolean promtoolKnowsKubernetesDiscovery() throws IOException {
    return promtoolCheckConfig(
            "scrape_configs:\n  - job_name: k\n    kubernetes_sd_configs:\n      - role: pod\n")
        .isEmpty();
  }

  /** "" when promtool accepts the configuration, else its output. */
  private static String promtoolCheckConfig(String config) throws IOException {
    Path dir = Files.createTempDirectory("computectl-k8scfg-");
    Path f = dir.resolve("prometheus.yml");
    try {
      Files.writeString(f, config);
      Promtool.Result r = Promtool.run(dir, "check", "config", "prometheus.yml");
      return r.exitCode() == 0 ? "" : r.output();
    } finally {
      Files.deleteIfExists(f);
      Files.deleteIfExists(dir);
    }
  }

  @Test
  void kubectl_clientDryRunAcceptsEveryManifest() throws Exception {
    Path kubectl =
        Stream.of("/usr/bin/kubectl", "/usr/local/bin/kubectl")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    assumeTrue(
        kubectl != null,
        "kubectl check skipped: kubectl is not installed (the structural checks above still run)");
    Path home = Files.createTempDirectory("computectl-kubectl-");
    try (KubeApiStub api = new KubeApiStub()) {
      Path kubeconfig = Files.writeString(home.resolve("config"), "");
      ProcessBuilder pb =
          new ProcessBuilder(
                  kubectl.toString(),
                  "--server",
                  api.url(),
                  "--cache-dir",
                  home.resolve("cache").toString(),
                  "apply",
                  "--dry-run=client",
                  "--validate=false",
                  "-f",
                  DIR.toString())
              .redirectErrorStream(true);
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      pb.environment().put("HOME", home.toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl finished");
      assertEquals(0, p.exitValue(), out);
      for (String obj :
          List.of(
              "pod/compute-example",
              "podmonitor.monitoring.coreos.com/compute-ctl",
              "prometheusrule.monitoring.coreos.com/compute-ctl",
              "configmap/prometheus-compute-ctl")) {
        assertTrue(out.contains(obj + " created (dry run)"), out);
      }
    } finally {
      try (Stream<Path> all = Files.walk(home)) {
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
