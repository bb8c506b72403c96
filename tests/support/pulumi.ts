// Harness for the e2e tests: each test is a small Pulumi program driven by the REAL Pulumi CLI, in the manner
// of Pulumi's own dynamic-provider tests (up, an empty up with --expect-no-changes, refresh, preview, export,
// destroy).
//
// The pieces:
// - locatePulumiCli(): the engine directory (pulumi + pulumi-language-nodejs + pulumi-resource-pulumi-nodejs)
//   from PULUMI_CLI_DIR, the cache `npm run pulumi:install` fills, or PATH. e2eSkipReason()/requirePulumiCli()
//   turn "not found" into a skipped test locally and into a failure with CI=true.
// - preparePackageInstall(): ONE node_modules per package build, shared by every test file and every project:
//   the package packed with `npm pack` and installed from the tarball exactly as a user installs it, next to
//   @pulumi/pulumi, typescript and ts-node at the lockfile's versions. Keyed by the tarball's hash, so a
//   rebuilt package gets a fresh install and an unchanged one is reused across test runs.
// - PulumiProject: a temp directory with Pulumi.yaml, the program as a string, a node_modules symlink to a
//   shared install, a local file backend and PULUMI_HOME, and one method per CLI command.
//
// Usage (see tests/e2e/engine.test.ts):
//   describe("domain certificate", { skip: e2eSkipReason() }, () => {
//     let p: PulumiProject;
//     before(async () => { p = await PulumiProject.create({ installDir: await preparePackageInstall(), program }); });
//     after(() => p.cleanup({ destroy: true }));
//     test("up", () => p.up());
//     test("empty up", () => p.up(["--expect-no-changes"]));
//     test("refresh", () => p.refresh(["--expect-no-changes"]));
//   });
// The upgrade test: `const v2 = await packVariant(await packPackage(), (dir) => { ...edit dir/dist... })`,
// `p.useInstall(await preparePackageInstall({ tarball: v2 }))`, then `p.preview(["--expect-no-changes"])`.
// Tests that run the package against the emulator pass its endpoint through `env` or `setConfig`.
//
// Why a symlinked node_modules works: Node resolves `require()` through the symlink and then uses the real
// path, so the program, the runner and the dynamic provider all load the one copy of @pulumi/pulumi in the
// shared install. The engine starts the dynamic provider (pulumi-resource-pulumi-nodejs) with the project
// directory as its working directory, and that provider resolves the modules named in `__provider`
// (`require("pulumi-alicloud-certs/runtime")`) from its working directory, hence through the same symlink.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TestContext } from "node:test";
import { lockfileVersion, REPO_ROOT } from "../../harness/repository";

export { REPO_ROOT };

const ENGINE_FILES = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"] as const;

/** The @pulumi/pulumi version of the lockfile: the SDK the test programs install, and the engine built by default. */
export const PULUMI_VERSION = lockfileVersion("@pulumi/pulumi");

/**
 * The engine versions the tests accept: the range package.json's peerDependencies give @pulumi/pulumi (the same
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
  return (
    process.env.PULUMI_ALICLOUD_CERTS_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-alicloud-certs")
  );
}

export interface CliLocation {
  dir?: string;
  /** Why no usable engine was found (every place that was looked at). */
  reason?: string;
}

function isExecutable(file: string): boolean {
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
 * For `test(name, { skip: e2eSkipReason() }, ...)`: false when the engine is there, the reason to skip when it
 * is not. With CI=true a missing engine is an error, never a silent skip.
 */
export function e2eSkipReason(): string | false {
  const { dir, reason } = locatePulumiCli();
  if (dir) {
    return false;
  }
  if (process.env.CI === "true") {
    throw new Error(`CI=true and ${reason}`);
  }
  return reason ?? "no Pulumi engine";
}

/** Inside a test: returns the engine directory, or skips the test (returns undefined; the caller returns). */
export function requirePulumiCli(t: TestContext): string | undefined {
  const reason = e2eSkipReason();
  if (reason) {
    t.skip(reason);
    return undefined;
  }
  return locatePulumiCli().dir;
}

// ---------------------------------------------------------------------------------------------------------
// Processes

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  input?: string;
}

/**
 * Runs a command and collects its output. It never throws for a non-zero exit; on timeout the whole process
 * group is killed (pulumi leaves plugins and node children behind otherwise) and `timedOut` is set.
 */
export function runCommand(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      // Own process group, so a timeout can kill the engine and every plugin it started.
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    if (options.input !== undefined) {
      child.stdin!.end(options.input);
    }
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, options.timeoutMs ?? 120_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, durationMs: Date.now() - started, timedOut });
    });
  });
}

