# The lab's real cluster, whichever kind this machine can run:
#   make cluster [CLUSTER=kind|node]   kind where Docker and kind answer, else the lab's own node
#   make cluster-down [CLUSTER=...]
#   make test-cluster                  the slow tests that build the node's images and start the
#                                      node for real (root, Linux); they never skip
CLUSTER ?= $(shell command -v kind >/dev/null 2>&1 && docker info >/dev/null 2>&1 && echo kind || echo node)
CLUSTER_KINDS := kind node

.PHONY: cluster cluster-down test-cluster check-cluster-kind

check-cluster-kind:
	@case " $(CLUSTER_KINDS) " in *" $(CLUSTER) "*) ;; *) echo "cluster: CLUSTER must be one of: $(CLUSTER_KINDS) (got '$(CLUSTER)')" >&2; exit 2;; esac

cluster: check-cluster-kind
	@$(MAKE) --no-print-directory $(CLUSTER)-cluster

cluster-down: check-cluster-kind
	@$(MAKE) --no-print-directory $(CLUSTER)-cluster-down

test-cluster: build node-deps
	npx vitest run -c vitest.cluster.config.ts
