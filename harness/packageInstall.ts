// The package as a user installs it, for the test programs, the bench and the reliability scenarios: ONE
// node_modules per package build, shared by every test file and every project. The package is packed with
// `npm pack` and installed from the tarball, next to @pulumi/pulumi, typescript and ts-node at the lockfile's
// versions. Keyed by the tarball's hash, so a rebuilt package gets a fresh install and an unchanged one is reused
// across runs. A project links its node_modules to such an install (project.ts says why a link works).
//
// The upgrade test: `const v2 = await packVariant(await packPackage(), (dir) => { ...edit dir/dist... })`,
// `project.useInstall(await preparePackageInstall({ tarball: v2 }))`, then `project.preview(["--expect-no-changes"])`.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCommand, type RunResult } from "./commands";
import { lockfileVersion, REPO_ROOT } from "./repository";

function sha256(data: string | Buffer): string {
    return createHash("sha256").update(data).digest("hex");
}

function npm(args: string[], cwd: string, timeoutMs = 600_000): Promise<RunResult> {
    return runCommand("npm", args, { cwd, timeoutMs, env: { ...process.env, npm_config_update_notifier: "false" } });
}

function newestMtime(dir: string): number {
    let newest = 0;
    if (!fs.existsSync(dir)) {
        return newest;
    }
    for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
        if (entry.isFile() && entry.name.endsWith(".ts")) {
            newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
        }
    }
    return newest;
}

/**
 * Builds dist/ with `npm run build` when it is missing or older than the sources (npm test builds first, so
 * this matters only when an e2e file is run on its own).
 */
export async function ensureBuilt(): Promise<void> {
    const marker = path.join(REPO_ROOT, "dist", "provider", "index.js");
    const built = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
    const sources = Math.max(newestMtime(path.join(REPO_ROOT, "provider")), newestMtime(path.join(REPO_ROOT, "emulator")));
    if (built >= sources && built > 0) {
        return;
    }
    const res = await npm(["run", "build"], REPO_ROOT);
    if (res.code !== 0) {
        throw new Error(`npm run build failed:\n${res.stdout}\n${res.stderr}`);
    }
}

/** Packs the repository (as `npm pack` would publish it) into a fresh temp dir; returns the tarball path. */
export async function packPackage(): Promise<string> {
    await ensureBuilt();
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), "pac-pack-"));
    const res = await npm(["pack", "--json", "--pack-destination", dest], REPO_ROOT);
    if (res.code !== 0) {
        throw new Error(`npm pack failed:\n${res.stdout}\n${res.stderr}`);
    }
    const [info] = JSON.parse(res.stdout) as Array<{ filename: string }>;
    return path.join(dest, info.filename);
}

/**
 * For the upgrade test: a variant of a packed package. The tarball is unpacked, `mutate(dir)` changes the
 * files (a code change in dist/, a version bump in package.json), and it is packed again. Install the result
 * with preparePackageInstall({ tarball }) and point a project at it with project.useInstall(dir).
 */
export async function packVariant(tarball: string, mutate: (packageDir: string) => void | Promise<void>): Promise<string> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "pac-variant-"));
    const untar = await runCommand("tar", ["-xzf", tarball, "-C", work], { cwd: work });
    if (untar.code !== 0) {
        throw new Error(`tar failed: ${untar.stderr}`);
    }
    const packageDir = path.join(work, "package"); // npm tarballs keep everything under package/
    await mutate(packageDir);
    const res = await npm(["pack", "--json", "--pack-destination", work], packageDir);
    if (res.code !== 0) {
        throw new Error(`npm pack of the variant failed:\n${res.stdout}\n${res.stderr}`);
    }
    const [info] = JSON.parse(res.stdout) as Array<{ filename: string }>;
    return path.join(work, info.filename);
}

export interface InstallOptions {
    /** The package tarball to install; default: pack the repository (building dist/ first when stale). */
    tarball?: string;
    /** Install without the package: only the SDK and the TypeScript toolchain. */
    withoutPackage?: boolean;
}

const installs = new Map<string, Promise<string>>();

/**
 * Returns a directory whose node_modules holds the package (from its tarball), @pulumi/pulumi, typescript,
 * ts-node and @types/node at the lockfile's versions. Installed once per distinct tarball into
 * $TMPDIR/pac-e2e-installs/<hash>, reused by every test file and by later runs; concurrent test
 * processes wait for one another through a lock directory.
 */
export function preparePackageInstall(options: InstallOptions = {}): Promise<string> {
    const key = options.withoutPackage ? "sdk-only" : (options.tarball ?? "repo");
    let p = installs.get(key);
    if (!p) {
        p = doPrepareInstall(options);
        installs.set(key, p);
    }
    return p;
}

