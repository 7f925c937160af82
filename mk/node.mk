# The lab's own single-node Kubernetes, built from upstream sources (README, "Run it on a real
# cluster without Docker"); `make cluster` picks it where Docker + kind are not available.
#   make node-cluster        install what it needs, build once (cached), start, merge context grpc-lab-node
#   make node-cluster-down   stop it and remove everything it made on the host
NODE_APT_PACKAGES := containerd runc containernetworking-plugins iptables conntrack iproute2 util-linux curl docker.io debootstrap

.PHONY: node-deps node-cluster node-cluster-down

# Debian packages, only those missing, and only as root (one line naming them otherwise).
node-deps:
	@missing=$$(for p in $(NODE_APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "node: missing packages:" $$missing "(as root: apt-get install" $$missing ")" >&2; exit 2; fi; \
	  echo "node: installing" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

node-cluster: node-deps
	@bash node/up.sh

node-cluster-down:
	@bash node/down.sh
