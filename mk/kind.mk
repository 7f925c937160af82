# The lab's kind cluster, one of the real clusters the cluster platform runs the same scenarios on
# (README, section "Run it on a cluster").
#   make cluster CLUSTER=kind        create kind cluster grpc-lab if absent, build the lab image and load both images
#   make images         rebuild grpc-k8s-lab:dev and load it (and haproxy:2.6) into the cluster again
#   make cluster-down CLUSTER=kind   delete the cluster
# On another cluster: make scenario-3 PLATFORM=cluster KUBE_CONTEXT=NAME YES=1 IMAGE_REF=REF
# (passes --context NAME --yes --image REF to the lab CLI; PLATFORM=kind means the same).

KIND_CLUSTER := grpc-lab
KIND_CONFIG := k8s/kind/cluster.yaml
LAB_IMAGE := grpc-k8s-lab:dev
HAPROXY_IMAGE := haproxy:2.6
KIND_PREFLIGHT := bash scripts/platforms/cluster/preflight.sh
KIND_LOAD := bash scripts/platforms/cluster/load-image.sh

KUBE_CONTEXT ?=
YES ?=
IMAGE_REF ?=
LAB_FLAGS += $(if $(KUBE_CONTEXT),--context $(KUBE_CONTEXT)) $(if $(YES),--yes) $(if $(IMAGE_REF),--image $(IMAGE_REF))

.PHONY: kind-cluster kind-cluster-down images

kind-cluster:
	@$(KIND_PREFLIGHT) docker kind kubectl
	@if kind get clusters 2>/dev/null | grep -qx '$(KIND_CLUSTER)'; then \
	  echo "kind: cluster $(KIND_CLUSTER) exists"; \
	else \
	  kind create cluster --config $(KIND_CONFIG) --wait 120s; \
	fi
	@$(MAKE) --no-print-directory images

images:
	@$(KIND_PREFLIGHT) docker kind
	@kind get clusters 2>/dev/null | grep -qx '$(KIND_CLUSTER)' || { echo "images: no kind cluster $(KIND_CLUSTER) (make cluster creates it)" >&2; exit 1; }
	docker build --tag $(LAB_IMAGE) .
	$(KIND_LOAD) $(LAB_IMAGE) $(KIND_CLUSTER)
	docker image inspect $(HAPROXY_IMAGE) >/dev/null 2>&1 || docker pull $(HAPROXY_IMAGE)
	$(KIND_LOAD) $(HAPROXY_IMAGE) $(KIND_CLUSTER)

kind-cluster-down:
	@$(KIND_PREFLIGHT) kind
	kind delete cluster --name $(KIND_CLUSTER)