export class CommandError extends Error {
  constructor(
    readonly args: string[],
    readonly result: RunResult,
  ) {
    super(
      `\`pulumi ${args.join(" ")}\` ${
        result.timedOut ? `timed out after ${result.durationMs} ms` : `exited with ${result.code}`
      }\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`,
    );
    this.name = "CommandError";
  }
}

// ---------------------------------------------------------------------------------------------------------
// The shared package install

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
    "@pulumi/pulumi": PULUMI_VERSION,
    typescript: lockfileVersion("typescript"),
    "ts-node": lockfileVersion("ts-node"),
    "@types/node": lockfileVersion("@types/node"),
  };
  const hash = sha256(
    JSON.stringify({ deps, node: process.version, tarball: tarball ? sha256(fs.readFileSync(tarball)) : null }),
  ).slice(0, 16);
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
    fs.writeFileSync(
      path.join(stage, "package.json"),
      JSON.stringify({ name: "pulumi-alicloud-certs-e2e", private: true, dependencies: deps }, null, 2),
    );
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

/** The repository's own node_modules: has the SDK and ts-node, not the packed package. For engine-only tests. */
export const REPO_INSTALL = REPO_ROOT;

// ---------------------------------------------------------------------------------------------------------
// Projects

export interface ProjectOptions {
  /** The program, TypeScript source of index.ts. */
  program: string;
  /** Engine directory; default: locatePulumiCli(). */
  cliDir?: string;
  /** A directory whose node_modules the project uses (preparePackageInstall() or REPO_INSTALL). */
  installDir: string;
  /** Project name in Pulumi.yaml (and URNs). */
  name?: string;
  stack?: string;
  /** Type-check the program with ts-node (slower, about a second per command); default: transpile only. */
  typecheck?: boolean;
  /** Extra environment for every command, e.g. the emulator's endpoint. */
  env?: Record<string, string>;
  /** Default timeout per pulumi command. */
  timeoutMs?: number;
  /** Keep the temp directory after cleanup() (for debugging); also with PULUMI_E2E_KEEP=1. */
  keep?: boolean;
}

export interface CommandOptions {
  /** Return the result instead of throwing when the command exits non-zero. */
  allowFailure?: boolean;
  timeoutMs?: number;
  env?: Record<string, string>;
}

// Credentials of a developer's shell must never reach a test program: an e2e run talks to the emulator only.
const SCRUBBED_ENV = /^(ALIBABA_CLOUD_|ALICLOUD_|PULUMI_)/;

/** One Pulumi project with its own state and PULUMI_HOME, in a temp directory. */
export class PulumiProject {
  readonly root: string;
  readonly dir: string;
  readonly stateDir: string;
  readonly homeDir: string;
  readonly stack: string;
  readonly cliDir: string;
  /** Every command run, for measurements and for debugging a failed test. */
  readonly history: Array<{ args: string[]; code: number | null; durationMs: number }> = [];
  private readonly options: ProjectOptions;

