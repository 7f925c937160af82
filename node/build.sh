#!/usr/bin/env bash
# Builds the node's Kubernetes components (and etcd, and the API relay) with `go build` from the
# upstream modules go/go.mod pins, once per machine and version: the result is cached outside the
# repository and this script returns at once when it is there.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

out=$(bin_dir)
if [ -x "$out/kube" ] && [ -x "$out/netns-forward" ]; then exit 0; fi
command -v go >/dev/null || die "missing tool: go (Go 1.24 or newer)"
version=$(kube_version)
[ -n "$version" ] || die "go/go.mod pins no k8s.io/kubernetes version"
minor=${version#v1.}
minor=${minor%%.*}
say "building Kubernetes $version from its Go modules (first time on this machine: 10-25 minutes on 2 cores)"
tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
started=$SECONDS
# Unstamped builds report v0.0.0, which kubeadm and version checks reject.
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
if ! (cd "$NODE_SRC/go" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$tmp/" ./cmd/kube ./cmd/netns-forward) >"$tmp.log" 2>&1; then
  tail -20 "$tmp.log" >&2
  rm -rf "$tmp"
  die "go build failed (full log: $tmp.log)"
fi
mv "$tmp" "$out"
say "built in $((SECONDS - started))s: $out"
