#!/usr/bin/env bash
# make cluster CLUSTER=node: starts the lab's own single-node Kubernetes on this machine and merges
# the context grpc-lab-node into the user's kubeconfig. Builds the binaries on first use.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ "$(uname -s)" = Linux ] || die "the lab's node runs on Linux only (here: $(uname -s)); use kind"
[ "$(id -u)" = 0 ] || die "the lab's node needs root (network namespaces, mounts, cgroups): run as root"
for tool in ip nsenter unshare iptables containerd runc ctr kubectl go; do
  command -v "$tool" >/dev/null || die "missing tool: $tool (make cluster installs it; or: apt-get install containerd runc iptables iproute2 util-linux containernetworking-plugins)"
done
[ -x /usr/lib/cni/bridge ] || die "missing CNI plugins in /usr/lib/cni (apt-get install containernetworking-plugins)"
for controller in cpu cpuacct cpuset memory pids devices freezer; do
  grep -qw "$controller" /proc/self/cgroup || die "missing cgroup controller: $controller"
done
if ip netns list | grep -qw "$NODE_NETNS" || [ -e "$NODE_DIR" ]; then
  if kubectl --context "$NODE_CONTEXT" get --raw /readyz >/dev/null 2>&1; then say "already running (make cluster-down stops it)"; exit 0; fi
  die "a stale node from an earlier run is in the way ($NODE_DIR or netns $NODE_NETNS): make cluster-down removes it"
fi
if (exec 3<>"/dev/tcp/${HOST_API_ADDR%:*}/${HOST_API_ADDR#*:}") 2>/dev/null; then
  die "port ${HOST_API_ADDR#*:} on ${HOST_API_ADDR%:*} is taken (set GRPC_LAB_NODE_API_PORT to another)"
fi

# From here on anything that fails, or a Ctrl-C, undoes what was made; a failure keeps the logs.
FAILED_LOGS=$LAB_CACHE/node/last-failure
keep_logs() {
  rm -rf "$FAILED_LOGS"
  mkdir -p "$FAILED_LOGS"
  cp -r "$NODE_DIR/logs/." "$FAILED_LOGS/" 2>/dev/null
  if [ -f "${HOSTCFG:-}" ]; then
    kubectl --kubeconfig "$HOSTCFG" --request-timeout=5s get nodes,pods -A -o wide >"$FAILED_LOGS/objects.txt" 2>&1
    kubectl --kubeconfig "$HOSTCFG" --request-timeout=5s describe pods -A >>"$FAILED_LOGS/objects.txt" 2>&1
    kubectl --kubeconfig "$HOSTCFG" --request-timeout=5s get events -A >"$FAILED_LOGS/events.txt" 2>&1
  fi
  echo "node: logs of the failed start-up kept in $FAILED_LOGS" >&2
}
trap 'keep_logs; echo "node: start-up failed; removing what was made" >&2; bash "$NODE_SRC/down.sh" --quiet; exit 1' ERR
trap 'echo "node: interrupted; removing what was made" >&2; bash "$NODE_SRC/down.sh" --quiet; exit 130' INT TERM

bash "$NODE_SRC/build.sh"
BIN=$(bin_dir)
KUBE_VERSION=$(kube_version)
started=$SECONDS

mkdir -p "$NODE_DIR"/{pki,kubeconfig,logs,pids,cni,cni-ipam,pod-logs,var-log,kubelet,kubelet-pki}
for f in containerd.toml kubelet.yaml kube-proxy.yaml kubeadm.yaml resolv.conf; do render "$NODE_SRC/config/$f" >"$NODE_DIR/$f"; done
render "$NODE_SRC/config/cni.conflist" >"$NODE_DIR/cni/10-grpc-lab.conflist"

# The kubelet sets these host-wide sysctls; cluster-down puts them back as they were.
for key in vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes; do
  echo "$key=$(sysctl -n "$key")"
done >"$NODE_DIR/host-sysctls"

say "certificates and kubeconfigs (kubeadm)"
"$BIN/kube" kubeadm init phase certs all --config "$NODE_DIR/kubeadm.yaml" >"$NODE_DIR/logs/kubeadm.log" 2>&1
"$BIN/kube" kubeadm init phase kubeconfig all --config "$NODE_DIR/kubeadm.yaml" --kubeconfig-dir "$NODE_DIR/kubeconfig" >>"$NODE_DIR/logs/kubeadm.log" 2>&1
"$BIN/kube" kubeadm kubeconfig user --config "$NODE_DIR/kubeadm.yaml" --client-name system:kube-proxy >"$NODE_DIR/kubeconfig/kube-proxy.conf" 2>>"$NODE_DIR/logs/kubeadm.log"

