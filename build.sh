#!/usr/bin/env bash
# Build steps for compute_ctl. The Makefile decides what is out of date and calls one step at a
# time; every step can also be run by hand: ./build.sh deps|classes|jar|image|test-classes|test
set -euo pipefail
cd "$(dirname "$0")"

BUILD=${BUILD_DIR:-build}
LIB=deps/lib
JAVAC_FLAGS=(--release 17 -Xlint:all -Werror -encoding UTF-8)
# jlink modules: java.sql for the JDBC driver, java.naming/java.security.jgss/java.management are
# referenced by the driver's optional features, jdk.httpserver and java.net.http for our HTTP
# server and client, jdk.crypto.ec for TLS certificates, jdk.unsupported for sun.misc.Signal.
MODULES=java.base,java.sql,java.naming,java.security.jgss,java.management,java.net.http,jdk.httpserver,jdk.crypto.ec,jdk.unsupported,jdk.zipfs

die() { echo "build.sh: $*" >&2; exit 1; }

jars_of() { # scope -> classpath of that scope's jars
  local scope=$1 cp=""
  while read -r s coord _sum; do
    [[ -z "$s" || "$s" == \#* || "$s" != "$scope" ]] && continue
    IFS=: read -r _g a v <<<"$coord"
    cp="${cp:+$cp:}$LIB/$a-$v.jar"
  done < deps/deps.txt
  echo "$cp"
}

step_deps() {
  mkdir -p "$LIB"
  while read -r scope coord sum; do
    [[ -z "$scope" || "$scope" == \#* ]] && continue
    IFS=: read -r _g a v <<<"$coord"
    local jar="$LIB/$a-$v.jar"
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

step_classes() {
  rm -rf "$BUILD/classes"
  mkdir -p "$BUILD/classes/computectl"
  find src -name '*.java' >"$BUILD/sources.txt"
  javac "${JAVAC_FLAGS[@]}" -cp "$(jars_of runtime)" -d "$BUILD/classes" @"$BUILD/sources.txt"
  copy_resources src "$BUILD/classes"
  printf 'build_tag=%s\n' "$(cat "$BUILD/build_tag")" >"$BUILD/classes/computectl/build.properties"
}

# Stand-ins (pageserver, control plane, demo, fleet) serve tests, demos and offline debugging;
# a compute in production never loads them, so they ship in a jar of their own.
STANDIN_PACKAGES=(standin fleet)

step_jar() {
  local stage="$BUILD/jar-stage"
  rm -rf "$stage"
  mkdir -p "$stage/app" "$stage/standins/computectl"
  cp -al "$BUILD/classes/." "$stage/app/"
  for p in "${STANDIN_PACKAGES[@]}"; do
    [[ -d "$stage/app/computectl/$p" ]] && mv "$stage/app/computectl/$p" "$stage/standins/computectl/"
  done
  jar --create --file "$BUILD/compute_ctl.jar" -C "$stage/app" .
  jar --create --file "$BUILD/compute_ctl-standins.jar" -C "$stage/standins" .
  rm -rf "$stage"
}

step_image() {
  local img="$BUILD/image"
  if [[ ! -f "$img/release" || "$(cat "$img/.modules" 2>/dev/null)" != "$MODULES" ]]; then
    rm -rf "$img"
    jlink --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
      --compress=2 --output "$img" 2>&1 | grep -v 'compress=2 is deprecated' || true
    [[ -f "$img/release" ]] || die "jlink failed"
    echo "$MODULES" >"$img/.modules"
    # Class data sharing archive of the JDK's own classes: a faster JVM boot.
    "$img/bin/java" -Xshare:dump >/dev/null 2>&1 || true
  fi
  rm -rf "$img/lib/app"
  mkdir -p "$img/lib/app"
  cp "$BUILD/compute_ctl.jar" "$BUILD/compute_ctl-standins.jar" "$img/lib/app/"
  IFS=: read -ra rt <<<"$(jars_of runtime)"
  cp "${rt[@]}" "$img/lib/app/"
  cp src/computectl/cli/launcher.sh "$img/bin/compute_ctl"
  chmod 755 "$img/bin/compute_ctl"
}

step_test_classes() {
  rm -rf "$BUILD/test-classes"
  mkdir -p "$BUILD/test-classes"
  find test -name '*.java' >"$BUILD/test-sources.txt"
  javac "${JAVAC_FLAGS[@]}" -cp "$BUILD/classes:$(jars_of runtime):$(jars_of test)" \
    -d "$BUILD/test-classes" @"$BUILD/test-sources.txt"
  copy_resources test "$BUILD/test-classes"
}

step_test() {
  local cp="$BUILD/test-classes:$BUILD/classes:$(jars_of runtime)"
  local filter=()
  [[ -n "${TESTS:-}" ]] && filter=(--include-classname "$TESTS")
  mkdir -p "$BUILD/test-reports"
  set +e
  java -Xss4m -Dcomputectl.root="$PWD" -Dcomputectl.image="$PWD/$BUILD/image" \
    -jar "$(jars_of test)" execute --disable-banner --disable-ansi-colors --details=tree \
    --class-path "$cp" --scan-class-path "${filter[@]}" \
    --reports-dir "$BUILD/test-reports" 2>&1 | tee "$BUILD/test-output.txt"
  local rc=${PIPESTATUS[0]}
  set -e
  local passed failed
  passed=$(sed -n 's/^\[ *\([0-9]*\) tests successful.*/\1/p' "$BUILD/test-output.txt" | tail -1)
  failed=$(sed -n 's/^\[ *\([0-9]*\) tests failed.*/\1/p' "$BUILD/test-output.txt" | tail -1)
  if [[ -z "$passed" ]]; then passed=0; failed=${failed:-1}; fi
  if [[ "$rc" != 0 && "${failed:-0}" == 0 ]]; then failed=1; fi
  echo "${passed} passed, ${failed:-0} failed"
  [[ "${failed:-0}" == 0 ]]
}

step_demo() {
  "$BUILD/image/bin/java" -cp "$BUILD/image/lib/app/*" computectl.standin.Demo "$BUILD/image"
}

step_fleet_demo() { # a fleet needs two builds: the same sources built with two tags, in their own dirs
  local tag
  for tag in v1 v2; do
    BUILD_TAG=$tag make --no-print-directory image BUILD_DIR="$BUILD-$tag"
  done
  # shellcheck disable=SC2086 # FLEET_DEMO_ARGS holds several words on purpose
  java -cp "$BUILD-v2/classes:$(jars_of runtime)" computectl.fleet.FleetDemoMain \
    --image "$BUILD-v1/image" --image "$BUILD-v2/image" --rules deploy/prometheus ${FLEET_DEMO_ARGS:-}
}

case "${1:-}" in
  build-tag) # write build/build_tag only when it changes, so make rebuilds only then
    mkdir -p "$BUILD"
    tag="${BUILD_TAG:-latest}"
    [[ "$(cat "$BUILD/build_tag" 2>/dev/null)" == "$tag" ]] || printf '%s' "$tag" >"$BUILD/build_tag" ;;
  deps) step_deps ;;
  classes) step_classes ;;
  jar) step_jar ;;
  image) step_image ;;
  test-classes) step_test_classes ;;
  test) step_test ;;
  fleet-demo) step_fleet_demo ;;
  demo) step_demo ;;
  *) die "usage: build.sh build-tag|deps|classes|jar|image|test-classes|test|demo|fleet-demo" ;;
esac
