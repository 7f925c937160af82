# Shared by build.sh and load.sh (sourced, not run): one-line failures, timed steps, and a Docker
# engine to talk to. When no engine answers, the lab starts Debian's dockerd with every file of its
# own under the lab state directory and no change to the host's network, and stops it on exit.
# shellcheck shell=bash

STATE=${GRPC_LAB_STATE:-$HOME/.cache/grpc-k8s-lab}
IMAGES_STATE=$STATE/images
ENGINE_DIR=$STATE/docker
LOG=$IMAGES_STATE/build.log
# The engine's own client: another docker client found first on PATH may not speak to Debian's 20.10.
DOCKER=${GRPC_LAB_DOCKER:-$(if [ -x /usr/bin/docker ]; then echo /usr/bin/docker; else command -v docker || echo docker; fi)}
# The classic builder: it reads FROM images from the local store without asking a registry.
export DOCKER_BUILDKIT=0

ME=$(basename "$0" .sh)

# die MESSAGE: the one line a user sees on failure, then exit 1 (the EXIT trap still cleans up).
die() {
  echo "$ME: $*" >&2
  exit 1
}

# usage_error MESSAGE: bad arguments, exit 2.
usage_error() {
  echo "$ME: $*" >&2
  exit 2
}

need_tools() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found: install it (Debian: $(apt_package_of "$t"))"
  done
}

apt_package_of() {
  case $1 in
    dockerd | docker) echo "apt-get install docker.io" ;;
    ctr | containerd) echo "apt-get install containerd" ;;
    go) echo "Go >= 1.23 from go.dev, or apt-get install golang" ;;
    *) echo "apt-get install $1" ;;
  esac
}

