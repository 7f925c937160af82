#!/usr/bin/env bash
# Loads images from the Docker engine into a containerd, the way `kind load docker-image` loads
# them into kind's nodes: `docker save` piped into `ctr images import --all-platforms --digests`,
# in containerd's k8s.io namespace (the one the kubelet's CRI reads) and unpacked for the
# snapshotter that the CRI plugin uses; then `ctr images ls` must list every one of them.
#
# Usage: load.sh --address SOCKET [--namespace NS] [--snapshotter NAME] IMAGE...
#   --namespace defaults to k8s.io, --snapshotter to overlayfs (containerd's default).
# Environment: GRPC_LAB_STATE, DOCKER_HOST as for build.sh; CTR (default: ctr).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$HERE/lib.sh"
exec </dev/null

USAGE="usage: load.sh --address SOCKET [--namespace NS] [--snapshotter NAME] IMAGE..."
address=
namespace=k8s.io
snapshotter=overlayfs
images=()
while [ $# -gt 0 ]; do
  case $1 in
    --address | --load | --namespace | --snapshotter)
      if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "$1 needs a value ($USAGE)"; fi
      case $1 in
        --address | --load) address=$2 ;;
        --namespace) namespace=$2 ;;
        --snapshotter) snapshotter=$2 ;;
      esac
      shift 2
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    -*) usage_error "unknown option: $1 ($USAGE)" ;;
    *)
      images+=("$1")
      shift
      ;;
  esac
done
[ -n "$address" ] || usage_error "no containerd socket given ($USAGE)"
[ ${#images[@]} -gt 0 ] || usage_error "no image given ($USAGE)"

CTR=${CTR:-ctr}
need_tools "$CTR"
[ -S "$address" ] || die "no containerd socket at $address"
ctr_() { "$CTR" --address "$address" --namespace "$namespace" "$@"; }
ctr_ version >/dev/null 2>&1 || die "the containerd at $address does not answer"

# name_in_containerd REF: the full name containerd gives a Docker reference (docker.io/library/...).
name_in_containerd() {
  local ref=$1 first=${1%%/*}
  if [[ $ref != */* ]]; then
    ref=docker.io/library/$ref
  elif [[ $first != *.* && $first != *:* && $first != localhost ]]; then
    ref=docker.io/$ref
  fi
  [[ ${ref##*/} == *:* ]] || ref=$ref:latest
  echo "$ref"
}

# build.sh calls this script while it holds the lock and its engine runs (DOCKER_HOST set).
if [ "${GRPC_LAB_IMAGES_LOCKED:-}" != 1 ]; then
  take_lock
  trap 'stop_engine; remove_new_host_dirs' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
fi
mkdir -p "$IMAGES_STATE"
use_engine

for image in "${images[@]}"; do
  docker_ image inspect "$image" >/dev/null 2>&1 || die "$image is not in the Docker engine (build.sh makes it)"
done
for image in "${images[@]}"; do
  start=${EPOCHREALTIME/./}
  docker_ save "$image" | ctr_ images import --all-platforms --digests --snapshotter "$snapshotter" - >>"$LOG" 2>&1 ||
    die "importing $image into $address failed (log: $LOG)"
  name=$(name_in_containerd "$image")
  # Whole outputs, not pipes into grep -q: an early grep exit would fail the pipe (pipefail).
  listed=$(ctr_ images ls --quiet)
  grep -qxF "$name" <<<"$listed" || die "$name is not listed by ctr after the import"
  # Complete and unpacked for the snapshotter, or the kubelet would find the image but not run it.
  check=$(ctr_ images check "name==$name")
  awk 'NR > 1 && $4 == "complete" && $NF == "true" { ok = 1 } END { exit !ok }' <<<"$check" ||
    die "$name is incomplete or not unpacked in containerd"
  t=$(((${EPOCHREALTIME/./} - start) / 100000))
  printf 'load: %s as %s in %s %d.%ds\n' "$image" "$name" "$namespace" $((t / 10)) $((t % 10))
done
