#!/usr/bin/env bash
# Build steps for compute_ctl. The Makefile decides what is out of date and calls one step at a
# time; every step can also be run by hand: ./build.sh deps|classes|jar|image|test-classes|test
# Everything that is not building or testing (demo, fleet demo, bench, long fuzzing) is the dev
# kit's: test/devkit/devkit.sh, which sources this file for its helpers (jars_of, run_tmp_dir).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

BUILD=${BUILD_DIR:-build}
LIB=deps/lib
# -XDstringConcat=inline: string concatenation as StringBuilder code instead of invokedynamic,
# whose call sites are each linked at first use (method handles spun at run time, which no
# class-data archive holds): tens of milliseconds of every start (see README "Performance").
JAVAC_FLAGS=(--release 17 -Xlint:all -Werror -encoding UTF-8 -XDstringConcat=inline)
# The same without -Werror, for the two compilations that judge javac's warnings themselves.
JAVAC_FLAGS_NO_WERROR=()
for f in "${JAVAC_FLAGS[@]}"; do [[ "$f" == -Werror ]] || JAVAC_FLAGS_NO_WERROR+=("$f"); done
# jlink modules: java.sql for the JDBC driver, java.naming/java.security.jgss/java.management are
# referenced by the driver's optional features, jdk.httpserver and java.net.http for our HTTP
# server and client, jdk.crypto.ec for TLS certificates, jdk.unsupported for sun.misc.Signal.
MODULES=java.base,java.sql,java.naming,java.security.jgss,java.management,java.net.http,jdk.httpserver,jdk.crypto.ec,jdk.unsupported,jdk.zipfs

die() { echo "build.sh: $*" >&2; exit 1; }

# The runtime: COMPUTE_CTL_RUNTIME_JDK=17 (default) or 25 picks the JDK whose jlink makes the image
# and the launcher's flags and class-data archive that go with it. JDK 17: an application CDS
# archive (lib/server/app.jsa). JDK 25: an AOT cache (JEPs 483, 514, 515: classes loaded and
# linked, method profiles; lib/server/app.aot) and compact object headers. The class files are
# --release 17 either way, so the same build runs on both. JDK 17 starts child processes with vfork
# and one exec: its default, posix_spawn, execs the jspawnhelper program first, which costs about
# 0.5 ms per child (sync-safekeepers, ln, Postgres). JDK 25 deprecates vfork and prints a warning
# for it to stderr, so its image keeps the default.
RUNTIME_JDK=${COMPUTE_CTL_RUNTIME_JDK:-17}
case "$RUNTIME_JDK" in
  17) JLINK=${JDK17_HOME:+$JDK17_HOME/bin/}jlink
    RUNTIME_FLAGS=(-Djdk.lang.Process.launchMechanism=VFORK)
    JLINK_COMPRESS=--compress=2
    TRAINED_ARCHIVE=app.jsa ;;
  25) JLINK=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jlink
    RUNTIME_FLAGS=(-XX:+UseCompactObjectHeaders '-Xlog:aot*=off')
    JLINK_COMPRESS=--compress=zip-6
    TRAINED_ARCHIVE=app.aot ;;
  *) die "COMPUTE_CTL_RUNTIME_JDK must be 17 or 25, got $RUNTIME_JDK" ;;
esac

jar_name() { # group:artifact:version[:packaging:classifier] -> the file name mvn dependency:copy gives it
  local _g a v _p classifier
  IFS=: read -r _g a v _p classifier <<<"$1"
  echo "$a-$v${classifier:+-$classifier}.jar"
}