# step NAME COMMAND...: runs one step, its output going to the log, and prints "NAME: RESULT Ns",
# where the step says RESULT ("built", "cached", ...), or one failure line naming the log. A step
# runs in a subshell with errexit on; it fails with `fail REASON`.
step() {
  local name=$1 start result rc
  shift
  start=${EPOCHREALTIME/./}
  echo "== $name $(date -Is)" >>"$LOG"
  set +e
  result=$( (set -e; "$@") 3>&1 >>"$LOG" 2>&1)
  rc=$?
  set -e
  result=${result##*$'\n'}
  [ $rc -eq 0 ] || die "$name failed${result:+: $result} (log: $LOG)"
  report "$name" "$result" "$start"
}

# report NAME RESULT START: one line with the time since START (microseconds, from EPOCHREALTIME).
report() {
  local tenths=$(((${EPOCHREALTIME/./} - $3) / 100000))
  printf '%-11s %-9s %4d.%ds\n' "$1" "$2" $((tenths / 10)) $((tenths % 10))
}

# say RESULT: a step's result word, on the fd that step reads.
say() { echo "$*" >&3; }

# fail REASON: ends a step with a reason for its failure line.
fail() {
  say "$*"
  exit 1
}

# ---- the Docker engine ------------------------------------------------------------------------

OWN_ENGINE=0

docker_() { "$DOCKER" "$@"; }

# use_engine: a running engine (DOCKER_HOST, else the default socket) or, when none answers, the
# lab's own dockerd. Sets DOCKER_HOST for every later docker call.
use_engine() {
  if [ -n "${DOCKER_HOST:-}" ] && docker_ version >/dev/null 2>&1; then return; fi
  if [ -z "${DOCKER_HOST:-}" ] && [ -S /var/run/docker.sock ] && DOCKER_HOST=unix:///var/run/docker.sock docker_ version >/dev/null 2>&1; then
    export DOCKER_HOST=unix:///var/run/docker.sock
    return
  fi
  start_engine
}

start_engine() {
  need_tools dockerd containerd runc
  mkdir -p "$ENGINE_DIR"
  stop_stale_engine
  # The trust key would otherwise be written to /etc/docker/key.json; only the config file sets it.
  printf '{"deprecated-key-path": "%s/key.json"}\n' "$ENGINE_DIR" >"$ENGINE_DIR/daemon.json"
  export DOCKER_HOST=unix://$ENGINE_DIR/docker.sock
  # No bridge, no iptables rules, no ip_forward: builds and runs use --network host or none.
  # A cgroup parent of the lab's own, removed again when the engine stops.
  dockerd --data-root "$ENGINE_DIR/data" --exec-root "$ENGINE_DIR/run" \
    --pidfile "$ENGINE_DIR/dockerd.pid" -H "$DOCKER_HOST" --config-file "$ENGINE_DIR/daemon.json" \
    --iptables=false --ip-forward=false --ip-masq=false --bridge=none --userland-proxy=false \
    --cgroup-parent=/grpc-lab-docker --log-level=warn \
    >"$ENGINE_DIR/dockerd.log" 2>&1 </dev/null &
  OWN_ENGINE=$!
  local _
  for _ in $(seq 1 100); do
    if docker_ version >/dev/null 2>&1; then return; fi
    kill -0 "$OWN_ENGINE" 2>/dev/null || die "dockerd exited at start-up (log: $ENGINE_DIR/dockerd.log)"
    sleep 0.2
  done
  die "dockerd did not answer within 20 s (log: $ENGINE_DIR/dockerd.log)"
}

# An engine left by a run that was killed (SIGKILL skips traps): the lock says no run owns it.
stop_stale_engine() {
  local pid
  pid=$(cat "$ENGINE_DIR/dockerd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
    echo "$ME: stopping a lab dockerd left by an earlier run (pid $pid)" >&2
    OWN_ENGINE=$pid
    stop_engine
  fi
}

stop_engine() {
  [ "$OWN_ENGINE" != 0 ] || return 0
  kill -TERM "$OWN_ENGINE" 2>/dev/null || true
  local _
  for _ in $(seq 1 150); do
    kill -0 "$OWN_ENGINE" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL "$OWN_ENGINE" 2>/dev/null || true
  OWN_ENGINE=0
  # dockerd unmounts its layers and network namespaces when it stops; whatever a crash left under
  # the lab's directories goes now, deepest first.
  local m
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v p="$ENGINE_DIR/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r)
  # The cgroup directories of the lab's parent, empty once every container is gone.
  for m in /sys/fs/cgroup/*/grpc-lab-docker /sys/fs/cgroup/grpc-lab-docker; do
    if [ -d "$m" ]; then rmdir "$m" 2>/dev/null || true; fi
  done
}

# A lock per state directory: two runs would share one engine and one rootfs. Taking it also notes
# which of the host's fixed directories are absent now (see remove_new_host_dirs).
take_lock() {
  mkdir -p "$IMAGES_STATE"
  exec 9>"$IMAGES_STATE/.lock"
  # Another build (a second make cluster, a test) finishes first: its images are then cached.
  if ! flock -n 9; then
    echo "$ME: waiting for another build.sh or load.sh on $STATE" >&2
    flock -w 1800 9 || die "another build.sh or load.sh has held $STATE for 30 minutes"
  fi
  local d
  for d in "${HOST_DIRS[@]}"; do [ -e "$d" ] || NEW_HOST_DIRS+=("$d"); done
}

# Directories at fixed host paths that no flag moves: containerd 1.6's shim sockets, dockerd's plugin
# discovery, the opt plugin of the containerd that dockerd starts, mount(8)'s utab lock (debootstrap
# mounts). Children before parents: each one that was absent before and is empty now is removed.
HOST_DIRS=(/run/containerd/s /run/containerd /run/docker/plugins /run/docker
  /opt/containerd/bin /opt/containerd/lib /opt/containerd /run/mount)
NEW_HOST_DIRS=()
remove_new_host_dirs() {
  local d
  for d in "${NEW_HOST_DIRS[@]}"; do rmdir "$d" 2>/dev/null || true; done
}

# apt_uri SUITE [ETC_APT]: the first URI of this machine's apt sources (one-line .list and deb822
# .sources files, as apt reads them) that serves SUITE; nothing when none does.
apt_uri() {
  local f uri etc=${2:-/etc/apt}
  for f in "$etc/sources.list" "$etc"/sources.list.d/*.list "$etc"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    if [[ $f == *.sources ]]; then
      uri=$(awk -v s="$1" 'BEGIN { RS = ""; FS = "\n" }
        { types = suites = uris = ""; enabled = "yes"
          for (i = 1; i <= NF; i++) {
            if ($i ~ /^[ \t]*#/ || index($i, ":") == 0) continue
            key = tolower(substr($i, 1, index($i, ":") - 1)); val = " " substr($i, index($i, ":") + 1) " "
            gsub(/[ \t]+/, " ", val)
            if (key == "types") types = val; else if (key == "suites") suites = val
            else if (key == "uris") uris = val; else if (key == "enabled") enabled = val }
          if (types ~ / deb / && suites ~ (" " s " ") && enabled !~ /no/) { split(uris, u, " "); print u[1]; exit } }' "$f")
    else
      # deb [options] URI SUITE COMPONENT...
      uri=$(awk -v s="$1" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) == s) { print $i; exit } }' "$f")
    fi
    if [ -n "$uri" ]; then
      echo "$uri"
      return 0
    fi
  done
}

# ---- image identity -----------------------------------------------------------------------------

# label_of IMAGE: the image's grpc-lab.inputs label, empty when the image is absent.
label_of() {
  docker_ image inspect --format '{{index .Config.Labels "grpc-lab.inputs"}}' "$1" 2>/dev/null || true
}

# hash_of FILE...: one hash of the contents and names of the files.
hash_of() {
  sha256sum "$@" | sha256sum | cut -c1-16
}
