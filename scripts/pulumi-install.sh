#!/usr/bin/env bash
# Builds (or finds) the Pulumi engine the e2e tests run against and prints its directory as the LAST line.
#
# Why a build: no Pulumi release binary can be downloaded on the machines this project runs on, but the Go
# module proxy serves Pulumi's Go modules. The wrapper module tools/pulumi-cli pins them to the version of
# @pulumi/pulumi in package-lock.json, so the engine, the language host and the SDK the programs load agree.
#
# The directory holds three files, the layout of an official Pulumi install:
#   pulumi                         the CLI, built from github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
#   pulumi-language-nodejs         this project's own small language host (tools/pulumi-cli/cmd/...), because
#                                  Pulumi's module for it is not served by the proxy
#   pulumi-resource-pulumi-nodejs  the dynamic-provider launcher shipped inside the @pulumi/pulumi npm package
#
# Order of preference:
#   1. a `pulumi` of the same version on PATH with pulumi-language-nodejs and the launcher beside it;
#   2. the cache directory, when its binaries report the right version (and the host was built from the
#      current source);
#   3. a build into the cache directory (a few minutes; needs Go 1.25+ and the module proxy).
#
# Environment:
#   PULUMI_ALICLOUD_CERTS_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-alicloud-certs);
#                                 it lives outside the clone so fresh clones and CI runs reuse one build.
#   PULUMI_INSTALL_IGNORE_PATH=1  do not use a pulumi found on PATH (to test the build itself).
set -euo pipefail

# Everything runs inside main(), called on the last line: bash reads a script while it runs it, so without this an
# edit of the file (a git checkout) during the long build would make the running copy execute garbage.
main() {
log() { echo "pulumi-install: $*" >&2; }
die() { echo "pulumi-install: error: $*" >&2; exit 1; }

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module_dir="$repo_root/tools/pulumi-cli"

# --- the version, from the lockfile, checked against the Go pins -------------------------------------------
command -v node >/dev/null 2>&1 || die "node is not on PATH (Node.js 20+ is needed to read package-lock.json)"
sdk_version="$(node -e '
  const lock = require(process.argv[1]);
  const p = (lock.packages || {})["node_modules/@pulumi/pulumi"];
  if (!p || !p.version) { process.exit(2); }
  console.log(p.version);
' "$repo_root/package-lock.json")" || die "package-lock.json has no node_modules/@pulumi/pulumi entry"

for mod in pkg sdk; do
  pinned="$(awk -v m="github.com/pulumi/pulumi/$mod/v3" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$module_dir/go.mod")"
  if [[ "$pinned" != "v$sdk_version" ]]; then
    die "tools/pulumi-cli/go.mod pins github.com/pulumi/pulumi/$mod/v3 at '${pinned:-nothing}' but package-lock.json has @pulumi/pulumi $sdk_version.
  Keep them equal: in tools/pulumi-cli run
    go get github.com/pulumi/pulumi/pkg/v3@v$sdk_version github.com/pulumi/pulumi/sdk/v3@v$sdk_version
    GONOSUMDB=github.com/pulumi/pulumi go mod tidy
  (or pin @pulumi/pulumi back to the Go version in package.json)."
  fi
done
version="v$sdk_version"

# Reports whether the directory $1 holds a complete engine of the wanted version.
engine_ok() {
  local dir="$1"
  [[ -x "$dir/pulumi" && -x "$dir/pulumi-language-nodejs" && -x "$dir/pulumi-resource-pulumi-nodejs" ]] || return 1
  [[ "$("$dir/pulumi" version 2>/dev/null)" == "$version" ]] || return 1
  # Pulumi's own host has no --version flag; accept it when it sits beside a matching official pulumi.
  local host_version
  # (`timeout`: an unknown flag makes a Go flag parser exit at once, but never risk a host left serving.)
  host_version="$(timeout 20 "$dir/pulumi-language-nodejs" --version 2>/dev/null | head -n 1 || true)"
  [[ -z "$host_version" || "$host_version" == "$version" ]]
}