  private constructor(options: ProjectOptions, cliDir: string) {
    this.options = options;
    this.cliDir = cliDir;
    this.stack = options.stack ?? "dev";
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), "pac-e2e-"));
    this.dir = path.join(this.root, "project");
    this.stateDir = path.join(this.root, "state");
    this.homeDir = path.join(this.root, "home");
    for (const d of [this.dir, this.stateDir, this.homeDir]) {
      fs.mkdirSync(d, { recursive: true });
    }
  }

  /** Creates the project directory, links node_modules, and runs `pulumi stack init`. */
  static async create(options: ProjectOptions): Promise<PulumiProject> {
    const cliDir = options.cliDir ?? locatePulumiCli().dir;
    if (!cliDir) {
      throw new Error(locatePulumiCli().reason);
    }
    const project = new PulumiProject(options, cliDir);
    const name = options.name ?? "e2e";
    fs.writeFileSync(
      path.join(project.dir, "Pulumi.yaml"),
      `name: ${name}\nruntime: nodejs\ndescription: e2e test program\n`,
    );
    fs.writeFileSync(
      path.join(project.dir, "package.json"),
      JSON.stringify({ name, private: true, main: "index.ts" }, null, 2),
    );
    project.useInstall(options.installDir);
    project.writeProgram(options.program);
    await project.run(["stack", "init", project.stack]);
    return project;
  }

  /** Points node_modules at another shared install (the upgrade test swaps package versions this way). */
  useInstall(installDir: string): void {
    const link = path.join(this.dir, "node_modules");
    fs.rmSync(link, { force: true, recursive: false });
    fs.symlinkSync(path.join(installDir, "node_modules"), link, "dir");
  }

  /** Replaces index.ts (a later step of a test may change the program). */
  writeProgram(source: string): void {
    fs.writeFileSync(path.join(this.dir, "index.ts"), source);
  }

  /** The environment every command gets: isolated state, no update checks, no plugin downloads. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const base: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!SCRUBBED_ENV.test(k)) {
        base[k] = v;
      }
    }
    return {
      ...base,
      PATH: `${this.cliDir}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_HOME: this.homeDir,
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: this.options.typecheck ? "false" : "true",
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true",
      NO_COLOR: "1",
      ...this.options.env,
      ...extra,
    };
  }

  /** Runs `pulumi <args>` in the project directory. Throws CommandError on failure unless allowFailure. */
  async run(args: string[], opts: CommandOptions = {}): Promise<RunResult> {
    const result = await runCommand(path.join(this.cliDir, "pulumi"), args, {
      cwd: this.dir,
      env: this.env(opts.env),
      timeoutMs: opts.timeoutMs ?? this.options.timeoutMs ?? Number(process.env.PULUMI_E2E_TIMEOUT_MS ?? 180_000),
    });
    this.history.push({ args, code: result.code, durationMs: result.durationMs });
    if ((result.code !== 0 || result.timedOut) && !opts.allowFailure) {
      throw new CommandError(args, result);
    }
    return result;
  }

  private op(command: string[], args: string[], opts?: CommandOptions): Promise<RunResult> {
    return this.run([...command, "--non-interactive", "--yes", "--color=never", ...args], opts);
  }

  /**
   * `pulumi up --skip-preview` (one program run instead of two, as Pulumi's own integration tests do after a
   * separate preview); pass ["--expect-no-changes"] for the empty update, ["--diff"] for property diffs.
   */
  up(args: string[] = [], opts?: CommandOptions): Promise<RunResult> {
    return this.op(["up", "--skip-preview"], args, opts);
  }

  /** `pulumi preview`; add "--diff" for the detailed diff, "--expect-no-changes" to assert none. */
  preview(args: string[] = [], opts?: CommandOptions): Promise<RunResult> {
    return this.run(["preview", "--non-interactive", "--color=never", ...args], opts);
  }

  refresh(args: string[] = [], opts?: CommandOptions): Promise<RunResult> {
    return this.op(["refresh", "--skip-preview"], args, opts);
  }

  destroy(args: string[] = [], opts?: CommandOptions): Promise<RunResult> {
    return this.op(["destroy", "--skip-preview"], args, opts);
  }

  /** `pulumi import <type> <name> <id>` (does not work for dynamic resources upstream; kept for that test). */
  import(args: string[], opts?: CommandOptions): Promise<RunResult> {
    return this.op(["import"], args, opts);
  }

  /** `pulumi stack export`, parsed. Secrets stay encrypted unless showSecrets. */
  async exportStack(showSecrets = false): Promise<any> {
    const res = await this.run(["stack", "export", ...(showSecrets ? ["--show-secrets"] : [])]);
    return JSON.parse(res.stdout);
  }

  /** `pulumi stack import` of a deployment (as returned by exportStack). */
  async importStack(deployment: unknown): Promise<RunResult> {
    const file = path.join(this.root, `import-${Date.now()}.json`);
    fs.writeFileSync(file, JSON.stringify(deployment));
    return this.run(["stack", "import", "--file", file]);
  }

  /** The stack outputs as JSON (secrets in plaintext when showSecrets). */
  async outputs(showSecrets = false): Promise<Record<string, any>> {
    const res = await this.run(["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : [])]);
    return JSON.parse(res.stdout || "{}");
  }

  /** `pulumi config set [--secret] key value`; the value goes through stdin so it never shows in `ps`. */
  async setConfig(key: string, value: string, opts: { secret?: boolean } = {}): Promise<void> {
    const args = ["config", "set", key, ...(opts.secret ? ["--secret"] : ["--plaintext"])];
    const result = await runCommand(path.join(this.cliDir, "pulumi"), args, {
      cwd: this.dir,
      env: this.env(),
      input: value,
      timeoutMs: 60_000,
    });
    if (result.code !== 0) {
      throw new CommandError(args, result);
    }
  }

  /** Destroys what is left (best effort) and removes the temp directory. Safe to call twice. */
  async cleanup(opts: { destroy?: boolean } = {}): Promise<void> {
    if (!fs.existsSync(this.root)) {
      return;
    }
    if (opts.destroy) {
      await this.destroy([], { allowFailure: true, timeoutMs: 120_000 });
    }
    if (this.options.keep || process.env.PULUMI_E2E_KEEP === "1") {
      console.error(`[e2e] kept ${this.root}`);
      return;
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
