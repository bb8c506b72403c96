#!/usr/bin/env bash
# Finds (or builds) the Pulumi engine that `npm start` and the e2e tests run against and prints its directory as
# the LAST line of stdout (progress and the reasons for each choice go to stderr).
#
#   bash scripts/pulumi-install.sh                    any supported engine: the user's own, or the lockfile's version
#   bash scripts/pulumi-install.sh --version 3.276.0  exactly that version (the CI matrix rows)
#   ... --no-build                                    never build: print an engine found, or fail saying why not
#
# Why a build at all: no Pulumi release binary can be downloaded on the machines this project runs on, but the Go
# module proxy serves Pulumi's Go modules.
#
# An engine directory holds three files, the layout of an official Pulumi install:
#   pulumi                         the CLI, built from github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
#   pulumi-language-nodejs         the Node.js language host: Pulumi's own beside a user's CLI, or in a build this
#                                  project's small host (tools/pulumi-cli/cmd/...), because the proxy does not
#                                  serve Pulumi's module for it
#   pulumi-resource-pulumi-nodejs  the dynamic-provider launcher, which ships inside the @pulumi/pulumi npm package
#
# Order of preference:
#   1. A `pulumi` on PATH with pulumi-language-nodejs beside it, when its version is supported: within the range
#      package.json's peerDependencies give @pulumi/pulumi (so a user with a newer CLI does not wait minutes for a
#      build), or exactly the --version asked for. When the launcher is not beside it, a directory in the cache
#      links the three together (see assemble_beside_user_cli for why that and not PATH).
#   2. The cache directory of the wanted version (the lockfile's, or --version), when its binaries report that
#      version and its host was built from the current source.
#   3. A build into that cache directory (a few minutes; needs Go and the module proxy). The Go pins come from
#      tools/pulumi-cli/go.mod (the lockfile's version), tools/pulumi-cli/newest/go.mod (the newest row of the CI
#      matrix), or, for any other --version, are resolved with `go get` and kept beside the binaries.
#
# Environment:
#   PULUMI_ALICLOUD_CERTS_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-alicloud-certs);
#                                 it lives outside the clone so fresh clones and CI runs reuse one build.
#   PULUMI_INSTALL_IGNORE_PATH=1  do not use a pulumi found on PATH (to test the build itself).
#   PULUMI_INSTALL_GOTOOLCHAIN    the toolchain to switch to when the local Go is older than the modules' go line
#                                 (default: go<that line>, which Go fetches through the module proxy).
set -euo pipefail

