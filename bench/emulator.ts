// The emulator for the benchmark, in its own Node process (the built `alicloud-cert-emulator` command): its request
// handling then never competes with the benchmark's own event loop (the memory sampler, the anchors' observer),
// and a pulumi child process is never left waiting on an emulator that shares a busy loop.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RequestLogEntry, Seed } from "../emulator";
import { cpuSecondsOf } from "./memory";

export interface EmulatorProcessOptions {
    /** The built command (dist/emulator/cli.js). */
    readonly cliPath: string;
    readonly seed: Seed;
    /** Where to write the seed file (the command reads accounts from a file). */
    readonly workDir: string;
    /** A number of milliseconds, or `MIN-MAX` for a draw per change. */
    readonly configuringMs: number | string;
    /** Milliseconds to wait for the `listening on` line. */
    readonly startTimeoutMs?: number;
}

/** The emulator's request log is capped (emulator/requestLog.ts); a phase that fills it cannot be counted. */
export const REQUEST_LOG_CAPACITY = 10_000;

export class EmulatorProcess {
    private exited = false;

    private constructor(
        private readonly child: ChildProcess,
        /** `http://127.0.0.1:PORT`. */
        readonly endpoint: string,
    ) {
        child.once("exit", () => (this.exited = true));
    }

    /** `127.0.0.1:PORT`, what the SDK's Config.endpoint takes. */
    get hostPort(): string {
        return new URL(this.endpoint).host;
    }

    get pid(): number | undefined {
        return this.child.pid;
    }

    static async start(options: EmulatorProcessOptions): Promise<EmulatorProcess> {
        const seedFile = path.join(options.workDir, "seed.json");
        fs.writeFileSync(seedFile, JSON.stringify(options.seed));
        // Rate limits are on by default in the command: the benchmark is about the documented limits.
        const child = spawn(
            process.execPath,
            [options.cliPath, "--host", "127.0.0.1", "--port", "0", "--seed", seedFile, "--configuring-ms", String(options.configuringMs)],
            { stdio: ["ignore", "pipe", "pipe"] },
        );
        const endpoint = await new Promise<string>((resolve, reject) => {
            let stdout = "";
            let stderr = "";
            const timer = setTimeout(() => fail(new Error(`the emulator did not start within ${options.startTimeoutMs ?? 30_000} ms`)), options.startTimeoutMs ?? 30_000);
            const fail = (error: Error) => {
                clearTimeout(timer);
                child.kill("SIGKILL");
                reject(new Error(`${error.message}\n${stderr}`));
            };
            child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
            child.stdout!.setEncoding("utf8").on("data", function onData(d: string) {
                stdout += d;
                const first = stdout.split("\n", 2);
                if (first.length < 2) return;
                const match = /^listening on (http:\/\/\S+)$/.exec(first[0]!);
                clearTimeout(timer);
                child.stdout!.off("data", onData);
                // Keep draining stdout so the child never blocks on a full pipe.
                child.stdout!.resume();
                if (match) resolve(match[1]!);
                else fail(new Error(`unexpected first line from the emulator: ${first[0]}`));
            });
            child.once("error", fail);
            child.once("exit", (code) => fail(new Error(`the emulator exited with ${code} before listening`)));
        });
        return new EmulatorProcess(child, endpoint);
    }

    /** CPU seconds the emulator has used so far (Linux), to tell its share of a phase on a small machine. */
    cpuSeconds(): number | undefined {
        return this.child.pid === undefined ? undefined : cpuSecondsOf(this.child.pid);
    }

    /** The request log since the last reset (names and outcomes only). */
    async requests(): Promise<RequestLogEntry[]> {
        const response = await fetch(`${this.endpoint}/__emulator/requests`);
        if (!response.ok) throw new Error(`GET /__emulator/requests: ${response.status}`);
        return (await response.json()) as RequestLogEntry[];
    }

    /** Clears the log, the faults and the rate-limit windows (not the domains): each phase starts clean. */
    async reset(): Promise<void> {
        const response = await fetch(`${this.endpoint}/__emulator/reset`, { method: "POST" });
        if (!response.ok) throw new Error(`POST /__emulator/reset: ${response.status}`);
        await response.arrayBuffer();
    }

    /** SIGTERM (the command closes its server and exits), SIGKILL if it lingers. */
    async stop(): Promise<void> {
        if (this.exited) return;
        const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
        this.child.kill("SIGTERM");
        const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
        await gone;
        clearTimeout(timer);
    }

    /** For an exit handler: synchronous, best effort. */
    killNow(): void {
        if (!this.exited) this.child.kill("SIGKILL");
    }
}

/** What one phase did on the wire, from the request log. */
export interface CallSummary {
    readonly total: number;
    readonly byAction: Record<string, number>;
    /** Answers with an error code, by code. */
    readonly errors: Record<string, number>;
    readonly throttled: number;
    /** Domains carried by batch calls, and the most in one call. */
    readonly batchDomains: number;
    readonly largestBatch: number;
    readonly truncated: boolean;
    /** Wall-clock times (epoch ms) of the first and last request, when there were any. */
    readonly firstAt?: number;
    readonly lastAt?: number;
}

export function summarize(entries: readonly RequestLogEntry[]): CallSummary {
    const byAction: Record<string, number> = {};
    const errors: Record<string, number> = {};
    let throttled = 0;
    let batchDomains = 0;
    let largestBatch = 0;
    for (const entry of entries) {
        const action = entry.action ?? "(none)";
        byAction[action] = (byAction[action] ?? 0) + 1;
        if (entry.code) {
            errors[entry.code] = (errors[entry.code] ?? 0) + 1;
            if (entry.code.includes("Throttling")) throttled++;
        }
        if (action === "BatchSetCdnDomainServerCertificate" && !entry.code) {
            batchDomains += entry.domains.length;
            largestBatch = Math.max(largestBatch, entry.domains.length);
        }
    }
    const times = entries.map((e) => Date.parse(e.time)).filter((t) => Number.isFinite(t));
    return {
        total: entries.length,
        byAction,
        errors,
        throttled,
        batchDomains,
        largestBatch,
        truncated: entries.length >= REQUEST_LOG_CAPACITY,
        ...(times.length > 0 ? { firstAt: Math.min(...times), lastAt: Math.max(...times) } : {}),
    };
}
