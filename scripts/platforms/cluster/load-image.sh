#!/usr/bin/env bash
# Loads a local Docker image into the nodes of a kind cluster. Usage: load-image.sh IMAGE CLUSTER
# `kind load docker-image` fails with "content digest ... not found" when Docker keeps images in its
# containerd image store and the image lists several platforms (haproxy:2.6 does): then save the
# host's platform alone to an archive and load that instead.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: load-image.sh IMAGE CLUSTER" >&2
  exit 2
fi
image=$1
cluster=$2

if kind load docker-image "$image" --name "$cluster"; then exit 0; fi

platform=$(docker version --format '{{.Server.Os}}/{{.Server.Arch}}')
archive=$(mktemp "${TMPDIR:-/tmp}/grpc-lab-image.XXXXXX")
trap 'rm -f "$archive"' EXIT
echo "load-image: retrying $image for $platform only, through an image archive" >&2
docker image save --platform "$platform" --output "$archive" "$image"
kind load image-archive "$archive" --name "$cluster"
