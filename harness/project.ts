// One Pulumi project with its own state and PULUMI_HOME, in a temp directory: Pulumi.yaml, the program as a string
// (index.ts), a node_modules link to a shared install (packageInstall.ts) and a local file backend. Each test, bench
// phase or reliability scenario drives the real CLI through one, as Pulumi's own dynamic-provider tests do (up, an
// empty up with --expect-no-changes, refresh, preview, export, destroy).
//
//   const project = await PulumiProject.create({ installDir: await preparePackageInstall(), program });
//   await pointAtEmulator(project, emulator.endpoint, keys);
//   await project.up();
//   await project.up(["--expect-no-changes"]);
//   await project.cleanup({ destroy: true });
//
// Why a symlinked node_modules works: Node resolves `require()` through the symlink and then uses the real path, so
// the program, the runner and the dynamic provider all load the one copy of @pulumi/pulumi in the shared install.
// The engine starts the dynamic provider (pulumi-resource-pulumi-nodejs) with the project directory as its working
// directory, and that provider resolves the modules named in `__provider` (`require("pulumi-alicloud-certs/runtime")`)
// from its working directory, hence through the same symlink.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCommand, type RunResult } from "./commands";
import { locatePulumiCli } from "./pulumiCli";

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

// Credentials of a developer's shell must never reach a test program: a project talks to the emulator only.
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
