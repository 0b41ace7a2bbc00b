#!/usr/bin/env bash
# The dev kit's commands: what is neither building nor testing. The Makefile calls one at a time
# (make demo, make fleet-demo, make bench, make fuzz) after building what it needs; each can also
# be run by hand from the checkout: test/devkit/devkit.sh demo|fleet-demo|bench|fuzz
set -euo pipefail
# build.sh's helpers (BUILD, jars_of, run_tmp_dir, step_test); sourcing it also enters the checkout.
source "$(dirname "${BASH_SOURCE[0]}")/../../build.sh"

die() { echo "devkit.sh: $*" >&2; exit 1; }

# A local compute: a stand-in pageserver serving a basebackup of a local PostgreSQL 15 cluster and
# compute_ctl from the image with the bundled sample spec, until Ctrl-C.
demo() {
  "$BUILD/image/bin/java" -cp "$BUILD/devkit-classes:$BUILD/image/lib/app/*" computectl.standin.Demo "$BUILD/image"
}

# Six computes from two builds scraped by a real Prometheus. A fleet needs two builds: the same
# sources built with two tags, each in its own directory.
fleet_demo() {
  local tag
  for tag in v1 v2; do
    BUILD_TAG=$tag make --no-print-directory image BUILD_DIR="$BUILD-$tag"
  done
  # shellcheck disable=SC2086 # FLEET_DEMO_ARGS holds several words on purpose
  java -cp "$BUILD-v2/devkit-classes:$BUILD-v2/classes:$(jars_of runtime)" computectl.fleet.FleetDemoMain \
    --image "$BUILD-v1/image" --image "$BUILD-v2/image" --rules deploy/prometheus ${FLEET_DEMO_ARGS:-}
}

# Every figure of the README's Performance section against this build's image, each with a
# baseline measured in the same run (computectl.bench.BenchMain under test/); results in
# $BUILD/bench/results.json. BENCH_ARGS passes options, e.g. BENCH_ARGS='--runs 7 --only boot,http'.
bench() {
  local cp="$BUILD/test-classes:$BUILD/devkit-classes:$BUILD/classes:$(jars_of runtime)"
  local tmp rc=0
  tmp=$(run_tmp_dir)
  # shellcheck disable=SC2086 # BENCH_ARGS holds several words on purpose
  java -Xmx4g -Xss4m -Djava.io.tmpdir="$tmp" -Dcomputectl.root="$PWD" -Dcomputectl.image="$PWD/$BUILD/image" \
    -cp "$cp" computectl.bench.BenchMain --image "$BUILD/image" --out "$BUILD/bench" ${BENCH_ARGS:-} || rc=$?
  rm -rf "$tmp"
  return "$rc"
}

# The fuzz suite of make test with FUZZ_CASES cases per target (default 100000) from FUZZ_SEED
# (default: a new random seed, printed so that a run can be repeated exactly).
fuzz() {
  local seed=${FUZZ_SEED:-$(printf '0x%x' "$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')")}
  echo "fuzz: ${FUZZ_CASES:-100000} cases per target from seed $seed"
  FUZZ_CASES=${FUZZ_CASES:-100000} FUZZ_SEED=$seed TESTS='computectl\.fuzz\.Fuzz_Test' step_test
}

main() {
  case "${1:-}" in
    demo) demo ;;
    fleet-demo) fleet_demo ;;
    bench) bench ;;
    fuzz) fuzz ;;
    *) die "usage: test/devkit/devkit.sh demo|fleet-demo|bench|fuzz" ;;
  esac
}

# exit: bash reads a script as it runs, and a bench runs long enough for this file to change.
main "$@"; exit
