#!/usr/bin/env bash
# Builds the images the lab's own node runs, with no container registry: a Debian bookworm base
# made by debootstrap, node:20-slim's equivalent on it (this machine's Node 20), the lab image from
# the project's Dockerfile, haproxy:2.6 from Debian's package, and the node's pause and CoreDNS
# images from Go. Each step is skipped when its image exists with the same inputs; with --load the
# images then go into a containerd (load.sh). Everything cached lives under the lab state directory.
#
# Usage: build.sh [--load ADDRESS [--namespace NS] [--snapshotter NAME]]
# Environment: GRPC_LAB_STATE (default $HOME/.cache/grpc-k8s-lab), GRPC_LAB_DEBIAN_MIRROR (default:
# the Debian mirror of this machine's apt sources), GRPC_LAB_BASE_IMAGE (default: node:20-slim when
# the engine already has it, else the local equivalent), DOCKER_HOST (an engine to use instead).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$HERE/lib.sh"
exec </dev/null

DEBIAN_IMAGE=grpc-lab/debian:bookworm
NODE_BASE_IMAGE=grpc-lab/node-base:20-bookworm
LAB_IMAGE=grpc-k8s-lab:dev
HAPROXY_IMAGE=haproxy:2.6
PAUSE_IMAGE=grpc-lab.local/pause:3.10.1
COREDNS_IMAGE=grpc-lab.local/coredns:v1.12.1
# Bump when the rootfs recipe below changes, so that a cached rootfs is made again.
ROOTFS_RECIPE=1
SUITE=bookworm

load_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --load | --namespace | --snapshotter)
      if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "$1 needs a value"; fi
      load_args+=("$1" "$2")
      shift 2
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *) usage_error "unknown argument: $1 (usage: build.sh [--load ADDRESS [--namespace NS] [--snapshotter NAME]])" ;;
  esac
