#!/usr/bin/env bash
# Checks the tools the kind targets need before any of them runs: one line per problem, each saying
# how to fix it, and exit 1 if there is any. Usage: preflight.sh [docker] [kind] [kubectl]
# Uses bash alone (no sed, sort or awk), so it works on any machine that runs make.
set -uo pipefail

MIN_KIND=0.23.0
MIN_KUBECTL=1.29.0
problems=0

problem() {
  echo "preflight: $*" >&2
  problems=$((problems + 1))
}

# version_at_least 0.24.0 0.23.0 -> true: compares dotted numbers field by field.
version_at_least() {
  local IFS=.
  local -a have=($1) need=($2)
  local i
  for i in 0 1 2; do
    local h=$((10#${have[i]:-0})) n=$((10#${need[i]:-0}))
    if ((h > n)); then return 0; fi
    if ((h < n)); then return 1; fi
  done
  return 0
}

check_docker() {
  if ! command -v docker >/dev/null 2>&1; then
    problem "docker not found: install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop"
    return
  fi
  if ! docker info >/dev/null 2>&1; then
    problem "docker is installed but its engine does not answer (docker info failed): start Docker (Docker Desktop, or: sudo systemctl start docker) and make sure your user may use it"
  fi
}

check_kind() {
  if ! command -v kind >/dev/null 2>&1; then
    problem "kind not found: install kind >= $MIN_KIND (https://kind.sigs.k8s.io/docs/user/quick-start/#installation, or: go install sigs.k8s.io/kind@v0.24.0)"
    return
  fi
  local out
  out=$(kind version 2>/dev/null)
  if [[ ! $out =~ v([0-9]+\.[0-9]+\.[0-9]+) ]]; then
    problem "kind: could not read a version from 'kind version' (got: ${out:-nothing}); the lab needs kind >= $MIN_KIND"
  elif ! version_at_least "${BASH_REMATCH[1]}" "$MIN_KIND"; then
    problem "kind ${BASH_REMATCH[1]} is too old: the lab needs kind >= $MIN_KIND (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)"
  fi
}

check_kubectl() {
  if ! command -v kubectl >/dev/null 2>&1; then
    problem "kubectl not found: install kubectl >= $MIN_KUBECTL (https://kubernetes.io/docs/tasks/tools/)"
    return
  fi
  local out
  out=$(kubectl version --client --output=json 2>/dev/null)
  if [[ ! $out =~ \"gitVersion\":\ *\"v([0-9]+\.[0-9]+\.[0-9]+) ]]; then
    problem "kubectl: could not read a version from 'kubectl version --client'; the lab needs kubectl >= $MIN_KUBECTL"
  elif ! version_at_least "${BASH_REMATCH[1]}" "$MIN_KUBECTL"; then
    problem "kubectl ${BASH_REMATCH[1]} is too old: the lab needs kubectl >= $MIN_KUBECTL (https://kubernetes.io/docs/tasks/tools/)"
  fi
}

if [ $# -eq 0 ]; then set -- docker kind kubectl; fi
for tool in "$@"; do
  case $tool in
    docker) check_docker ;;
    kind) check_kind ;;
    kubectl) check_kubectl ;;
    *) problem "unknown tool to check: $tool (expected docker, kind or kubectl)" ;;
  esac
done
if ((problems > 0)); then exit 1; fi
