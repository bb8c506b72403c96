// The emulator as its own Node process: the built `alicloud-cert-emulator` command (dist/emulator/cli.js), as a
// user runs it. The benchmark and the reliability scenarios use it so that the emulator's request handling never
// competes with their own event loop (samplers, observers, a storm of 50 clients), and so that a scenario can read
// what the command prints and writes (R5 searches its banner, its stderr and its state file). Its hooks are the
// same client the tests use (emulatorHooks.ts).
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Seed } from "../emulator";
import { EmulatorHooks } from "./emulatorHooks";
import { REPO_ROOT } from "./repository";

export const EMULATOR_CLI = path.join(REPO_ROOT, "dist", "emulator", "cli.js");

export interface EmulatorProcessOptions {
    /** Holds seed.json (the command reads accounts from a file) and, with `stateFile`, state.json. */
    readonly workDir: string;
    readonly seed: Seed;
    /** A number of milliseconds, or `MIN-MAX` for a draw per change. */
    readonly configuringMs: number | string;
    /** Keep the cloud in `<workDir>/state.json` (`--state`). Default false. */
    readonly stateFile?: boolean;
    /** `--random-seed`: the emulator's draws (configuring times, fault probabilities) from this seed. */
    readonly randomSeed?: number;
    /** The built command; default dist/emulator/cli.js of this checkout. */
    readonly cliPath?: string;
    /** Milliseconds to wait for the `listening on` line. Default 30 s. */
    readonly startTimeoutMs?: number;
}

export class EmulatorProcess {
    /** How it ended (`exit code 0`, `exit code null, signal SIGKILL`), once it has. */
    exit?: string;

    private constructor(
        private readonly child: ChildProcess,
        /** Everything it printed so far: its pipes are drained for its whole life, so it never blocks on one. */
        private readonly output: { stdout: string; stderr: string },
        /** `http://127.0.0.1:PORT`. */
        readonly endpoint: string,
        /** `<workDir>/state.json` when started with `stateFile`. */
        readonly stateFile: string | undefined,
    ) {
        this.hooks = new EmulatorHooks(endpoint);
    }

    /** Its test hooks (the request log, faults, reset). */
    readonly hooks: EmulatorHooks;

    static async start(options: EmulatorProcessOptions): Promise<EmulatorProcess> {
        const seedFile = path.join(options.workDir, "seed.json");
        const stateFile = options.stateFile ? path.join(options.workDir, "state.json") : undefined;
        fs.writeFileSync(seedFile, JSON.stringify(options.seed));
        // Rate limits stay on (the command's default): the documented limits are part of what is measured.
        const args = [
            options.cliPath ?? EMULATOR_CLI,
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--seed",
            seedFile,
            "--configuring-ms",
            String(options.configuringMs),
        ];
        if (stateFile) args.push("--state", stateFile);
        if (options.randomSeed !== undefined) args.push("--random-seed", String(options.randomSeed));
        const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
        const output = { stdout: "", stderr: "" };
        child.stdout!.setEncoding("utf8").on("data", (d: string) => (output.stdout += d));
        child.stderr!.setEncoding("utf8").on("data", (d: string) => (output.stderr += d));
        const timeoutMs = options.startTimeoutMs ?? 30_000;
        const endpoint = await new Promise<string>((resolve, reject) => {
            // Settled once: the exit listener stays on the process, and its later, ordinary exit is no failure.
            let settled = false;
            const settle = (outcome: { endpoint: string } | { error: Error }) => {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                clearInterval(poll);
                if ("endpoint" in outcome) return resolve(outcome.endpoint);
                child.kill("SIGKILL");
                reject(new Error(`${outcome.error.message}\n${output.stderr}`));
            };
            const timer = setTimeout(() => settle({ error: new Error(`the emulator did not start within ${timeoutMs} ms`) }), timeoutMs);
            // The first line is exactly `listening on http://HOST:PORT` (emulator/cli.ts).
            const poll = setInterval(() => {
                const newline = output.stdout.indexOf("\n");
                if (newline < 0) return;
                const first = output.stdout.slice(0, newline);
                const match = /^listening on (http:\/\/\S+)$/.exec(first);
                settle(match ? { endpoint: match[1]! } : { error: new Error(`unexpected first line from the emulator: ${first}`) });
            }, 20);
            child.once("error", (error) => settle({ error }));
            child.once("exit", (code) => settle({ error: new Error(`the emulator exited with ${code} before listening`) }));
        });
        const emulator = new EmulatorProcess(child, output, endpoint, stateFile);
        // Attached in the same turn as the answer: no exit event can come between.
        child.once("exit", (code, signal) => (emulator.exit = `exit code ${code}${signal ? `, signal ${signal}` : ""}`));
        return emulator;
    }

    /** `127.0.0.1:PORT`, what the SDK's Config.endpoint takes. */
    get hostPort(): string {
        return new URL(this.endpoint).host;
    }

    get port(): number {
        return Number(new URL(this.endpoint).port);
    }

    get pid(): number | undefined {
        return this.child.pid;
    }

    get stdout(): string {
        return this.output.stdout;
    }

    get stderr(): string {
        return this.output.stderr;
    }

    /** SIGTERM (the command closes its server, hung connections included, and exits); SIGKILL if it lingers. */
    async stop(): Promise<string | undefined> {
        if (this.exit === undefined) {
            const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
            this.child.kill("SIGTERM");
            const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
            await gone;
            clearTimeout(timer);
        }
        return this.exit;
    }

    /** For an exit handler: synchronous, best effort. */
    killNow(): void {
        if (this.exit === undefined) this.child.kill("SIGKILL");
    }
}