# --- 1. an installed pulumi of the same version -------------------------------------------------------------
if [[ "${PULUMI_INSTALL_IGNORE_PATH:-}" != "1" ]] && path_pulumi="$(command -v pulumi 2>/dev/null)"; then
  path_dir="$(cd "$(dirname "$path_pulumi")" && pwd -P)"
  if engine_ok "$path_dir"; then
    log "using the pulumi $version installed on PATH"
    echo "$path_dir"
    exit 0
  fi
  log "ignoring $path_pulumi: not $version with pulumi-language-nodejs and pulumi-resource-pulumi-nodejs beside it"
fi

# --- 2. the cache -------------------------------------------------------------------------------------------
cache_root="${PULUMI_ALICLOUD_CERTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-alicloud-certs}"
out_dir="$cache_root/pulumi-$version"
mkdir -p "$cache_root"

launcher_src="$repo_root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

# The host is small and is this project's code: rebuild it whenever its source or the module pins change,
# without rebuilding the CLI. The hash is stored beside the binaries.
host_hash="$(cd "$module_dir" && cat go.mod go.sum $(find cmd -name '*.go' | LC_ALL=C sort) | sha256sum | cut -d' ' -f1)"

# Serialize concurrent installs (two test runs at once) on the same cache.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/.lock-$version"
  flock 9
fi

if engine_ok "$out_dir" && [[ "$(cat "$out_dir/.host-source-sha256" 2>/dev/null)" == "$host_hash" ]]; then
  log "reusing $out_dir"
  echo "$out_dir"
  exit 0
fi

# --- 3. build -----------------------------------------------------------------------------------------------
command -v go >/dev/null 2>&1 || die "no Go toolchain on PATH. Install Go 1.25 or newer (the Pulumi modules declare go 1.25),
  or put pulumi $sdk_version (with pulumi-language-nodejs beside it) on PATH."
go_minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
if [[ ! "$go_minor" =~ ^[0-9]+$ ]] || (( go_minor < 25 )); then
  die "$(go env GOVERSION) is too old: install Go 1.25 or newer, or put pulumi $sdk_version (with pulumi-language-nodejs beside it) on PATH."
fi
[[ -f "$launcher_src" ]] || die "$launcher_src is missing: run 'npm ci' first (the launcher ships in the @pulumi/pulumi package)"

# Offline settings: the checksum database is not reachable for Pulumi's modules through the proxy here (it
# answers 404), so skip the lookup for github.com/pulumi/pulumi only; go.sum still pins every hash.
# -mod=readonly: a go.mod/go.sum that is out of date fails the build instead of being rewritten in the clone.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi"
export GOFLAGS="${GOFLAGS:-} -mod=readonly"
export CGO_ENABLED=0
# The release flags of Pulumi's own builds; without -X ...Version=, `pulumi version` prints nothing.
build_flags=(-trimpath -tags osusergo,grpcnotrace
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version")

stage="$(mktemp -d "$cache_root/.build-XXXXXX")"
chmod 755 "$stage"
trap 'rm -rf "$stage"' EXIT

if engine_ok "$out_dir"; then
  # Only the host changed: keep the CLI (a 4+ minute build) and rebuild the host (seconds).
  cp -p "$out_dir/pulumi" "$stage/pulumi"
  log "reusing the CLI in $out_dir; rebuilding pulumi-language-nodejs"
else
  log "building pulumi $version (first build downloads the modules and takes several minutes) ..."
  start=$SECONDS
  (cd "$module_dir" && go build "${build_flags[@]}" -o "$stage/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  log "built pulumi in $((SECONDS - start))s"
fi

start=$SECONDS
(cd "$module_dir" && go build "${build_flags[@]}" -o "$stage/pulumi-language-nodejs" ./cmd/pulumi-language-nodejs)
log "built pulumi-language-nodejs in $((SECONDS - start))s"

cp "$launcher_src" "$stage/pulumi-resource-pulumi-nodejs"
chmod 755 "$stage/pulumi-resource-pulumi-nodejs"
echo "$host_hash" >"$stage/.host-source-sha256"

engine_ok "$stage" || die "the freshly built binaries do not report $version"

# Swap the finished directory in, so an interrupted build never leaves a half-filled cache behind.
rm -rf "$out_dir.old"
[[ -e "$out_dir" ]] && mv "$out_dir" "$out_dir.old"
mv "$stage" "$out_dir"
rm -rf "$out_dir.old"
trap - EXIT

log "installed $(du -sh "$out_dir" | cut -f1) in $out_dir"
echo "$out_dir"
}

main "$@"
