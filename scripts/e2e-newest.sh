#!/usr/bin/env bash
# Row (b) of the CI matrix, the newest: Node 22, the newest @pulumi/pulumi this repository pins for it, and the CLI
# and language host built at that version from Go modules. Runs the e2e suite and the SDK-coupling tests there.
# Row (a), the oldest supported (Node 20, the lockfile's @pulumi/pulumi, its CLI), is `npm test` in the clone.
#
#   bash scripts/e2e-newest.sh            (.ci/run calls it after npm test; run it alone to try row (b) locally)
#
# The version is the sdk/v3 pin of tools/pulumi-cli/newest/go.mod, so CI is repeatable: a new Pulumi release does
# not change what a run tests until someone moves the pin (the run prints npm's newest beside it). The clone's
# node_modules stay at the lockfile's versions for row (a): row (b) works in a copy of the working tree (without
# node_modules, dist and ignored files) in a temp directory, where `npm ci` and then `npm install
# @pulumi/pulumi@<newest>` write the copy's own package-lock.json, which harness/packageInstall.ts reads for the SDK
# its test programs install. Node 22 comes from scripts/node22.sh, the engine from scripts/pulumi-install.sh
# --version; both are cached outside the clone, so only a first run builds (about 5 minutes for the CLI).
#
# Environment: PULUMI_E2E_KEEP=1 keeps the copy (its path is printed); the test runner's arguments can be
# replaced with E2E_NEWEST_TESTS (default: tests/e2e/*.test.ts tests/unit/sdkCouplings.test.ts);
# E2E_NEWEST_VERSIONS_FILE names a file to write the row's versions to (.ci/run's summary).
set -euo pipefail

main() {
source "$(dirname "${BASH_SOURCE[0]}")/messages.sh" e2e-newest

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pins="$repo_root/tools/pulumi-cli/newest/go.mod"
[[ -f "$pins" ]] || die "$pins is missing"
newest="$(awk '$1 == "github.com/pulumi/pulumi/sdk/v3" { print $2; exit }' "$pins")"
newest="${newest#v}"
[[ "$newest" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "$pins pins no github.com/pulumi/pulumi/sdk/v3 release (got '$newest')"

started=$SECONDS
node22_bin="$(bash "$repo_root/scripts/node22.sh" | tail -n 1)"
export PATH="$node22_bin:$PATH"
log "node $(node --version) from $node22_bin ($((SECONDS - started))s)"

work="$(mktemp -d "${TMPDIR:-/tmp}/pac-row-newest-XXXXXX")"
copy="$work/repo"
mkdir -p "$copy"
cleanup() {
  if [[ "${PULUMI_E2E_KEEP:-}" == "1" ]]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# The working tree as git sees it (tracked and untracked, not ignored: no node_modules, dist, state or caches), so a
# developer's uncommitted change is tested too. The temp path must not contain the package's name: see
# provider/resources/serializedProvider.ts for what that does to `__provider`.
if git -C "$repo_root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$repo_root" && git ls-files -z --cached --others --exclude-standard |
    tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$copy"
else
  tar -C "$repo_root" --exclude=./node_modules --exclude=./dist --exclude=./.git -cf - . | tar -xf - -C "$copy"
fi
cd "$copy"
log "copied the working tree to $copy ($((SECONDS - started))s)"

export npm_config_update_notifier=false
npm ci --no-audit --no-fund --prefer-offline --loglevel=error >&2
npm install --no-audit --no-fund --loglevel=error "@pulumi/pulumi@$newest" >&2
sdk="$(node -p 'require("@pulumi/pulumi/package.json").version')"
[[ "$sdk" == "$newest" ]] || die "npm installed @pulumi/pulumi $sdk, not $newest"
log "@pulumi/pulumi $sdk installed in the copy ($((SECONDS - started))s)"

# The copy's own script, so the launcher copied into the engine is the one of the SDK under test; the cache is the
# same as the clone's.
engine="$(bash scripts/pulumi-install.sh --version "$newest" | tail -n 1)"
[[ -x "$engine/pulumi" ]] || die "pulumi-install did not produce an engine (got '$engine')"
cli="$(PULUMI_SKIP_UPDATE_CHECK=true "$engine/pulumi" version)"
log "engine $cli in $engine ($((SECONDS - started))s)"

latest="$(npm view @pulumi/pulumi version 2>/dev/null || echo unknown)"
row="node $(node --version), @pulumi/pulumi $sdk, pulumi CLI $cli"
[[ -n "${E2E_NEWEST_VERSIONS_FILE:-}" ]] && echo "$row" >"$E2E_NEWEST_VERSIONS_FILE"
echo
echo "== matrix row (b), the newest: $row" \
  "(language host: tools/pulumi-cli/cmd/pulumi-language-nodejs built against sdk/v3 v$newest)"
if [[ "$latest" != "$newest" ]]; then
  echo "   note: npm's newest @pulumi/pulumi is $latest; this row tests the v$newest pinned in tools/pulumi-cli/newest/go.mod" \
    "(to move it: bash scripts/pulumi-install.sh --version $latest, then copy go.mod and go.sum from the engine directory it prints into tools/pulumi-cli/newest/)"
fi

# Built explicitly (harness/packageInstall.ts would also build a stale dist/): this compiles the package against the
# newest SDK's types, a failure users of that SDK would see.
npm run build --silent

export CI="${CI:-true}" ALIBABA_CLOUD_ECS_METADATA_DISABLED=true PULUMI_CLI_DIR="$engine"
export PATH="$engine:$PATH"
read -r -a tests <<<"${E2E_NEWEST_TESTS:-tests/e2e/*.test.ts tests/unit/sdkCouplings.test.ts}"
log "running ${tests[*]} ($((SECONDS - started))s)"
status=0
# The globs expand here, in the copy.
node --import tsx --test --test-reporter=spec ${tests[@]} || status=$?
log "row (b) finished with status $status in $((SECONDS - started))s"
return "$status"
}

main "$@"