jars_of() { # scope -> classpath of that scope's jars
  local scope=$1 cp=""
  while read -r s coord _sum; do
    [[ -z "$s" || "$s" == \#* || "$s" != "$scope" ]] && continue
    cp="${cp:+$cp:}$LIB/$(jar_name "$coord")"
  done < deps/deps.txt
  echo "$cp"
}

app_class_path() { # dir -> the image's class path: our jars first, then the runtime jars
  local cp="$1/compute_ctl.jar" j
  for j in $(optional_jar_names); do cp="$cp:$1/$j"; done
  IFS=: read -ra rt <<<"$(jars_of runtime)"
  for j in "${rt[@]}"; do cp="$cp:$1/${j##*/}"; done
  echo "$cp"
}

step_deps() {
  mkdir -p "$LIB"
  while read -r scope coord sum; do
    [[ -z "$scope" || "$scope" == \#* ]] && continue
    local jar
    jar="$LIB/$(jar_name "$coord")"
    if [[ ! -f "$jar" ]]; then
      echo "fetching $coord"
      mvn -q -B dependency:copy -Dartifact="$coord" -DoutputDirectory="$LIB" >"deps/lib/.fetch.log" 2>&1 \
        || { cat "deps/lib/.fetch.log" >&2; rm -f "deps/lib/.fetch.log"; die "could not fetch $coord with mvn dependency:copy (see above)"; }
      rm -f "deps/lib/.fetch.log"
    fi
    local got
    got=$(sha256sum "$jar" | cut -d' ' -f1)
    if [[ "$got" != "$sum" ]]; then
      rm -f "$jar"
      die "checksum mismatch for $coord: expected $sum, got $got (the jar was deleted)"
    fi
  done < deps/deps.txt
  touch "$LIB/.verified"
}

copy_resources() { # src-dir dest-dir: every non-Java file, keeping its path
  (cd "$1" && find . -type f ! -name '*.java' -print0) | while IFS= read -r -d '' f; do
    mkdir -p "$2/$(dirname "$f")"
    cp "$1/$f" "$2/$f"
  done
}

# The one source that names sun.misc (see the file): javac warns about every such use and nothing
# turns that warning off, so it is compiled on its own, first, where that warning is accepted and
# any other output fails the build; the rest of src/ then builds with -Werror against it.
SUN_API_SOURCE=src/computectl/util/SignalTrapHandler.java
compile_sun_api() { # output directory
  local log
  log=$(javac "${JAVAC_FLAGS_NO_WERROR[@]}" -XDrawDiagnostics -d "$1" "$SUN_API_SOURCE" 2>&1) \
    || { echo "$log" >&2; die "javac failed on $SUN_API_SOURCE"; }
  if grep -v -e 'compiler\.warn\.sun\.proprietary: sun\.misc\.' -e '^[0-9]* warnings*$' <<<"$log" | grep -q .; then
    echo "$log" >&2
    die "$SUN_API_SOURCE: javac said more than its warning about sun.misc"
  fi
}

# src/ less the sun.misc source, for javac and Error Prone.
main_sources() {
  find src -name '*.java' ! -path "$SUN_API_SOURCE"
}

step_classes() {
  rm -rf "$BUILD/classes"
  mkdir -p "$BUILD/classes/computectl"
  compile_sun_api "$BUILD/classes"
  main_sources >"$BUILD/sources.txt"
  javac "${JAVAC_FLAGS[@]}" -cp "$BUILD/classes:$(jars_of runtime)" -d "$BUILD/classes" @"$BUILD/sources.txt"
  copy_resources src "$BUILD/classes"
}

# Our code ships in jars by who needs it; all are in the image, on the launcher's class path.
# compute_ctl.jar is what every compute runs. The others hold packages a running compute loads
# only in some deployments: the vm-monitor and the swap and disk-quota helpers (NeonVM computes
# only), the
# OpenTelemetry exporter (only with an OTLP endpoint configured), the offline commands (plan,
# check-spec, debug-bundle), the start path's warm-up (pooled computes only, while they wait in
# Empty), remote extensions (computes whose spec names an extension storage), the proxies
# beside Postgres (pgbouncer, local_proxy) and TLS (computes whose compute_ctl_config has a
# certificate). Each entry: jar suffix, then its packages.
OPTIONAL_JARS=("vmmonitor:vmmonitor vmhelpers" "tracing:tracing" "tools:tools" "warmup:warmup"
  "extensions:extension" "proxies:pgbouncer localproxy" "tls:tls")

optional_jar_names() {
  local entry
  for entry in "${OPTIONAL_JARS[@]}"; do echo "compute_ctl-${entry%%:*}.jar"; done
}

step_jar() {
  local stage="$BUILD/jar-stage" entry name p
  rm -rf "$stage" "$BUILD"/compute_ctl*.jar
  mkdir -p "$stage/app"
  cp -al "$BUILD/classes/." "$stage/app/"
  for entry in "${OPTIONAL_JARS[@]}"; do
    name=${entry%%:*}
    mkdir -p "$stage/$name/computectl"
    for p in ${entry#*:}; do
      [[ -d "$stage/app/computectl/$p" ]] && mv "$stage/app/computectl/$p" "$stage/$name/computectl/"
    done
    jar --create --file "$BUILD/compute_ctl-$name.jar" -C "$stage/$name" .
  done
  jar --create --file "$BUILD/compute_ctl.jar" -C "$stage/app" .
  rm -rf "$stage"
}

# jlink options; --generate-cds-archive adds the archive of the JDK's own classes (lib/server/classes.jsa).
JLINK_OPTS=(--strip-debug --no-man-pages --no-header-files "$JLINK_COMPRESS" --generate-cds-archive)

step_image() {
  local img="$BUILD/image" stamp="$RUNTIME_JDK $MODULES ${JLINK_OPTS[*]}" j
  if [[ ! -f "$img/release" || "$(cat "$img/.modules" 2>/dev/null)" != "$stamp" ]]; then
    rm -rf "$img"
    "$JLINK" --add-modules "$MODULES" "${JLINK_OPTS[@]}" --output "$img" 2>&1 | grep -v 'compress=2 is deprecated' || true
    [[ -f "$img/release" ]] || die "jlink failed"
    # The launcher's heap limit keeps compressed oops on, so the JVM never reads this one.
    rm -f "$img/lib/server/classes_nocoops.jsa"
    echo "$stamp" >"$img/.modules"
  fi
  rm -rf "$img/lib/app" "$img/lib/server/app.jsa" "$img/lib/server/app.aot"
  mkdir -p "$img/lib/app"
  cp "$BUILD/compute_ctl.jar" "$img/lib/app/"
  for j in $(optional_jar_names); do cp "$BUILD/$j" "$img/lib/app/"; done
  IFS=: read -ra rt <<<"$(jars_of runtime)"
  cp "${rt[@]}" "$img/lib/app/"
  recompile_from_sources "$img/lib/app"
  # The build tag (BuildInfo): a file of the image, outside the jars, so that reading it at start
  # does not open a jar, and a retagged copy of an image keeps its jars.
  printf 'build_tag=%s\n' "$(cat "$BUILD/build_tag")" >"$img/lib/app/build.properties"
  # The launcher names every jar (in this order) instead of lib/app/*: a class-data archive
  # records the class path, and a wildcard's order is the directory's.
  local flags="" f
  for f in "${RUNTIME_FLAGS[@]}"; do flags="$flags '$f'"; done
  sed -e "s|@CLASSPATH@|$(app_class_path '$app')|" -e "s|@RUNTIME_FLAGS@|${flags# }|" \
    src/computectl/cli/launcher.sh >"$img/bin/compute_ctl"
  chmod 755 "$img/bin/compute_ctl"
  step_cds
}

# A runtime jar that has a `recompile` line in deps/deps.txt (its released sources jar, pinned
# like the others) is rebuilt from those sources for --release 17 and replaces the Maven jar in
# the image: minimal-json ships Java 5 class files, which class-data archives cannot hold.
recompile_from_sources() { # image lib dir
  local coord _sum _s g a v out src
  while read -r _s coord _sum; do
    [[ "$_s" != recompile ]] && continue
    IFS=: read -r g a v _ <<<"$coord"
    out="$BUILD/recompiled/$a-$v.jar"
    if [[ ! -f "$out" || "$LIB/$(jar_name "$coord")" -nt "$out" ]]; then
      src="$BUILD/recompiled/$a-src"
      rm -rf "$src" "$src.classes" && mkdir -p "$src" "$src.classes"
      (cd "$src" && jar -xf "$OLDPWD/$LIB/$(jar_name "$coord")")
      find "$src" -name '*.java' >"$src.txt"
      javac --release 17 -nowarn -encoding UTF-8 -XDstringConcat=inline -d "$src.classes" @"$src.txt"
      jar --create --file "$out" -C "$src.classes" .
      rm -rf "$src" "$src.classes" "$src.txt"
    fi
    cp "$out" "$1/$a-$v.jar"
  done < deps/deps.txt
}

# The application class-data archive, trained on a real start of this image (see
# computectl.training.CdsTraining in the dev kit). Best effort: without PostgreSQL 15, or when anything goes wrong,
# the image ships without it and starts a little slower. COMPUTE_CTL_CDS=0 skips it.
step_cds() {
  local img="$BUILD/image" log="$BUILD/cds-training.log" jsa="$BUILD/image/lib/server/$TRAINED_ARCHIVE"
  local use=(-Xshare:on -XX:SharedArchiveFile="$jsa")
  [[ "$TRAINED_ARCHIVE" == app.aot ]] && use=(-XX:AOTMode=on -XX:AOTCache="$jsa")
  rm -f "$jsa"
  [[ "${COMPUTE_CTL_CDS:-1}" == 0 ]] && return 0
  if timeout 600 "$img/bin/java" -cp "$BUILD/devkit-classes:$img/lib/app/*" computectl.training.CdsTraining "$img" "$jsa" >"$log" 2>&1 \
    && "$img/bin/java" "${RUNTIME_FLAGS[@]}" "${use[@]}" -cp "$(app_class_path "$img/lib/app")" \
      computectl.cli.Main --version \
      >>"$log" 2>&1; then
    echo "class-data archive trained: $jsa ($(wc -c <"$jsa") bytes)"
  else
    rm -f "$jsa"
    local why
    why=$(sed -n 's/^not trained: //p' "$log" | head -1)
    echo "build.sh: no class-data archive (${why:-training failed, see $log}); the image works without it" >&2
  fi
}

# The dev kit (test/devkit): stand-ins for the pageserver, safekeepers and control plane, the
# demo, the fleet demo and the class-data training driver. Built beside the tests, never shipped;
# it needs only the product's classes and run-time jars, so the image's own java can run it.
step_devkit() {
  rm -rf "$BUILD/devkit-classes"
  mkdir -p "$BUILD/devkit-classes"
  find test/devkit -name '*.java' >"$BUILD/devkit-sources.txt"
  javac "${JAVAC_FLAGS[@]}" -cp "$BUILD/classes:$(jars_of runtime)" \
    -d "$BUILD/devkit-classes" @"$BUILD/devkit-sources.txt"
  copy_resources test/devkit "$BUILD/devkit-classes"
}

step_test_classes() {
  rm -rf "$BUILD/test-classes"
  mkdir -p "$BUILD/test-classes"
  find test -path test/devkit -prune -o -name '*.java' -print >"$BUILD/test-sources.txt"
  javac "${JAVAC_FLAGS[@]}" -cp "$BUILD/classes:$BUILD/devkit-classes:$(jars_of runtime):$(jars_of test)" \
    -d "$BUILD/test-classes" @"$BUILD/test-sources.txt"
  (cd test && find . -path ./devkit -prune -o -type f ! -name '*.java' -print0) | while IFS= read -r -d '' f; do
    mkdir -p "$BUILD/test-classes/$(dirname "$f")"
    cp "test/$f" "$BUILD/test-classes/$f"
  done
}

# Every temporary file and directory of a test or bench run (Postgres clusters, PGDATAs, the
# stand-ins' tars: hundreds of megabytes) goes under one directory the step removes afterwards,
# pass or fail. Sticky and world-writable like /tmp: the tests run Postgres as another user.
run_tmp_dir() {
  local tmp
  tmp=$(mktemp -d /tmp/cct-XXXXXX)
  chmod 1777 "$tmp"
  echo "$tmp"
}

# make test / make unit: the JUnit console launcher over the test classes. TEST_SCOPE=unit runs
# only the tests not tagged e2e (those need PostgreSQL, the built image or a compute_ctl process),
# and tells the test support to refuse to start any of those, so that an untagged class that
# needs them fails instead of slowing the fast set down. TESTS='<class regex>' runs a subset.
# The counts come from JUnit's exit status and its XML reports (computectl.testsupport.TestSummary).
step_test() {
  local cp="$BUILD/test-classes:$BUILD/devkit-classes:$BUILD/classes:$(jars_of runtime)"
  local select=() scope=${TEST_SCOPE:-all}
  [[ -n "${TESTS:-}" ]] && select+=(--include-classname "$TESTS")
  # nodelay as the launcher sets it: without it the JDK HTTP server's replies wait for delayed ACKs.
  local props=(-Dsun.net.httpserver.nodelay=true "-Dcomputectl.test.scope=$scope")
  case "$scope" in
    all) ;;
    unit)
      select+=(--exclude-tag e2e)
      # The bounded fuzz run, shortened: its full 10,000 cases per target belong to make test.
      props+=("-Dcomputectl.fuzz.cases=${FUZZ_CASES:-1000}") ;;
    *) die "TEST_SCOPE must be all or unit, not '$scope'" ;;
  esac
  [[ "$scope" == all && -n "${FUZZ_CASES:-}" ]] && props+=("-Dcomputectl.fuzz.cases=$FUZZ_CASES")
  [[ -n "${FUZZ_SEED:-}" ]] && props+=("-Dcomputectl.fuzz.seed=$FUZZ_SEED")
  local reports="$BUILD/test-reports" tmp rc=0
  rm -rf "$reports" && mkdir -p "$reports"
  tmp=$(run_tmp_dir)
  java -Xss4m "${props[@]}" -Djava.io.tmpdir="$tmp" -Dcomputectl.root="$PWD" -Dcomputectl.image="$PWD/$BUILD/image" \
    -jar "$(jars_of test)" execute --disable-banner --disable-ansi-colors --details=tree \
    --class-path "$cp" --scan-class-path "${select[@]}" --reports-dir "$reports" || rc=$?
  rm -rf "$tmp"
  java -cp "$BUILD/test-classes" computectl.testsupport.TestSummary "$reports" "$rc"
}

# Development tools (dev jars in deps/deps.txt): the formatter and the linter. Neither is in the
# image nor on the run-time class path. Both run on javac's internals, which JDK 17 hides.
JDK_COMPILER_EXPORTS=()
for p in api code comp file main model parser processing tree util; do
  JDK_COMPILER_EXPORTS+=("--add-exports=jdk.compiler/com.sun.tools.javac.$p=ALL-UNNAMED")
done

java_sources() { find src test -name '*.java' | sort; }

# make fmt / make fmt-check: google-java-format, its default (Google) style.
step_fmt() {
  local mode=${1:-replace} out rc=0
  if [[ "$mode" == check ]]; then
    out=$(java "${JDK_COMPILER_EXPORTS[@]}" -jar "$(jars_of dev | tr ':' '\n' | grep google-java-format)" \
      --dry-run $(java_sources)) || rc=$?
    (( rc == 0 )) || die "google-java-format failed (exit $rc)"
    if [[ -n "$out" ]]; then
      echo "$out" | sed 's/^/needs formatting: /' >&2
      die "$(echo "$out" | wc -l) file(s) not formatted: run make fmt"
    fi
    echo "fmt-check: $(java_sources | wc -l) files formatted"
  else
    java "${JDK_COMPILER_EXPORTS[@]}" -jar "$(jars_of dev | tr ':' '\n' | grep google-java-format)" \
      --replace $(java_sources)
  fi
}

# make lint: src/ and test/ compiled with Error Prone as a javac plugin, every warning an error.
# Checks switched off, each for its reason (the one place this is decided):
EP_OFF=(
  # Records here carry bytes (wire messages, DER elements, tar and file buffers) without a copy and
  # are never compared, hashed or used as keys, so array identity in equals changes nothing.
  ArrayRecordComponent
  # Its fix is Guava's Splitter, which the project does not depend on; split(regex, -1) would change
  # what the call sites see: they rely on trailing empty strings being dropped (text ending in \n).
  StringSplitter
  # Style only: the literals it names are expected config files and protocol text (\r\n, \t) built
  # line by line; its own rewrite dropped the final newline of String.join("\n", ..., ""), so each
  # would need checking by hand for no gain in what the code does.
  StringConcatToTextBlock
  # Thread.yield is the failpoint action "yield" itself (upstream's failpoint syntax), its one use.
  ThreadPriorityCheck
)
step_lint() {
  local out="$BUILD/lint-classes" ep_args="-Xplugin:ErrorProne" c jflags=()
  for c in "${EP_OFF[@]}"; do ep_args="$ep_args -Xep:$c:OFF"; done
  for c in "${JDK_COMPILER_EXPORTS[@]}"; do jflags+=("-J$c"); done
  jflags+=(-J--add-opens=jdk.compiler/com.sun.tools.javac.code=ALL-UNNAMED
    -J--add-opens=jdk.compiler/com.sun.tools.javac.comp=ALL-UNNAMED)
  # Without -Werror: javac's -Werror stops Error Prone at its first finding, and lint is to list
  # them all; a warning in the log fails the step below instead.
  local flags=("${JAVAC_FLAGS_NO_WERROR[@]}")
  # checker-qual: the JDBC driver's annotations, which Error Prone reads (see deps/deps.txt).
  local dev ep_path annotations
  dev=$(jars_of dev | tr ':' '\n')
  ep_path=$(grep -v -e google-java-format -e checker-qual <<<"$dev" | paste -sd:)
  annotations=$(grep checker-qual <<<"$dev")
  rm -rf "$out" && mkdir -p "$out/src" "$out/test"
  local ep=(-XDcompilePolicy=simple --should-stop=ifError=FLOW -Xmaxwarns 10000 -Xmaxerrs 10000
    -processorpath "$ep_path" "$ep_args")
  compile_sun_api "$out/src"
  main_sources >"$out/src.txt"
  javac "${jflags[@]}" "${flags[@]}" "${ep[@]}" -cp "$out/src:$(jars_of runtime):$annotations" -d "$out/src" \
    @"$out/src.txt" 2>&1 | tee "$out/src.log"
  find test -name '*.java' >"$out/test.txt"
  javac "${jflags[@]}" "${flags[@]}" "${ep[@]}" -cp "$out/src:$(jars_of runtime):$annotations:$(jars_of test)" \
    -d "$out/test" @"$out/test.txt" 2>&1 | tee "$out/test.log"
  c=$(cat "$out/src.log" "$out/test.log" | grep -c 'warning: ' || true)
  [[ "$c" == 0 ]] || die "lint: $c finding(s) above"
  echo "lint: Error Prone found nothing in src/ and test/"
}

# Sourced (by test/devkit/devkit.sh): the helpers above only, no step.
[[ "${BASH_SOURCE[0]}" != "$0" ]] && return 0

case "${1:-}" in
  build-tag) # write build/build_tag only when it changes, so make rebuilds only then
    mkdir -p "$BUILD"
    tag="${BUILD_TAG:-latest}"
    [[ "$(cat "$BUILD/build_tag" 2>/dev/null)" == "$tag" ]] || printf '%s' "$tag" >"$BUILD/build_tag" ;;
  deps) step_deps ;;
  classes) step_classes ;;
  jar) step_jar ;;
  image) step_image ;;
  cds) step_cds ;;
  devkit) step_devkit ;;
  test-classes) step_test_classes ;;
  test) step_test ;;
  fmt) step_fmt replace ;;
  fmt-check) step_fmt check ;;
  lint) step_lint ;;
  *) die "usage: build.sh build-tag|deps|classes|jar|image|cds|devkit|test-classes|test|fmt|fmt-check|lint (demo, fleet demo, bench, fuzz: test/devkit/devkit.sh)" ;;
esac
