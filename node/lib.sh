# Shared settings of the lab's own single-node Kubernetes: sourced by build.sh, up.sh, down.sh and
# node-init.sh. Every address lives inside the node's network namespace except the API relay on
# the host's loopback. Override any of them in the environment.
NODE_NAME=grpc-lab-node
NODE_CONTEXT=${GRPC_LAB_NODE_CONTEXT:-grpc-lab-node}
NODE_NETNS=${GRPC_LAB_NODE_NETNS:-grpc-lab-node}
# Like kind: the node has an address of its own, pods get 10.244.0.0/24, Services 10.96.0.0/16.
NODE_IP=172.30.0.2
NODE_PREFIX=24
POD_CIDR=10.244.0.0/16
NODE_POD_RANGE=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
CLUSTER_DNS=10.96.0.10
API_PORT=6443
HOST_API_ADDR=127.0.0.1:${GRPC_LAB_NODE_API_PORT:-6443}
# The cgroup every pod lives under (kubelet's cgroupRoot): one subtree to kill and remove.
CGROUP_ROOT=${GRPC_LAB_NODE_CGROUP:-grpc-lab-node}
# Beside the kubelet's kubepods under it: the node's own processes, for the CPU controller.
NODE_SYSTEM_CGROUP=system
# The sandbox and DNS images the node's containerd and kubeadm's CoreDNS addon name.
PAUSE_IMAGE=grpc-lab.local/pause:3.10.1
DNS_IMAGE_REPO=grpc-lab.local
DNS_IMAGE_TAG=v1.12.1

NODE_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Built binaries are cached per machine and version, outside the repository; the running node's
# state (certificates, etcd, containerd, kubelet) lives in NODE_DIR and goes with cluster-down.
LAB_CACHE=${GRPC_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/grpc-k8s-lab}
NODE_DIR=${GRPC_LAB_NODE_DIR:-/var/lib/grpc-lab-node}

# Kubernetes' version is the one go.mod pins: one place to change it.
kube_version() { sed -n 's/^[[:space:]]*k8s.io\/kubernetes v\([^ ]*\)$/v\1/p' "$NODE_SRC/go/go.mod" | head -1; }
# The cache key also covers the wrapper's own code and every pinned module.
build_key() { cat "$NODE_SRC/go/go.mod" "$NODE_SRC/go/go.sum" "$NODE_SRC"/go/cmd/*/main.go | sha256sum | cut -c1-12; }
bin_dir() { echo "$LAB_CACHE/node/$(kube_version)-$(build_key)/bin"; }

say() { echo "node: $*"; }
die() { echo "node: $*" >&2; exit 1; }

# render TEMPLATE: replaces every @NAME@ with the value of the variable NAME; an unknown name is an
# error, so a typo in a template cannot reach a component as a literal "@NAME@".
render() {
  local name text
  text=$(cat "$1")
  while [[ $text =~ @([A-Z_]+)@ ]]; do
    name=${BASH_REMATCH[1]}
    [[ -v $name ]] || { echo "render: $1 names @$name@, which is not set" >&2; return 1; }
    text=${text//@$name@/${!name}}
  done
  printf '%s\n' "$text"
}
