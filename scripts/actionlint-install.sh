#!/usr/bin/env bash
# Builds (or reuses) actionlint, the linter tests/pipelines runs over examples/pipelines/github/*.yml, and prints
# the path of the binary as the LAST stdout line; progress goes to stderr.
#
# Why a build: no prebuilt actionlint can be downloaded on the machines this project runs on, but the Go module
# proxy serves github.com/rhysd/actionlint, so `go install <module>@<version>` builds it from the pinned release.
# The version is pinned (not @latest) so a new actionlint release cannot turn a green test red overnight; raise it
# by hand (`go list -m -versions github.com/rhysd/actionlint` shows what the proxy serves).
#
# Environment:
#   PULUMI_ALICLOUD_CERTS_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-alicloud-certs), the
#                                 same one scripts/pulumi-install.sh uses: outside the clone, so fresh clones and
#                                 CI runs on the same machine reuse one build.
set -euo pipefail

# Everything runs inside main(), called on the last line: bash reads a script while it runs it, so an edit of the
# file during the build must not change what the running copy executes.
main() {
local version="v1.7.12"
source "$(dirname "${BASH_SOURCE[0]}")/messages.sh" actionlint-install

local cache_root="${PULUMI_ALICLOUD_CERTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-alicloud-certs}"
local out_dir="$cache_root/actionlint-$version"
mkdir -p "$cache_root"

# A binary counts only when it runs and reports the pinned version (`-version` prints it on its first line).
binary_ok() {
  [[ -x "$1/actionlint" ]] || return 1
  [[ "$("$1/actionlint" -version 2>/dev/null | head -n 1)" == "$version" ]]
}

# Two test runs at once must not build into the same directory.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/.lock-actionlint-$version"
  flock 9
fi

if binary_ok "$out_dir"; then
  log "reusing $out_dir/actionlint"
  echo "$out_dir/actionlint"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "no Go toolchain on PATH: install Go 1.25 or newer (actionlint $version declares go 1.25)."
local go_minor
go_minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
if [[ ! "$go_minor" =~ ^[0-9]+$ ]] || (( go_minor < 25 )); then
  die "$(go env GOVERSION) is too old: install Go 1.25 or newer (actionlint $version declares go 1.25)."
fi

local stage
stage="$(mktemp -d "$cache_root/.build-actionlint-XXXXXX")"
chmod 755 "$stage"
trap 'rm -rf "$stage"' EXIT

log "building actionlint $version from the Go module proxy ..."
local start=$SECONDS
# GOTOOLCHAIN=local: the version check above already holds; never fetch another toolchain behind the user's back.
GOBIN="$stage" CGO_ENABLED=0 GOTOOLCHAIN=local \
  go install -trimpath -ldflags "-s -w" "github.com/rhysd/actionlint/cmd/actionlint@$version"
log "built actionlint in $((SECONDS - start))s"

binary_ok "$stage" || die "the freshly built binary does not report $version"

# Swap the finished directory in, so an interrupted build never leaves a half-filled cache behind.
rm -rf "$out_dir.old"
[[ -e "$out_dir" ]] && mv "$out_dir" "$out_dir.old"
mv "$stage" "$out_dir"
rm -rf "$out_dir.old"
trap - EXIT

log "installed $out_dir/actionlint"
echo "$out_dir/actionlint"
}

main "$@"
