// The emulator for one R2 case, as its own process (the built `alicloud-cert-emulator` command) with a state file:
// a fresh cloud per case, so that what one case's recovery did never counts in the next, and a process of its own,
// so that the kill watcher's polls of its request log never wait on R2's own event loop.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { FaultSpec, RequestLogEntry, Seed } from "../../emulator";

export interface CaseEmulatorOptions {
    readonly cliPath: string;
    readonly seed: Seed;
    readonly dir: string;
    readonly configuringMs: number;
}

export class CaseEmulator {
    private exited = false;
    private stdout = "";
    private stderr = "";

    private constructor(
        private readonly child: ChildProcess,
        readonly endpoint: string,
        readonly stateFile: string,
        banner: string,
    ) {
        this.stdout = banner;
        child.once("exit", () => (this.exited = true));
        child.stdout!.on("data", (d: string) => (this.stdout += d));
        child.stderr!.on("data", (d: string) => (this.stderr += d));
    }

    static async start(options: CaseEmulatorOptions): Promise<CaseEmulator> {
        const seedFile = path.join(options.dir, "seed.json");
        const stateFile = path.join(options.dir, "emulator-state.json");
        fs.writeFileSync(seedFile, JSON.stringify(options.seed));
        const child = spawn(
            process.execPath,
            [options.cliPath, "--host", "127.0.0.1", "--port", "0", "--seed", seedFile, "--state", stateFile, "--configuring-ms", String(options.configuringMs)],
            { stdio: ["ignore", "pipe", "pipe"] },
        );
        child.stdout!.setEncoding("utf8");
        child.stderr!.setEncoding("utf8");
        let early = "";
        let earlyErr = "";
        const onErr = (d: string) => (earlyErr += d);
        child.stderr!.on("data", onErr);
        const endpoint = await new Promise<string>((resolve, reject) => {
            const timer = setTimeout(() => fail(new Error("the emulator did not start within 30 s")), 30_000);
            const fail = (error: Error) => {
                clearTimeout(timer);
                child.kill("SIGKILL");
                reject(new Error(`${error.message}\n${earlyErr}`));
            };
            const onData = (d: string) => {
                early += d;
                const newline = early.indexOf("\n");
                if (newline < 0) return;
                clearTimeout(timer);
                child.stdout!.off("data", onData);
                child.off("exit", onExit);
                const match = /^listening on (http:\/\/\S+)$/.exec(early.slice(0, newline));
                if (match) resolve(match[1]!);
                else fail(new Error(`unexpected first line from the emulator: ${early.slice(0, newline)}`));
            };
            const onExit = (code: number | null) => fail(new Error(`the emulator exited with ${code} before listening`));
            child.stdout!.on("data", onData);
            child.once("exit", onExit);
        });
        child.stderr!.off("data", onErr);
        const emulator = new CaseEmulator(child, endpoint, stateFile, early);
        emulator.stderr = earlyErr;
        return emulator;
    }

    get hostPort(): string {
        return new URL(this.endpoint).host;
    }

    /** Its output so far: the banner (which prints the seeded key pairs by design) and anything after it. */
    output(): string {
        return `${this.stdout}${this.stderr ? `\n--- stderr ---\n${this.stderr}` : ""}`;
    }

    /** The state file as it is on disk (certificates and domains; never a private key). */
    stateText(): string {
        try {
            return fs.readFileSync(this.stateFile, "utf8");
        } catch {
            return "";
        }
    }

    async requests(): Promise<RequestLogEntry[]> {
        const response = await fetch(`${this.endpoint}/__emulator/requests`);
        if (!response.ok) throw new Error(`GET /__emulator/requests: ${response.status}`);
        return (await response.json()) as RequestLogEntry[];
    }

    async fault(spec: FaultSpec): Promise<void> {
        const response = await fetch(`${this.endpoint}/__emulator/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(spec) });
        if (!response.ok) throw new Error(`POST /__emulator/faults: ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
    }

    async clearFaults(): Promise<void> {
        const response = await fetch(`${this.endpoint}/__emulator/faults`, { method: "DELETE" });
        if (!response.ok) throw new Error(`DELETE /__emulator/faults: ${response.status}`);
        await response.arrayBuffer();
    }

    /** SIGTERM, SIGKILL if it lingers. */
    async stop(): Promise<void> {
        if (this.exited) return;
        const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
        this.child.kill("SIGTERM");
        const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
        await gone;
        clearTimeout(timer);
    }

    killNow(): void {
        if (!this.exited) this.child.kill("SIGKILL");
    }
}