say "network namespace $NODE_NETNS ($NODE_IP)"
ip netns add "$NODE_NETNS"
in_node() { ip netns exec "$NODE_NETNS" "$@"; }
in_node ip link set lo up
# A veth pair with both ends in the node gives its address a carrier (no dummy links here).
in_node ip link add eth0 type veth peer name eth0-peer
in_node ip addr add "$NODE_IP/$NODE_PREFIX" dev eth0
in_node ip link set eth0 up
in_node ip link set eth0-peer up
in_node ip route add default dev eth0
in_node sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1

# The kubelet's cgroupRoot must exist; a v1 cpuset starts empty and must be given its parent's.
for hierarchy in /sys/fs/cgroup/*/; do
  [ "$(stat -fc %T "$hierarchy")" = cgroupfs ] || continue
  mkdir -p "$hierarchy$CGROUP_ROOT"
done
cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset/$CGROUP_ROOT/cpuset.cpus"
cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset/$CGROUP_ROOT/cpuset.mems"
# The node's own processes share one CPU weight beside the pods, as systemd's system.slice does
# beside kubepods on a real node (node-init.sh joins it). Left in the root cgroup they ran as one
# session (the kernel's autogroup), which weighed as much as all pods together: ten containers
# starting at once froze the running pods for seconds (round 4 on 2 cores).
mkdir -p "/sys/fs/cgroup/cpu/$CGROUP_ROOT/$NODE_SYSTEM_CGROUP"

say "components (logs in $NODE_DIR/logs)"
setsid nsenter --net="/run/netns/$NODE_NETNS" unshare --mount --propagation slave \
  bash "$NODE_SRC/node-init.sh" "$BIN" >"$NODE_DIR/logs/node-init.log" 2>&1 </dev/null &
echo $! >"$NODE_DIR/pids/node-init"
setsid "$BIN/netns-forward" "$HOST_API_ADDR" "/run/netns/$NODE_NETNS" "$NODE_IP:$API_PORT" >"$NODE_DIR/logs/netns-forward.log" 2>&1 </dev/null &
echo $! >"$NODE_DIR/pids/netns-forward"

# kubectl on the host: the admin kubeconfig with the relay's address.
HOSTCFG=$NODE_DIR/kubeconfig/host-admin.conf
sed "s#server: https://$NODE_IP:$API_PORT#server: https://$HOST_API_ADDR#" "$NODE_DIR/kubeconfig/super-admin.conf" >"$HOSTCFG"
ADMINCFG=$NODE_DIR/kubeconfig/admin.conf
k() { kubectl --kubeconfig "$HOSTCFG" --request-timeout=10s "$@"; }
wait_for() { # wait_for SECONDS WHAT COMMAND...
  local limit=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    kill -0 "$(cat "$NODE_DIR/pids/node-init")" 2>/dev/null || { echo "node: the node stopped while waiting for $what" >&2; return 1; }
    [ $SECONDS -lt $deadline ] || { echo "node: $what not ready after ${limit}s" >&2; return 1; }
    sleep 1
  done
}
wait_for 120 "the API server" k get --raw /readyz
say "API server ready after $((SECONDS - started))s"
# What kubeadm init does after its certificates: the group in admin.conf (and in the API server's
# kubelet client certificate, for logs and exec) becomes cluster-admin.
k create clusterrolebinding kubeadm:cluster-admins --clusterrole=cluster-admin --group=kubeadm:cluster-admins >/dev/null

say "images"
bash "$NODE_SRC/images/build.sh" --load "$NODE_DIR/containerd/containerd.sock"

say "CoreDNS (kubeadm's addon)"
"$BIN/kube" kubeadm init phase addon coredns --config "$NODE_DIR/kubeadm.yaml" --kubeconfig "$HOSTCFG" >>"$NODE_DIR/logs/kubeadm.log" 2>&1
wait_for 120 "node $NODE_NAME" k wait --for=condition=Ready "node/$NODE_NAME" --timeout=5s
wait_for 180 "CoreDNS" k -n kube-system rollout status deployment/coredns --timeout=5s
say "node and CoreDNS ready after $((SECONDS - started))s"

# Merged into the user's kubeconfig the way kind does it; cluster-down takes it out again.
kubectl config set-cluster "$NODE_CONTEXT" --server="https://$HOST_API_ADDR" \
  --certificate-authority="$NODE_DIR/pki/ca.crt" --embed-certs=true >/dev/null
kubectl config set-credentials "$NODE_CONTEXT" \
  --client-certificate=<(kubectl --kubeconfig "$ADMINCFG" config view --raw -o jsonpath='{.users[0].user.client-certificate-data}' | base64 -d) \
  --client-key=<(kubectl --kubeconfig "$ADMINCFG" config view --raw -o jsonpath='{.users[0].user.client-key-data}' | base64 -d) --embed-certs=true >/dev/null
kubectl config set-context "$NODE_CONTEXT" --cluster="$NODE_CONTEXT" --user="$NODE_CONTEXT" >/dev/null
say "ready: kubectl --context $NODE_CONTEXT ($(k version -o json | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1))"
