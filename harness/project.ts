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
// @pulumi/pulumi/automation runs what is set up around the program: the workspace (Pulumi.yaml from the project's
// settings, `stack init`), the config (`config set`, `config set-all`), the outputs and `stack import`. The commands
// that run the program, and `stack export`, stay on the harness's own runner (commands.ts), for what automation's
// Stack.up/preview/refresh/destroy/import and exportStack do not give their callers:
// - A timeout ends the CLI and every plugin and program it started (their process group). Automation's `signal`
//   sends SIGINT to the CLI alone, which then waits for the operations in flight, a hung provider's included.
// - A failed command is a result, not only an error: the tests (allowFailure), the bench and R1-R3 read its exit
//   code, which automation keeps in a private field of its CommandError.
// - The bench and R1 time the command itself; automation's up, refresh and destroy also run `stack output` twice
//   and `stack history` before they return.
// - The callers pass the CLI's flags (`preview --config`, `-v=5 --logtostderr`, which automation's options lack or
//   spell otherwise) and, for one command, an environment of its own (the verbose test's TMPDIR).
// - Automation's exportStack always passes --show-secrets; the tests assert that the state holds secrets only as
//   ciphertext, as `pulumi stack export` prints it.
// R2 (reliability/r2/cli.ts) starts commands itself, with the project's directory and environment, to kill them.
//
// Why a symlinked node_modules works: Node resolves `require()` through the symlink and then uses the real path, so
// the program, the runner and the dynamic provider all load the one copy of @pulumi/pulumi in the shared install.
// The engine starts the dynamic provider (pulumi-resource-pulumi-nodejs) with the project directory as its working
// directory, and that provider resolves the modules named in `__provider` (`require("pulumi-alicloud-certs/runtime")`)
// from its working directory, hence through the same symlink.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, Stack, type ConfigMap, type Deployment } from "@pulumi/pulumi/automation";
import { runCommand, type RunResult } from "./commands";
import { locatePulumiCli } from "./pulumiCli";
import { pulumiCommand } from "./pulumiCommand";

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

export class PulumiProject {
    readonly dir: string;
    readonly stateDir: string;
    readonly homeDir: string;
    /** Every command run (by automation or by the runner), for measurements and for debugging a failed test. */
    readonly history: Array<{ args: string[]; ok: boolean; durationMs: number }> = [];
    private workspaceStack: Stack | undefined;

    private constructor(
        /** The temp directory holding the project (`dir`), its state and its PULUMI_HOME. */
        readonly root: string,
        readonly cliDir: string,
        readonly stack: string,
        private readonly options: ProjectOptions,
    ) {
        this.dir = path.join(root, "project");
        this.stateDir = path.join(root, "state");
        this.homeDir = path.join(root, "home");
        for (const d of [this.dir, this.stateDir, this.homeDir]) {
            fs.mkdirSync(d, { recursive: true });
        }
    }

    /** Creates the project directory, links node_modules, writes the program, and runs `pulumi stack init`. */
    static async create(options: ProjectOptions): Promise<PulumiProject> {
        const cliDir = options.cliDir ?? locatePulumiCli().dir;
        if (!cliDir) {
            throw new Error(locatePulumiCli().reason);
        }
        const project = new PulumiProject(fs.mkdtempSync(path.join(os.tmpdir(), "pac-e2e-")), cliDir, options.stack ?? "dev", options);
        const name = options.name ?? "e2e";
        fs.writeFileSync(path.join(project.dir, "package.json"), JSON.stringify({ name, private: true, main: "index.ts" }, null, 2));
        project.useInstall(options.installDir);
        project.writeProgram(options.program);
        const workspace = await LocalWorkspace.create({
            workDir: project.dir,
            pulumiHome: project.homeDir,
            envVars: project.workspaceEnv(),
            pulumiCommand: await pulumiCommand(cliDir),
            projectSettings: { name, runtime: "nodejs", description: "e2e test program" },
        });
        project.workspaceStack = await project.timed(["stack", "init", project.stack], () => Stack.create(project.stack, workspace));
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

    /**
     * env() for automation's commands. Automation lays its envVars over this process's environment (execa's
     * extendEnv), so a scrubbed variable is removed by naming it without a value, which child_process leaves out.
     */
    private workspaceEnv(): Record<string, string> {
        const removed = Object.keys(process.env).filter((k) => SCRUBBED_ENV.test(k));
        return { ...Object.fromEntries(removed.map((k) => [k, undefined])), ...this.env() } as Record<string, string>;
    }

    private get pulumiStack(): Stack {
        if (!this.workspaceStack) {
            throw new Error("the project's stack is made by PulumiProject.create");
        }
        return this.workspaceStack;
    }

    /** Runs one of automation's calls, recording it in `history` as the command it runs. */
    private async timed<T>(args: string[], call: () => Promise<T>): Promise<T> {
        const started = Date.now();
        let ok = false;
        try {
            const result = await call();
            ok = true;
            return result;
        } finally {
            this.history.push({ args, ok, durationMs: Date.now() - started });
        }
    }

    /** Runs `pulumi <args>` in the project directory. Throws CommandError on failure unless allowFailure. */
    async run(args: string[], opts: CommandOptions = {}): Promise<RunResult> {
        const result = await runCommand(path.join(this.cliDir, "pulumi"), args, {
            cwd: this.dir,
            env: this.env(opts.env),
            timeoutMs: opts.timeoutMs ?? this.options.timeoutMs ?? Number(process.env.PULUMI_E2E_TIMEOUT_MS ?? 180_000),
        });
        const ok = result.code === 0 && !result.timedOut;
        this.history.push({ args, ok, durationMs: result.durationMs });
        if (!ok && !opts.allowFailure) {
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

    /** `pulumi stack export`, parsed, its secrets encrypted. */
    async exportStack(): Promise<Deployment> {
        const res = await this.run(["stack", "export"]);
        return JSON.parse(res.stdout);
    }

    /** `pulumi stack import` of a deployment (as returned by exportStack). */
    async importStack(deployment: Deployment): Promise<void> {
        await this.timed(["stack", "import"], () => this.pulumiStack.importStack(deployment));
    }

    /** The stack outputs (a secret one as `[secret]`, as `pulumi stack output` prints it, unless showSecrets). */
    async outputs(showSecrets = false): Promise<Record<string, unknown>> {
        const outputs = await this.timed(["stack", "output"], () => this.pulumiStack.outputs());
        return Object.fromEntries(Object.entries(outputs).map(([key, { value, secret }]) => [key, secret && !showSecrets ? "[secret]" : value]));
    }

    /** `pulumi config set [--secret] key value`. */
    async setConfig(key: string, value: string, opts: { secret?: boolean } = {}): Promise<void> {
        await this.timed(["config", "set", key], () => this.pulumiStack.setConfig(key, { value, secret: opts.secret ?? false }));
    }

    /** `pulumi config set-all`: several keys in one command. */
    async setAllConfig(config: ConfigMap): Promise<void> {
        await this.timed(["config", "set-all", ...Object.keys(config)], () => this.pulumiStack.setAllConfig(config));
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
