#!/usr/bin/env bash
# make container / make container-test: builds the Dockerfile's image with the container engine
# found here (docker or podman with a running service, else buildah), and tests it against the
# stand-ins on the host (computectl.container.Container_Test).
#
#   test/container/container.sh build|test
#
# Settings (environment or make variables):
#   CONTAINER_ENGINE   docker, podman or buildah instead of the first that works
#   CONTAINER_IMAGE    the image's name (default localhost/compute-ctl:$BUILD_TAG, tag latest)
#   CA_CERTS           PEM files or directories of them whose CA certificates the build stage
#                      trusts (an HTTPS proxy's own CA; needed only when Maven must fetch the jars)
#   POSTGRES_JIT=on    keeps PostgreSQL's LLVM JIT in the image (off by default)
#   CONTAINER_STORAGE=vfs   buildah on a vfs store of its own (the default when its own fails)
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD_DIR:-build}
IMAGE=${CONTAINER_IMAGE:-localhost/compute-ctl:${BUILD_TAG:-latest}}
BASE=debian:bookworm-slim
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

die() { echo "container.sh: $*" >&2; exit 1; }
say() { echo "container.sh: $*"; }

# The engine: docker or podman only when they can really build (a docker client without a daemon
# cannot); buildah needs no service. Buildah keeps its default storage when it works there, else
# (or with CONTAINER_STORAGE=vfs) a store of its own on vfs, which works everywhere (slower, more
# disk), named to every buildah command here and in the test by CONTAINERS_STORAGE_CONF.
ENGINE=
VFS=
find_engine() {
  local e
  for e in ${CONTAINER_ENGINE:-docker podman buildah}; do
    command -v "$e" >/dev/null || continue
    if [[ "$e" == buildah ]]; then
      if [[ "${CONTAINER_STORAGE:-}" == vfs ]] || ! buildah info >/dev/null 2>&1; then
        use_vfs_store
        buildah info >/dev/null 2>&1 || continue
      fi
    else
      "$e" info >/dev/null 2>&1 || continue
    fi
    ENGINE=$e
    return
  done
  die "no working container engine (tried ${CONTAINER_ENGINE:-docker podman buildah}); install one, e.g. apt-get install buildah"
}