done
if [ ${#load_args[@]} -gt 0 ] && [[ " ${load_args[*]} " != *" --load "* ]]; then
  usage_error "--namespace and --snapshotter go with --load ADDRESS"
fi

# A wrong socket is found now, not after the builds.
for ((i = 0; i < ${#load_args[@]}; i += 2)); do
  if [ "${load_args[i]}" = --load ] && [ ! -S "${load_args[i + 1]}" ]; then die "no containerd socket at ${load_args[i + 1]}"; fi
done

[ "$(uname -s)" = Linux ] || die "needs Linux (debootstrap and dockerd)"
[ "$(id -u)" = 0 ] || die "must run as root: debootstrap and the lab's dockerd need it"
need_tools debootstrap dockerd go sha256sum tar flock awk
take_lock

ROOTFS=$IMAGES_STATE/rootfs.tmp
cleanup() {
  local rc=$?
  unmount_under "$ROOTFS"
  [ -d "$ROOTFS" ] && rm -rf --one-file-system "$ROOTFS"
  stop_engine
  remove_new_host_dirs
  exit $rc
}
trap cleanup EXIT
trap 'echo "$ME: interrupted" >&2; exit 130' INT
trap 'echo "$ME: stopped (SIGTERM)" >&2; exit 143' TERM
: >"$LOG"

# unmount_under DIR: what debootstrap mounted in the rootfs (proc, sys, maybe a bind of /dev) when
# it was stopped half-way; before any rm, which would otherwise reach into a bound /dev.
unmount_under() {
  local m
  while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" || true
  done < <(awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r)
}

mirror() {
  local m=${GRPC_LAB_DEBIAN_MIRROR:-$(apt_uri "$SUITE")}
  # Another release's mirror serves bookworm too.
  [ -n "$m" ] || m=$(apt_uri "$(. /etc/os-release && echo "${VERSION_CODENAME:-}")")
  echo "$m"
}

# ---- the steps ----------------------------------------------------------------------------------

rootfs_step() {
  local tar=$IMAGES_STATE/debian-$SUITE.tar mirror security inputs
  mirror=$(mirror)
  [ -n "$mirror" ] || fail "no Debian mirror in /etc/apt/sources.list*: set GRPC_LAB_DEBIAN_MIRROR"
  security=$(apt_uri "$SUITE-security")
  inputs="recipe=$ROOTFS_RECIPE suite=$SUITE mirror=$mirror security=$security"
  if [ -f "$tar" ] && [ "$(cat "$tar.inputs" 2>/dev/null)" = "$inputs" ]; then
    say cached
    return
  fi
  unmount_under "$ROOTFS"
  rm -rf --one-file-system "$ROOTFS"
  mkdir -p "$IMAGES_STATE/debs"
  # minbase: essential packages and apt, as Debian's own container images have.
  debootstrap --variant=minbase --cache-dir="$IMAGES_STATE/debs" "$SUITE" "$ROOTFS" "$mirror" ||
    fail "debootstrap $SUITE from $mirror failed"
  # The image's apt sources: the same mirror, with the updates and (when the host has it) security.
  rm -f "$ROOTFS/etc/apt/sources.list"
  {
    printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" "$SUITE" "$SUITE"
    [ -z "$security" ] || printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$security" "$SUITE"
  } >"$ROOTFS/etc/apt/sources.list.d/debian.sources"
  # As in Debian's container images: packages installed later start no service, and leave no docs.
  printf '#!/bin/sh\nexit 101\n' >"$ROOTFS/usr/sbin/policy-rc.d"
  chmod 755 "$ROOTFS/usr/sbin/policy-rc.d"
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' \
    'path-exclude /usr/share/locale/*' 'path-include /usr/share/locale/locale.alias' \
    >"$ROOTFS/etc/dpkg/dpkg.cfg.d/docker-slim"
  find "$ROOTFS/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$ROOTFS"/usr/share/{man,info}/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/cache/apt/archives/*.deb \
    "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/log/* "$ROOTFS"/tmp/*
  # The host's name and resolver stay out of the image: the runtime writes both.
  : >"$ROOTFS/etc/resolv.conf"
  : >"$ROOTFS/etc/hostname"
  unmount_under "$ROOTFS"
  tar -C "$ROOTFS" --numeric-owner --xattrs --xattrs-include='*' \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf "$tar.tmp" .
  mv "$tar.tmp" "$tar"
  echo "$inputs" >"$tar.inputs"
  rm -rf --one-file-system "$ROOTFS"
  say built
}

debian_step() {
  local tar=$IMAGES_STATE/debian-$SUITE.tar hash
  hash=$(hash_of "$tar.inputs")
  if [ "$(label_of "$DEBIAN_IMAGE")" = "$hash" ]; then
    say cached
    return
  fi
  docker_ import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' --change "LABEL grpc-lab.inputs=$hash" \
    "$tar" "$DEBIAN_IMAGE"
  say imported
}

# The base of the lab image: the real node:20-slim when the engine already has it.
base_image() {
  if [ -n "${GRPC_LAB_BASE_IMAGE:-}" ]; then
    echo "$GRPC_LAB_BASE_IMAGE"
  elif docker_ image inspect node:20-slim >/dev/null 2>&1; then
    echo node:20-slim
  else
    echo "$NODE_BASE_IMAGE"
  fi
}

node_base_step() {
  if [ "$(base_image)" != "$NODE_BASE_IMAGE" ]; then
    say "skipped (the lab image uses $(base_image))"
    return
  fi
  local node version npm cafile hash ctx=$IMAGES_STATE/node-base.ctx
  node=$(readlink -f "$(command -v node)") || fail "node not found: install Node 20"
  version=$("$node" --version)
  [[ $version == v20.* ]] || fail "the base image needs Node 20 on this machine, found $version"
  npm=$(dirname "$node")/../lib/node_modules/npm
  [ -f "$npm/package.json" ] || fail "no npm beside $node (looked in $npm)"
  # npm's CA file, when this machine's npm has one (a TLS-inspecting proxy's, say), goes along.
  cafile=$(npm config get cafile 2>/dev/null || true)
  [ "$cafile" != null ] && [ -f "$cafile" ] || cafile=/dev/null
  hash=$( (docker_ image inspect --format '{{.Id}}' "$DEBIAN_IMAGE" &&
    sha256sum "$node" "$npm/package.json" "$cafile" "$HERE/node-base/Dockerfile") | sha256sum | cut -c1-16)
  if [ "$(label_of "$NODE_BASE_IMAGE")" = "$hash" ]; then
    say cached
    return
  fi
  rm -rf "$ctx"
  mkdir -p "$ctx"
  cp "$HERE/node-base/Dockerfile" "$node" "$ctx/"
  [ -f "$ctx/node" ] || mv "$ctx/$(basename "$node")" "$ctx/node"
  cp -a "$npm" "$ctx/npm"
  cp "$cafile" "$ctx/npm-ca.crt"
  docker_ build --network none --label "grpc-lab.inputs=$hash" --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" \
    --build-arg "NODE_VERSION=${version#v}" --tag "$NODE_BASE_IMAGE" "$ctx" || fail "docker build of $NODE_BASE_IMAGE failed"
  rm -rf "$ctx"
  say built
}

# Everything the lab image's build reads: the Dockerfile's COPY sources and the base.
lab_inputs() {
  local base=$1
  (
    cd "$ROOT"
    docker_ image inspect --format '{{.Id}}' "$base"
    find Dockerfile .dockerignore package.json package-lock.json tsconfig.json proto services scripts bench \
      -type f -not -name results.json -not -name '*.log' -print0 | sort -z | xargs -0 sha256sum
  ) | sha256sum | cut -c1-16
}

lab_step() {
  local base hash out rc
  base=$(base_image)
  docker_ image inspect "$base" >/dev/null 2>&1 || fail "base image $base not found"
  hash=$(lab_inputs "$base")
  if [ "$(label_of "$LAB_IMAGE")" = "$hash" ]; then
    say cached
    return
  fi
  # Host networking: the engine has no bridge, and npm ci / apt-get need the registries.
  docker_ build --network host --build-arg "BASE_IMAGE=$base" --label "grpc-lab.inputs=$hash" \
    --tag "$LAB_IMAGE" "$ROOT" || fail "docker build of $LAB_IMAGE failed"
  # Node, tini and the built entry point answer inside the image: no service named, exit 2.
  set +e
  out=$(docker_ run --rm --network none "$LAB_IMAGE" 2>&1)
  rc=$?
  set -e
  echo "$out"
  if [ $rc -ne 2 ] || [[ $out != *"first argument must be one of service-a, service-b"* ]]; then
    fail "$LAB_IMAGE does not start its entry point (exit $rc)"
  fi
  say built
}

haproxy_step() {
  local hash label
  label=$(label_of "$HAPROXY_IMAGE")
  if [ -z "$label" ] && docker_ image inspect "$HAPROXY_IMAGE" >/dev/null 2>&1; then
    say "kept (the official image)"
    return
  fi
  hash=$( (docker_ image inspect --format '{{.Id}}' "$DEBIAN_IMAGE" && cd "$HERE/haproxy" && sha256sum Dockerfile docker-entrypoint.sh) | sha256sum | cut -c1-16)
  if [ "$label" = "$hash" ]; then
    say cached
    return
  fi
  docker_ build --network host --label "grpc-lab.inputs=$hash" --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" \
    --tag "$HAPROXY_IMAGE" "$HERE/haproxy" || fail "docker build of $HAPROXY_IMAGE failed"
  docker_ run --rm --network none "$HAPROXY_IMAGE" -v | grep '^HAProxy version 2\.6\.' ||
    fail "$HAPROXY_IMAGE does not run haproxy 2.6"
  say built
}

# go_image_step NAME IMAGE: a static Go binary from node/images/NAME, alone in a FROM scratch image.
go_image_step() {
  local name=$1 image=$2 src=$HERE/$1 hash ctx=$IMAGES_STATE/$1.ctx
  hash=$( (go version && cd "$src" && sha256sum ./*) | sha256sum | cut -c1-16)
  if [ "$(label_of "$image")" = "$hash" ]; then
    say cached
    return
  fi
  rm -rf "$ctx"
  mkdir -p "$ctx" "$STATE/go/cache"
  # The module's own go.sum pins every dependency; the toolchain is this machine's.
  (cd "$src" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly GOCACHE=$STATE/go/cache \
    go build -trimpath -ldflags '-s -w' -o "$ctx/$name" .) || fail "go build of $name failed"
  cp "$src/Dockerfile" "$ctx/"
  docker_ build --network none --label "grpc-lab.inputs=$hash" --tag "$image" "$ctx" || fail "docker build of $image failed"
  rm -rf "$ctx"
  say built
}

# The images the node runs, into its containerd; load.sh shares this run's lock and engine.
load_step() {
  local out
  out=$(GRPC_LAB_IMAGES_LOCKED=1 "$HERE/load.sh" "${load_args[@]}" "$LAB_IMAGE" "$HAPROXY_IMAGE" "$PAUSE_IMAGE" "$COREDNS_IMAGE" 2>&1) ||
    fail "${out##*$'\n'}"
  echo "$out"
  say loaded
}

# ---- run ----------------------------------------------------------------------------------------

step debootstrap rootfs_step
# The engine starts in this shell: its socket and process outlive the steps (subshells).
t0=${EPOCHREALTIME/./}
use_engine
report engine "$([ "$OWN_ENGINE" = 0 ] && echo running || echo started)" "$t0"
step base-import debian_step
step node-base node_base_step
step lab-image lab_step
step haproxy haproxy_step
step pause go_image_step pause "$PAUSE_IMAGE"
step coredns go_image_step coredns "$COREDNS_IMAGE"
# Images that a rebuild replaced, left without a tag.
docker_ image prune --force --filter label=grpc-lab.inputs >>"$LOG" 2>&1 || true
if [ ${#load_args[@]} -gt 0 ]; then
  step load load_step
fi
