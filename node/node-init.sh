#!/usr/bin/env bash
# The node itself: up.sh starts this inside the node's network namespace and a mount namespace of
# its own (like a kind node container), so every mount the kubelet and containerd make, every pod
# network namespace and every iptables rule stays inside and goes when these processes end.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
KUBE="$1/kube"
PKI=$NODE_DIR/pki
KCFG=$NODE_DIR/kubeconfig
LOGS=$NODE_DIR/logs
# Before anything starts, so that every component and containerd's shims inherit it (up.sh).
echo $$ >"/sys/fs/cgroup/cpu/$CGROUP_ROOT/$NODE_SYSTEM_CGROUP/cgroup.procs"

# sysfs shows the network namespace it was mounted in: mount a fresh one, keeping the cgroup
# hierarchies the kubelet and runc need.
mount --make-rprivate /
keep=$(mktemp -d)
mount --rbind /sys/fs/cgroup "$keep"
umount -l /sys
mount -t sysfs sysfs /sys
mount --move "$keep" /sys/fs/cgroup
rmdir "$keep"
# containerd's shim sockets, pod namespaces and iptables' lock go to /run, pod log links to
# /var/log: give the node its own of each.
mount -t tmpfs -o mode=755 node-run /run
mkdir -p "$NODE_DIR/var-log"
mount --bind "$NODE_DIR/var-log" /var/log
# The kubelet wants shared propagation for volume mounts; inside this namespace only.
mount --make-rshared /

pids=()
start() {
  local name=$1
  shift
  "$@" >"$LOGS/$name.log" 2>&1 &
  pids+=($!)
  echo $! >"$NODE_DIR/pids/$name"
}
stop_all() {
  local code=${1:-0}
  # Reverse order: the kubelet and kube-proxy before the API server they report to.
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
  wait || true
  exit "$code"
}
trap "stop_all 0" TERM INT

start etcd "$KUBE" etcd --name="$NODE_NAME" --data-dir="$NODE_DIR/etcd" \
  --listen-client-urls=https://127.0.0.1:2379 --advertise-client-urls=https://127.0.0.1:2379 \
  --listen-peer-urls=https://127.0.0.1:2380 --initial-advertise-peer-urls=https://127.0.0.1:2380 \
  --initial-cluster="$NODE_NAME=https://127.0.0.1:2380" --listen-metrics-urls=http://127.0.0.1:2381 \
  --cert-file="$PKI/etcd/server.crt" --key-file="$PKI/etcd/server.key" \
  --peer-cert-file="$PKI/etcd/peer.crt" --peer-key-file="$PKI/etcd/peer.key" \
  --trusted-ca-file="$PKI/etcd/ca.crt" --peer-trusted-ca-file="$PKI/etcd/ca.crt" \
  --client-cert-auth=true --peer-client-cert-auth=true --snapshot-count=10000

start containerd containerd --config "$NODE_DIR/containerd.toml"

start kube-apiserver "$KUBE" kube-apiserver --advertise-address="$NODE_IP" --secure-port="$API_PORT" \
  --etcd-servers=https://127.0.0.1:2379 --etcd-cafile="$PKI/etcd/ca.crt" \
  --etcd-certfile="$PKI/apiserver-etcd-client.crt" --etcd-keyfile="$PKI/apiserver-etcd-client.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" --allow-privileged=true \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
  --client-ca-file="$PKI/ca.crt" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types=InternalIP \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-extra-headers-prefix=X-Remote-Extra- --requestheader-group-headers=X-Remote-Group \
  --requestheader-username-headers=X-Remote-User \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key"

start kube-controller-manager "$KUBE" kube-controller-manager --kubeconfig="$KCFG/controller-manager.conf" \
  --authentication-kubeconfig="$KCFG/controller-manager.conf" --authorization-kubeconfig="$KCFG/controller-manager.conf" \
  --bind-address=127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
  --allocate-node-cidrs=true --cluster-cidr="$POD_CIDR" --node-cidr-mask-size=24 --service-cluster-ip-range="$SERVICE_CIDR" \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --root-ca-file="$PKI/ca.crt" --service-account-private-key-file="$PKI/sa.key" \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt"

start kube-scheduler "$KUBE" kube-scheduler --kubeconfig="$KCFG/scheduler.conf" \
  --authentication-kubeconfig="$KCFG/scheduler.conf" --authorization-kubeconfig="$KCFG/scheduler.conf" \
  --bind-address=127.0.0.1 --leader-elect=false

start kubelet "$KUBE" kubelet --config="$NODE_DIR/kubelet.yaml" --kubeconfig="$KCFG/kubelet.conf" \
  --root-dir="$NODE_DIR/kubelet" --cert-dir="$NODE_DIR/kubelet-pki" \
  --node-ip="$NODE_IP" --hostname-override="$NODE_NAME"

start kube-proxy "$KUBE" kube-proxy --config="$NODE_DIR/kube-proxy.yaml"

# Any component that exits takes the node down with it: a half-running node is worse than none.
wait -n || true
echo "node-init: a component exited; stopping the node" >&2
stop_all 1