use_vfs_store() {
  local root=/var/lib/containers/storage-vfs run=/run/containers/storage-vfs
  if [[ $(id -u) != 0 ]]; then
    root=${XDG_DATA_HOME:-$HOME/.local/share}/containers/storage-vfs
    run=${XDG_RUNTIME_DIR:-/tmp/containers-$(id -u)}/containers/storage-vfs
  fi
  local conf=$BUILD/container-storage.conf
  [[ "$conf" == /* ]] || conf=$PWD/$conf
  mkdir -p "$BUILD"
  printf '[storage]\ndriver = "vfs"\ngraphroot = "%s"\nrunroot = "%s"\n' "$root" "$run" >"$conf"
  export CONTAINERS_STORAGE_CONF=$conf
  VFS=1
}

has_image() { # engine name
  case "$1" in
    buildah) buildah inspect --type image "$2" >/dev/null 2>&1 ;;
    *) "$1" image inspect "$2" >/dev/null 2>&1 ;;
  esac
}

# debian:bookworm-slim from the registry when one answers, else made here from Debian's packages:
# mmdebstrap's minbase (what the slim image holds: apt, dpkg and the essential packages), without
# documentation, man pages and translations, and with apt fetching no translations, like the slim
# image.
ensure_base() {
  local engine=$1
  has_image "$engine" "$BASE" && return
  say "pulling $BASE"
  if timeout 120 "$engine" pull "docker.io/library/$BASE" >/dev/null 2>&1; then return; fi
  command -v mmdebstrap >/dev/null || die "cannot pull $BASE and mmdebstrap is missing to make it (apt-get install mmdebstrap)"
  say "no registry answers: making $BASE with mmdebstrap from $DEBIAN_MIRROR"
  local tmp tar
  tmp=$(mktemp -d /tmp/cct-base-XXXXXX)
  tar=$tmp/base.tar
  local excludes=() d
  for d in man doc info locale lintian linda; do excludes+=(--dpkgopt="path-exclude=/usr/share/$d/*"); done
  # merged-usr: /bin, /lib and /sbin as links into /usr set up directly, as Debian's images have
  # them, instead of the usrmerge package (which brings the whole of perl).
  mmdebstrap --quiet --variant=minbase --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    "${excludes[@]}" --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --aptopt='Acquire::Languages "none"' \
    bookworm "$tar" \
    "deb $DEBIAN_MIRROR bookworm main" "deb $DEBIAN_MIRROR bookworm-updates main" \
    "deb ${DEBIAN_SECURITY_MIRROR:-${DEBIAN_MIRROR%/debian}/debian-security} bookworm-security main" \
    || { rm -rf "$tmp"; die "mmdebstrap could not make $BASE"; }
  case "$engine" in
    buildah)
      local ctr
      ctr=$(buildah from --pull=never scratch)
      buildah add --quiet "$ctr" "$tar" / >/dev/null
      buildah config --cmd bash --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$ctr"
      buildah commit --quiet --rm "$ctr" "docker.io/library/$BASE" >/dev/null ;;
    *) "$engine" import --change 'CMD ["bash"]' "$tar" "docker.io/library/$BASE" >/dev/null ;;
  esac
  rm -rf "$tmp"
}

# The build context: what the Dockerfile copies, and nothing else (a checkout's build/ is large).
make_context() {
  local ctx=$1
  mkdir -p "$ctx/deps" "$ctx/test"
  cp -a Dockerfile Makefile build.sh src "$ctx/"
  cp -a test/devkit "$ctx/test/"
  cp -a deps/deps.txt "$ctx/deps/"
  if [[ -f deps/lib/.verified && deps/lib/.verified -nt deps/deps.txt ]]; then
    cp -a deps/lib "$ctx/deps/"
  fi
}

# CA_CERTS: PEM files, or directories whose *.crt and *.pem files are read.
ca_pem() {
  local p f
  for p in ${CA_CERTS:-}; do
    if [[ -d "$p" ]]; then
      for f in "$p"/*.crt "$p"/*.pem; do
        if [[ -f "$f" ]]; then cat "$f" && echo; fi
      done
    elif [[ -f "$p" ]]; then
      cat "$p" && echo
    else
      die "CA_CERTS: no such file or directory: $p"
    fi
  done
}

CTX=
build_image() {
  local engine=$1 args=()
  ensure_base "$engine"
  CTX=$(mktemp -d /tmp/cct-context-XXXXXX)
  trap 'rm -rf "$CTX"' EXIT
  make_context "$CTX"
  args=(--build-arg "BUILD_TAG=${BUILD_TAG:-latest}" --build-arg "POSTGRES_JIT=${POSTGRES_JIT:-off}")
  local pem
  pem=$(ca_pem)
  [[ -n "$pem" ]] && args+=(--build-arg "EXTRA_CA_CERTS=$pem")
  say "building $IMAGE with $engine"
  local start=$SECONDS rc=0
  case "$engine" in
    buildah)
      # Cached layers make a rebuild take seconds; with vfs each layer is a full copy of the file
      # system, so there only each stage's result is kept.
      local layers=--layers
      [[ -n "$VFS" ]] && layers=--layers=false
      buildah bud --isolation chroot --network host "$layers" --force-rm --pull=false -t "$IMAGE" "${args[@]}" "$CTX" || rc=$? ;;
    podman) podman build --network host --layers -t "$IMAGE" "${args[@]}" "$CTX" || rc=$? ;;
    docker) docker build --network host -t "$IMAGE" "${args[@]}" "$CTX" || rc=$? ;;
  esac
  rm -rf "$CTX"
  (( rc == 0 )) || die "$engine could not build $IMAGE"
  say "built $IMAGE in $((SECONDS - start)) s"
}

step_test() {
  local engine=$1
  build_image "$engine"
  # The image is run by the test class, against stand-ins in the test JVM on the host.
  COMPUTE_CTL_CONTAINER_ENGINE=$engine COMPUTE_CTL_CONTAINER_IMAGE=$IMAGE \
    TESTS='computectl\.container\..*' make --no-print-directory test
}

case "${1:-}" in
  build) find_engine && build_image "$ENGINE" ;;
  test) find_engine && step_test "$ENGINE" ;;
  *) die "usage: container.sh build|test" ;;
esac