async function doPrepareInstall(options: InstallOptions): Promise<string> {
    const tarball = options.withoutPackage ? undefined : (options.tarball ?? (await packPackage()));
    const deps: Record<string, string> = {
        "@pulumi/pulumi": lockfileVersion("@pulumi/pulumi"),
        typescript: lockfileVersion("typescript"),
        "ts-node": lockfileVersion("ts-node"),
        "@types/node": lockfileVersion("@types/node"),
    };
    const hash = sha256(JSON.stringify({ deps, node: process.version, tarball: tarball ? sha256(fs.readFileSync(tarball)) : null })).slice(0, 16);
    // Not named like the package: a path with the package's name before node_modules changes how Pulumi serializes
    // `__provider` (see provider/resources/serializedProvider.ts), and most users' paths do not have it.
    // installUnder() makes such a path for the test of that case.
    const root = path.join(os.tmpdir(), "pac-e2e-installs");
    const target = path.join(root, hash);
    const complete = path.join(target, ".complete");
    fs.mkdirSync(root, { recursive: true });

    const lock = `${target}.lock`;
    const deadline = Date.now() + 10 * 60_000;
    for (;;) {
        if (fs.existsSync(complete)) {
            const now = new Date();
            fs.utimesSync(complete, now, now); // marks it as used for pruneOldInstalls
            return target;
        }
        try {
            fs.mkdirSync(lock); // atomic: exactly one process installs
            break;
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
                throw err;
            }
            // A lock older than the deadline belongs to a process that died mid-install.
            if (Date.now() - fs.statSync(lock).mtimeMs > 10 * 60_000) {
                fs.rmSync(lock, { recursive: true, force: true });
                continue;
            }
            if (Date.now() > deadline) {
                throw new Error(`timed out waiting for another process to install ${target}`);
            }
            await new Promise((r) => setTimeout(r, 500));
        }
    }
    try {
        if (fs.existsSync(complete)) {
            return target;
        }
        const stage = fs.mkdtempSync(path.join(root, `${hash}.stage-`));
        if (tarball) {
            fs.copyFileSync(tarball, path.join(stage, "package.tgz"));
            deps["pulumi-alicloud-certs"] = "file:./package.tgz";
        }
        fs.writeFileSync(path.join(stage, "package.json"), JSON.stringify({ name: "pulumi-alicloud-certs-e2e", private: true, dependencies: deps }, null, 2));
        // --prefer-offline: the versions are the lockfile's, so `npm ci` in the repo has them in npm's cache
        // already; only the package's own dependencies may need the registry.
        const res = await npm(["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], stage);
        if (res.code !== 0) {
            throw new Error(`npm install of the e2e project failed:\n${res.stdout}\n${res.stderr}`);
        }
        // Two copies of the SDK in one program split its global state (the language host warns about it): the
        // package must use the program's @pulumi/pulumi, i.e. declare it as a peer or a compatible range.
        const nested = path.join(stage, "node_modules", "pulumi-alicloud-certs", "node_modules", "@pulumi", "pulumi");
        if (fs.existsSync(nested)) {
            throw new Error(
                "the installed package carries its own copy of @pulumi/pulumi (node_modules/pulumi-alicloud-certs/node_modules/@pulumi/pulumi); " +
                    "declare @pulumi/pulumi as a peerDependency so programs and the package share one SDK",
            );
        }
        fs.rmSync(target, { recursive: true, force: true });
        fs.renameSync(stage, target);
        fs.writeFileSync(complete, new Date().toISOString());
        pruneOldInstalls(root, hash);
        return target;
    } finally {
        fs.rmSync(lock, { recursive: true, force: true });
    }
}

/**
 * Each package build gets its own install (about 150 MB): drop those not used for a day, so a developer's
 * /tmp does not fill up over many edit-test cycles. Best effort; an install in use is at most a day old.
 */
function pruneOldInstalls(root: string, keep: string): void {
    const dayAgo = Date.now() - 24 * 3600_000;
    for (const name of fs.readdirSync(root)) {
        if (name === keep || name.endsWith(".lock")) {
            continue;
        }
        const dir = path.join(root, name);
        try {
            const marker = path.join(dir, ".complete");
            const stamp = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : fs.statSync(dir).mtimeMs;
            if (stamp < dayAgo) {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        } catch {
            // raced with another process: leave it
        }
    }
}

/**
 * A copy of an install's node_modules under `dir` (created), for a project that must live at another path, e.g.
 * one with the package's name in it. Returns `dir`, to pass as installDir.
 */
export function installUnder(installDir: string, dir: string): string {
    fs.mkdirSync(dir, { recursive: true });
    fs.cpSync(path.join(installDir, "node_modules"), path.join(dir, "node_modules"), { recursive: true, verbatimSymlinks: true });
    return dir;
}
