// The Pulumi engine the harness runs: a directory holding the CLI (pulumi), the Node.js language host
// (pulumi-language-nodejs) and the dynamic-provider launcher (pulumi-resource-pulumi-nodejs), as
// scripts/pulumi-install.sh finds or builds it. locatePulumiCli() only looks (the tests and the bench must not start a
// build of minutes on their own); installPulumiCli() runs the script, which builds when nothing usable is found
// (`npm start` does that on a fresh clone).
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { lockfileVersion, REPO_ROOT } from "./repository";

const ENGINE_FILES = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"] as const;

/** The @pulumi/pulumi version of the lockfile: the SDK the test programs install, and the engine built by default. */
export const PULUMI_VERSION = lockfileVersion("@pulumi/pulumi");

/**
 * The engine versions the harness accepts: the range package.json's peerDependencies give @pulumi/pulumi (the same
 * reading as scripts/pulumi-install.sh, which takes a user's own CLI in that range). An engine of another version
 * than the SDK is what users run (their CLI is rarely the SDK's version), and the CI matrix runs each end of it.
 */
export const SUPPORTED_ENGINES = supportedRange();

function supportedRange(): { low: string; high: string; text: string } {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    const range: string = pkg.peerDependencies?.["@pulumi/pulumi"] ?? "";
    let m = /^\s*>=\s*(\d+\.\d+\.\d+)\s+<\s*(\d+)(?:\.0\.0)?\s*$/.exec(range);
    if (m) {
        return { low: m[1]!, high: `${m[2]}.0.0`, text: range };
    }
    m = /^\s*\^\s*(\d+)(\.\d+\.\d+)\s*$/.exec(range);
    if (m) {
        return { low: `${m[1]}${m[2]}`, high: `${Number(m[1]) + 1}.0.0`, text: range };
    }
    throw new Error(`package.json peerDependencies["@pulumi/pulumi"] is "${range}": expected ">=A.B.C <D" or "^A.B.C"`);
}

function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map(Number);
    const pb = b.split(".").map(Number);
    for (let i = 0; i < 3; i++) {
        if (pa[i] !== pb[i]) {
            return pa[i]! < pb[i]! ? -1 : 1;
        }
    }
    return 0;
}

/** Why `pulumi version`'s output is not a supported engine, or undefined when it is. */
export function engineVersionProblem(printed: string): string | undefined {
    const m = /^v?(\d+\.\d+\.\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(printed);
    if (!m) {
        return `prints ${JSON.stringify(printed || "nothing")} as its version`;
    }
    const [, triple, pre] = m;
    const low = compareVersions(triple!, SUPPORTED_ENGINES.low);
    if (low < 0 || (low === 0 && pre) || compareVersions(triple!, SUPPORTED_ENGINES.high) >= 0) {
        return `is ${printed}, outside the supported @pulumi/pulumi ${SUPPORTED_ENGINES.text}`;
    }
    return undefined;
}

/** The cache root of scripts/pulumi-install.sh; keep the two formulas equal. */
export function cacheRoot(): string {
    return process.env.PULUMI_ALICLOUD_CERTS_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-alicloud-certs");
}

export interface CliLocation {
    dir?: string;
    /** Why no usable engine was found (every place that was looked at). */
    reason?: string;
}

/** A file this process may run (a directory with the x bit is not). */
export function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/** Checks a candidate directory; returns undefined when it is usable, else what is wrong with it. */
function checkEngineDir(dir: string): string | undefined {
    const missing = ENGINE_FILES.filter((f) => !isExecutable(path.join(dir, f)));
    if (missing.length > 0) {
        return `${dir} lacks ${missing.join(", ")}`;
    }
    const out = spawnSync(path.join(dir, "pulumi"), ["version"], {
        encoding: "utf8",
        timeout: 30_000,
        env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
    const problem = engineVersionProblem((out.stdout ?? "").trim());
    return problem ? `${dir}/pulumi ${problem}` : undefined;
}

let located: CliLocation | undefined;

/**
 * Finds the engine directory: $PULUMI_CLI_DIR, else the cache directory of `npm run pulumi:install`, else a
 * `pulumi` on PATH with the two other files beside it. The result is memoized for the process.
 */
export function locatePulumiCli(): CliLocation {
    if (located) {
        return located;
    }
    const problems: string[] = [];
    const candidates: string[] = [];
    if (process.env.PULUMI_CLI_DIR) {
        candidates.push(process.env.PULUMI_CLI_DIR);
    } else {
        candidates.push(path.join(cacheRoot(), `pulumi-v${PULUMI_VERSION}`));
        for (const entry of (process.env.PATH ?? "").split(path.delimiter)) {
            if (entry && isExecutable(path.join(entry, "pulumi"))) {
                candidates.push(entry);
            }
        }
    }
    for (const dir of candidates) {
        const problem = fs.existsSync(dir) ? checkEngineDir(dir) : `${dir} does not exist`;
        if (!problem) {
            located = { dir };
            return located;
        }
        problems.push(problem);
    }
    located = {
        reason:
            `no Pulumi engine for @pulumi/pulumi ${SUPPORTED_ENGINES.text} found (${problems.join("; ")}). ` +
            "Run `npm run pulumi:install` (builds it once into a cache, needs Go 1.25+) or set PULUMI_CLI_DIR.",
    };
    return located;
}

/**
 * The engine directory scripts/pulumi-install.sh prints as its last line, building the engine first when no usable
 * one is found (minutes, once). Its progress and the reasons for its choice go to this process's stderr.
 */
export function installPulumiCli(): string {
    const output = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "pulumi-install.sh")], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    const lines = output.trim().split("\n");
    return lines[lines.length - 1]!.trim();
}