# Everything runs inside main(), called on the last line: bash reads a script while it runs it, so without this an
# edit of the file (a git checkout) during the long build would make the running copy execute garbage.
main() {
source "$(dirname "${BASH_SOURCE[0]}")/messages.sh" pulumi-install

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module_dir="$repo_root/tools/pulumi-cli"
newest_dir="$module_dir/newest"

exact=""
no_build=""
while (($# > 0)); do
  case "$1" in
    --version) [[ $# -ge 2 ]] || die "--version needs a value, e.g. --version 3.276.0"; exact="${2#v}"; shift 2 ;;
    --version=*) exact="${1#--version=}"; exact="${exact#v}"; shift ;;
    --no-build) no_build=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
if [[ -n "$exact" && ! "$exact" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  die "--version wants X.Y.Z, got '$exact'"
fi

# --- what is wanted: the lockfile's version, and the supported range ------------------------------------------
command -v node >/dev/null 2>&1 || die "node is not on PATH (Node.js 20+ is needed to read package.json and package-lock.json)"
# One node call prints three lines: the lockfile's @pulumi/pulumi, then the peer range's lower bound and its
# exclusive upper bound. Only the two forms this package writes are understood (">=A.B.C <D" and "^A.B.C"): a range
# this cannot read fails here rather than accepting a CLI by a guess.
read_versions='
  const fs = require("fs");
  const [lockFile, pkgFile] = process.argv.slice(1);
  const lock = JSON.parse(fs.readFileSync(lockFile, "utf8"));
  const locked = ((lock.packages || {})["node_modules/@pulumi/pulumi"] || {}).version;
  if (!locked) { console.error("package-lock.json has no node_modules/@pulumi/pulumi entry"); process.exit(2); }
  const range = ((JSON.parse(fs.readFileSync(pkgFile, "utf8")).peerDependencies) || {})["@pulumi/pulumi"] || "";
  let m = /^\s*>=\s*(\d+\.\d+\.\d+)\s+<\s*(\d+)(?:\.0\.0)?\s*$/.exec(range);
  let low, high;
  if (m) { low = m[1]; high = m[2] + ".0.0"; }
  else if ((m = /^\s*\^\s*(\d+)(\.\d+\.\d+)\s*$/.exec(range))) { low = m[1] + m[2]; high = (Number(m[1]) + 1) + ".0.0"; }
  else { console.error("package.json peerDependencies[\"@pulumi/pulumi\"] is \"" + range + "\": expected \">=A.B.C <D\" or \"^A.B.C\""); process.exit(2); }
  console.log(locked); console.log(low); console.log(high);
'
versions="$(node -e "$read_versions" "$repo_root/package-lock.json" "$repo_root/package.json")" || die "cannot read the Pulumi versions (above)"
{ read -r locked_version; read -r supported_low; read -r supported_high; } <<<"$versions"
version="v${exact:-$locked_version}"
supported="package.json's peerDependencies: @pulumi/pulumi >=$supported_low <$supported_high"

cache_root="${PULUMI_ALICLOUD_CERTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-alicloud-certs}"
mkdir -p "$cache_root"
launcher_src="$repo_root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

# --- 1. the user's own pulumi --------------------------------------------------------------------------------
if [[ "${PULUMI_INSTALL_IGNORE_PATH:-}" != "1" ]] && path_pulumi="$(command -v pulumi 2>/dev/null)"; then
  if dir="$(user_engine "$path_pulumi")"; then
    echo "$dir"
    exit 0
  fi
fi

# --- 2. the cache -------------------------------------------------------------------------------------------
out_dir="$cache_root/pulumi-$version"

# Serialize concurrent installs (two test runs at once) on the same cache.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/.lock-$version"
  flock 9
fi

# The Go pins of this version: which go.mod/go.sum the build uses (see the header).
pins_dir=""
pins_generated=""
if pins_match "$module_dir/go.mod"; then
  pins_dir="$module_dir"
elif pins_match "$newest_dir/go.mod"; then
  pins_dir="$newest_dir"
elif [[ -z "$exact" ]]; then
  die "neither tools/pulumi-cli/go.mod nor tools/pulumi-cli/newest/go.mod pins github.com/pulumi/pulumi/pkg/v3 and sdk/v3 at $version, the version of @pulumi/pulumi in package-lock.json.
  Keep them equal: in tools/pulumi-cli run
    go get github.com/pulumi/pulumi/pkg/v3@$version github.com/pulumi/pulumi/sdk/v3@$version
    GONOSUMDB=github.com/pulumi/pulumi go mod tidy
  (or pin @pulumi/pulumi back to the Go version in package.json)."
elif pins_match "$out_dir/go.mod"; then
  pins_dir="$out_dir" # resolved by an earlier run (below) and kept with its binaries
else
  pins_generated=1
fi

# The host is small and is this project's code: rebuild it whenever its source or the pins change, without
# rebuilding the CLI. The hash is stored beside the binaries.
host_hash() { cat "$1/go.mod" "$1/go.sum" $(cd "$module_dir" && find cmd -name '*.go' | LC_ALL=C sort | sed "s|^|$module_dir/|") | sha256sum | cut -d' ' -f1; }

if [[ -n "$pins_dir" ]] && engine_ok "$out_dir" && [[ "$(cat "$out_dir/.host-source-sha256" 2>/dev/null)" == "$(host_hash "$pins_dir")" ]]; then
  log "reusing $out_dir"
  echo "$out_dir"
  exit 0
fi

# --- 3. build -----------------------------------------------------------------------------------------------
[[ -z "$no_build" ]] || die "no engine found (the reasons are above) and --no-build was given"
command -v go >/dev/null 2>&1 || die "no Go toolchain on PATH. Install Go 1.21 or newer (it fetches the toolchain the Pulumi modules ask for),
  or put a pulumi $supported_low or newer (with pulumi-language-nodejs beside it) on PATH."
[[ -f "$launcher_src" ]] || die "$launcher_src is missing: run 'npm ci' first (the launcher ships in the @pulumi/pulumi package)"

# Offline settings: the checksum database is not reachable for Pulumi's modules through the proxy here (it
# answers 404), so skip the lookup for github.com/pulumi/pulumi only; go.sum still pins every hash.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi"
export CGO_ENABLED=0
user_goflags="${GOFLAGS:-}"

stage="$(mktemp -d "$cache_root/.build-XXXXXX")"
chmod 755 "$stage"
trap 'rm -rf "$stage"' EXIT

# The module the build runs in. tools/pulumi-cli builds in place; other pins get a copy of its sources (a Go module
# cannot reach files outside its directory) with their own go.mod/go.sum, so the lockfile's build is never touched.
if [[ "$pins_dir" == "$module_dir" ]]; then
  build_dir="$module_dir"
else
  build_dir="$stage/module"
  mkdir -p "$build_dir"
  cp -R "$module_dir/cmd" "$module_dir/tools.go" "$build_dir/"
  if [[ -n "$pins_generated" ]]; then
    cp "$module_dir/go.mod" "$module_dir/go.sum" "$build_dir/"
    log "no pins for $version in tools/pulumi-cli: resolving them with go get (the repository does not pin these hashes;"
    log "  to pin them, copy go.mod and go.sum from $out_dir into tools/pulumi-cli/newest/ once this succeeds)"
    # GOTOOLCHAIN=auto: the new requirements may raise go.mod's go line past the local Go (go get then switches to
    # the toolchain they ask for instead of refusing them).
    (cd "$build_dir" && export GOTOOLCHAIN="${PULUMI_INSTALL_GOTOOLCHAIN:-auto}" GOFLAGS="$user_goflags -mod=mod" &&
      go get "github.com/pulumi/pulumi/pkg/v3@$version" "github.com/pulumi/pulumi/sdk/v3@$version" >&2 && go mod tidy >&2) ||
      die "go get of Pulumi $version failed (above): is it served by the module proxy?"
  else
    cp "$pins_dir/go.mod" "$pins_dir/go.sum" "$build_dir/"
  fi
fi
use_toolchain_for "$build_dir/go.mod"
# -mod=readonly: a go.mod/go.sum that is out of date fails the build instead of being rewritten in the clone.
export GOFLAGS="$user_goflags -mod=readonly"
# The release flags of Pulumi's own builds; without -X ...Version=, `pulumi version` prints nothing.
build_flags=(-trimpath -tags osusergo,grpcnotrace
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version")

if engine_ok "$out_dir" && cmp -s "$out_dir/go.sum" "$build_dir/go.sum" 2>/dev/null; then
  # Only the host changed: keep the CLI (a 4+ minute build) and rebuild the host (seconds).
  cp -p "$out_dir/pulumi" "$stage/pulumi"
  log "reusing the CLI in $out_dir; rebuilding pulumi-language-nodejs"
elif engine_ok "$out_dir" && [[ "$pins_dir" == "$module_dir" && ! -f "$out_dir/go.sum" ]]; then
  # A cache filled before the pins were kept beside the binaries: its CLI came from these same pins.
  cp -p "$out_dir/pulumi" "$stage/pulumi"
  log "reusing the CLI in $out_dir; rebuilding pulumi-language-nodejs"
else
  log "building pulumi $version with $(go env GOVERSION) (first build downloads the modules and takes several minutes) ..."
  start=$SECONDS
  (cd "$build_dir" && go build "${build_flags[@]}" -o "$stage/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  log "built pulumi in $((SECONDS - start))s"
fi

start=$SECONDS
(cd "$build_dir" && go build "${build_flags[@]}" -o "$stage/pulumi-language-nodejs" ./cmd/pulumi-language-nodejs)
log "built pulumi-language-nodejs in $((SECONDS - start))s"

cp "$launcher_src" "$stage/pulumi-resource-pulumi-nodejs"
chmod 755 "$stage/pulumi-resource-pulumi-nodejs"
# The pins the binaries were built from, kept with them: the record of what is in the cache, the pins of a later
# run for a version the repository does not pin, and what to copy into tools/pulumi-cli/newest/ to pin it.
cp "$build_dir/go.mod" "$build_dir/go.sum" "$stage/"
host_hash "$stage" >"$stage/.host-source-sha256"
rm -rf "$stage/module"

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

# --- helpers (they read main's variables) ------------------------------------------------------------------

# Reports whether the go.mod $1 pins both github.com/pulumi/pulumi/pkg/v3 and sdk/v3 at $version.
pins_match() {
  [[ -f "$1" ]] || return 1
  local mod pinned
  for mod in pkg sdk; do
    pinned="$(awk -v m="github.com/pulumi/pulumi/$mod/v3" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1")"
    [[ "$pinned" == "$version" ]] || return 1
  done
}

# Reports whether the directory $1 holds a complete engine of the wanted version.
engine_ok() {
  local dir="$1"
  [[ -x "$dir/pulumi" && -x "$dir/pulumi-language-nodejs" && -x "$dir/pulumi-resource-pulumi-nodejs" ]] || return 1
  [[ "$(PULUMI_SKIP_UPDATE_CHECK=true "$dir/pulumi" version 2>/dev/null)" == "$version" ]] || return 1
  # Pulumi's own host has no --version flag; accept it when it sits beside a matching official pulumi.
  local host_version
  # (`timeout`: an unknown flag makes a Go flag parser exit at once, but never risk a host left serving.)
  host_version="$(timeout 20 "$dir/pulumi-language-nodejs" --version 2>/dev/null | head -n 1 || true)"
  [[ -z "$host_version" || "$host_version" == "$version" ]]
}

# "3.276.0" -> a string that sorts like the version.
version_key() { local IFS=.; set -- $1; printf '%06d%06d%06d' "$1" "$2" "$3"; }

# Checks a version string printed by `pulumi version` against what is wanted: exactly $version with --version,
# else the supported range. Prints the reason to refuse it, or nothing when it is fine.
refusal_for() {
  local printed="$1" triple pre
  if [[ ! "$printed" =~ ^v?([0-9]+\.[0-9]+\.[0-9]+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$ ]]; then
    echo "\`pulumi version\` printed '${printed:0:60}', not a version"
    return
  fi
  triple="${BASH_REMATCH[1]}"
  pre="${BASH_REMATCH[2]}"
  if [[ -n "$exact" ]]; then
    [[ "$triple" == "$exact" && -z "$pre" ]] || echo "it is $printed and $version was asked for"
    return
  fi
  # A prerelease comes before its release (semver), so v3.248.0-alpha is older than 3.248.0.
  if [[ "$(version_key "$triple")" < "$(version_key "$supported_low")" ]] ||
     [[ -n "$pre" && "$triple" == "$supported_low" ]]; then
    echo "it is $printed, older than v$supported_low, the oldest this package supports ($supported)"
  elif [[ ! "$(version_key "$triple")" < "$(version_key "$supported_high")" ]]; then
    echo "it is $printed, outside the versions this package supports ($supported)"
  fi
}

# Decides on the `pulumi` found on PATH ($1): prints the engine directory to use (and logs why), or logs why not and
# fails. Its language host must sit beside it, in its directory or in that of the file it links to (Homebrew links
# bin/pulumi into a Cellar directory that has all of Pulumi's binaries).
user_engine() {
  local pulumi="$1" printed reason dir real_dir host_dir="" d
  printed="$(PULUMI_SKIP_UPDATE_CHECK=true timeout 30 "$pulumi" version 2>/dev/null | head -n 1 | tr -d '[:space:]' || true)"
  reason="$(refusal_for "$printed")"
  if [[ -n "$reason" ]]; then
    log "not using $pulumi: $reason"
    return 1
  fi
  dir="$(cd "$(dirname "$pulumi")" && pwd -P)"
  real_dir="$(dirname "$(readlink -f "$pulumi")")"
  for d in "$dir" "$real_dir"; do
    if [[ -x "$d/pulumi-language-nodejs" ]]; then host_dir="$d"; break; fi
  done
  if [[ -z "$host_dir" ]]; then
    log "not using $pulumi ($printed): no pulumi-language-nodejs beside it (looked in $dir${real_dir:+ and $real_dir}); a build is used instead"
    return 1
  fi
  if [[ -x "$host_dir/pulumi-resource-pulumi-nodejs" && -x "$host_dir/pulumi" ]]; then
    log "using the pulumi $printed installed in $host_dir (its pulumi-language-nodejs and pulumi-resource-pulumi-nodejs are beside it)"
    echo "$host_dir"
    return 0
  fi
  assemble_beside_user_cli "$pulumi" "$printed" "$host_dir"
}

# The user's pulumi and language host, without the dynamic-provider launcher beside them (an install made from the
# CLI alone, a package manager that splits it out). The engine looks for the launcher on PATH and then beside the
# running `pulumi` with symlinks resolved, never in node_modules (@pulumi/pulumi declares no bin for it, so
# node_modules/.bin has none either). Found only on PATH it still runs, but every command then warns "using
# pulumi-resource-pulumi-nodejs from $PATH", and the tests' commands would depend on the PATH they inherit. So a
# directory in the cache holds the three: `pulumi` as a hard link (a symlink would be resolved, and the launcher
# looked for in the user's directory again), falling back to a copy across file systems; the host as a symlink; the
# launcher copied from node_modules (or the one on PATH). It is made again on each run, so an upgraded CLI is seen.
assemble_beside_user_cli() {
  local pulumi="$1" printed="$2" host_dir="$3" real key dir tmp launcher
  real="$(readlink -f "$pulumi")"
  key="$(printf '%s' "$real" | sha256sum | cut -c1-12)"
  dir="$cache_root/pulumi-on-path-$key"
  if launcher="$(command -v pulumi-resource-pulumi-nodejs 2>/dev/null)"; then
    launcher="$(readlink -f "$launcher")"
  elif [[ -f "$launcher_src" ]]; then
    launcher="$launcher_src"
  else
    log "not using $pulumi ($printed): pulumi-resource-pulumi-nodejs is neither beside it nor on PATH, and $launcher_src is missing (run 'npm ci')"
    return 1
  fi
  tmp="$(mktemp -d "$cache_root/.on-path-XXXXXX")"
  chmod 755 "$tmp"
  ln "$real" "$tmp/pulumi" 2>/dev/null || cp -p "$real" "$tmp/pulumi"
  ln -s "$host_dir/pulumi-language-nodejs" "$tmp/pulumi-language-nodejs"
  cp "$launcher" "$tmp/pulumi-resource-pulumi-nodejs"
  chmod 755 "$tmp/pulumi-resource-pulumi-nodejs"
  echo "$real" >"$tmp/.user-pulumi"
  rm -rf "$dir.old"
  [[ -e "$dir" ]] && mv "$dir" "$dir.old"
  mv "$tmp" "$dir"
  rm -rf "$dir.old"
  log "using the pulumi $printed installed in $host_dir; pulumi-resource-pulumi-nodejs is not beside it, so $dir links the CLI and its host with the launcher from $launcher"
  echo "$dir"
}

# Switches the Go toolchain when the local one is older than the go line of the module $1 asks for (Pulumi's
# modules move it forward: 3.248 asks for 1.25.11, 3.276 for 1.26.6). GOTOOLCHAIN makes go fetch that toolchain as a
# module through the proxy; it needs a local Go of 1.21 or newer.
use_toolchain_for() {
  local wanted local_version
  wanted="$(awk '$1 == "go" { print $2; exit }' "$1")"
  [[ -n "$wanted" ]] || return 0
  [[ "$wanted" =~ ^[0-9]+\.[0-9]+$ ]] && wanted="$wanted.0"
  # Asked outside any module, so a GOTOOLCHAIN=auto in the environment cannot switch before answering.
  local_version="$(cd / && GOTOOLCHAIN=local go env GOVERSION)"
  local_version="${local_version#go}"
  local_version="${local_version%%[!0-9.]*}"
  [[ "$local_version" =~ ^[0-9]+\.[0-9]+$ ]] && local_version="$local_version.0"
  if [[ ! "$(version_key "$local_version")" < "$(version_key "$wanted")" ]]; then
    return 0
  fi
  if [[ "$(version_key "$local_version")" < "$(version_key 1.21.0)" ]]; then
    die "go$local_version is too old: install Go $wanted or newer (or 1.21+, which fetches it), or put a pulumi $supported_low or newer (with pulumi-language-nodejs beside it) on PATH."
  fi
  export GOTOOLCHAIN="${PULUMI_INSTALL_GOTOOLCHAIN:-go$wanted}"
  log "the local Go is $local_version and the pins' go.mod asks for $wanted: building with GOTOOLCHAIN=$GOTOOLCHAIN"
}

main "$@"
