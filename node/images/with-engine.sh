#!/usr/bin/env bash
# Runs one command with DOCKER_HOST set to a Docker engine: the running one, or the lab's own
# (started for the command and stopped after it, as build.sh does). For checks and tests, e.g.
#   with-engine.sh /usr/bin/docker run --rm --network none grpc-k8s-lab:dev
# Usage: with-engine.sh COMMAND [ARG...]
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$HERE/lib.sh"

[ $# -gt 0 ] || usage_error "usage: with-engine.sh COMMAND [ARG...]"
take_lock
trap 'stop_engine; remove_new_host_dirs' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
use_engine
# Not exec: the trap stops the engine when the command ends.
"$@"
