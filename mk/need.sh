#!/usr/bin/env bash
# The system packages a make target needs, installed the way a fresh Debian machine gets them:
#   bash mk/need.sh "make test" haproxy chromium:chromium,chromium-browser tmux
# Each argument is a Debian package, optionally with the commands that show it is installed
# (default: the package's own name). Nothing missing: silent, exit 0. Missing, as root: one
# `apt-get install` for all of them, then each command is looked for again. Missing, not root: one
# line naming the packages and the command to install them, exit 3 (a missing tool, as the lab
# reports it), before the target does anything else.
set -uo pipefail

what=${1:?usage: need.sh WHAT PACKAGE[:COMMAND,...]...}
shift

# haproxy lives in /usr/sbin, which a normal user's PATH often lacks; the lab looks there too.
search_path="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

installed() { # COMMAND,COMMAND...: any of them runs
  local cmd
  IFS=, read -r -a cmds <<<"$1"
  for cmd in "${cmds[@]}"; do PATH=$search_path command -v "$cmd" >/dev/null 2>&1 && return 0; done
  return 1
}

missing=()
for spec in "$@"; do
  package=${spec%%:*}
  commands=${spec#*:}
  installed "$commands" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

install="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$EUID" -ne 0 ]; then
  echo "$what needs ${missing[*]}: as root, run: apt-get update && $install" >&2
  exit 3
fi

echo "$what: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq >/dev/null || ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  echo "$what: apt-get could not install ${missing[*]} (run: apt-get update && $install)" >&2
  exit 3
fi
for spec in "$@"; do
  package=${spec%%:*}
  commands=${spec#*:}
  installed "$commands" || { echo "$what: $package was installed but ${commands//,/ or } is still not found" >&2; exit 3; }
done
