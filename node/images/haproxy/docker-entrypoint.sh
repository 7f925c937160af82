#!/bin/sh
# What the official haproxy image's entrypoint does: arguments that start with "-" (the manifest
# passes `-f /usr/local/etc/haproxy/haproxy.cfg`) are haproxy's, and haproxy itself runs in
# master-worker mode (-W, reload by SIGUSR2) without forking into the background (-db).
set -e
if [ "${1#-}" != "$1" ]; then
  set -- haproxy "$@"
fi
if [ "$1" = haproxy ]; then
  shift
  set -- haproxy -W -db "$@"
fi
exec "$@"
