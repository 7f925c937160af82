#!/usr/bin/env bash
# make cluster-down CLUSTER=node: stops the lab's node and removes every process, mount, network
# namespace, cgroup, sysctl change and kubeconfig entry it made. Safe to run twice, and after a
# start-up that failed half-way. The binary cache stays (make cluster again starts in a minute).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
quiet=${1:-}
[ "$(id -u)" = 0 ] || die "the lab's node needs root to be removed: run as root"

# Every process of the node: the relay, the components (in the node's network namespace), the
# containerd shims and every container (in the node's cgroup subtree).
node_pids() {
  local f
  for f in "$NODE_DIR"/pids/*; do [ -e "$f" ] && cat "$f"; done
  ip netns pids "$NODE_NETNS" 2>/dev/null
  local pids_cgroup=/sys/fs/cgroup/pids/$CGROUP_ROOT
  # A container may exit between find and cat: its file is gone, and so is its process.
  [ -d "$pids_cgroup" ] && find "$pids_cgroup" -name cgroup.procs -exec cat {} + 2>/dev/null
}
if [ -d "$NODE_DIR/pids" ] || ip netns list | grep -qw "$NODE_NETNS"; then
  [ -n "$quiet" ] || say "stopping the node"
  # TERM first, so the API server and etcd close cleanly; then KILL whatever is left.
  pids=$(node_pids | sort -u)
  [ -z "$pids" ] || kill -TERM $pids 2>/dev/null
  for _ in $(seq 50); do
    pids=$(node_pids | sort -u | while read -r p; do kill -0 "$p" 2>/dev/null && echo "$p"; done)
    [ -z "$pids" ] && break
    sleep 0.2
  done
  for _ in 1 2 3; do
    pids=$(node_pids | sort -u)
    [ -z "$pids" ] && break
    kill -KILL $pids 2>/dev/null
    sleep 0.5
  done
fi

# cgroups: leaves first.
for hierarchy in /sys/fs/cgroup/*/; do
  [ -d "$hierarchy$CGROUP_ROOT" ] && find "$hierarchy$CGROUP_ROOT" -depth -type d -exec rmdir {} + 2>/dev/null
done
ip netns del "$NODE_NETNS" 2>/dev/null

if [ -f "$NODE_DIR/host-sysctls" ]; then
  while IFS='=' read -r key value; do sysctl -qw "$key=$value"; done <"$NODE_DIR/host-sysctls"
fi
# Mounts live in the node's own mount namespace and die with it; anything under NODE_DIR that a
# host-side step mounted goes here.
grep -o " ${NODE_DIR}[^ ]*" /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
rm -rf "$NODE_DIR"
# Removing a node frees a gigabyte: let its writeback finish here, or the next start's etcd may wait
# on fsync long enough (20 s, measured once) for the API server to give up on it.
sync

for kind in context cluster user; do kubectl config "delete-$kind" "$NODE_CONTEXT" >/dev/null 2>&1; done
leftover=""
ip netns list | grep -qw "$NODE_NETNS" && leftover+=" netns"
ls -d /sys/fs/cgroup/*/"$CGROUP_ROOT" >/dev/null 2>&1 && leftover+=" cgroups"
[ -e "$NODE_DIR" ] && leftover+=" $NODE_DIR"
[ -z "$leftover" ] || die "could not remove:$leftover"
[ -n "$quiet" ] || say "removed"
