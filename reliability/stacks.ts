// What R1 (fault storm) and R3 (concurrent stacks) share: the emulator as a child process with a state file, the
// projects they deploy, the per-domain check with the official SDK, and the figures taken from the request log.
//
// Why not bench/emulator.ts's EmulatorProcess: it starts the command without `--state` and throws its stdout away,
// and R5 must search both the state file and the start-up banner. Its request-log summary is reused as it is.
import Cdn, * as $Cdn from "@alicloud/cdn20180510";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { X509Certificate } from "node:crypto";
import type { FaultSpec, RequestLogEntry, Seed } from "../emulator";
import { REQUEST_LOG_CAPACITY } from "../bench/emulator";
import { type Issued } from "../tests/support/certs";
import { PulumiProject, REPO_ROOT, type RunResult } from "../tests/support/pulumi";
import { testCdnClient, type SdkKeys } from "../tests/support/sdkClients";
import type { ProducedText, SecretUsed } from "./scenario";

export const EMULATOR_CLI = path.join(REPO_ROOT, "dist", "emulator", "cli.js");

/** Why the emulator's banner and state file hold the seeded access key secrets (R5 reports those hits apart). */
const BANNER_HOLDS_KEYS = "alicloud-cert-emulator prints the seeded accounts' key pairs at start (emulator/cli.ts describeAccounts)";
const STATE_HOLDS_KEYS = "the emulator keeps each account's secret to check signatures";

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

// ---------------------------------------------------------------------------------------------------------------
// The emulator

/**
 * A hook call on a connection of its own (`agent: false`): the emulator closes kept-alive connections idle for 10 s
 * without saying so, and a pooled connection taken in that instant is reset (the race tests/support/sdkClients.ts
 * describes). fetch cannot be told not to pool.
 */
function hookCall(endpoint: string, method: string, target: string, body?: unknown): Promise<string> {
    const url = new URL(target, endpoint);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
        const request = http.request(
            url,
            { method, agent: false, headers: payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }, timeout: 30_000 },
            (response) => {
                let text = "";
                response.setEncoding("utf8").on("data", (d: string) => (text += d));
                response.on("end", () => {
                    if ((response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300) resolve(text);
                    else reject(new Error(`${method} ${target}: ${response.statusCode} ${text}`));
                });
            },
        );
        request.on("timeout", () => request.destroy(new Error(`${method} ${target}: no answer in 30 s`)));
        request.on("error", reject);
        request.end(payload);
    });
}

export interface EmulatorChildOptions {
    /** Holds seed.json and state.json; the caller removes it. */
    readonly workDir: string;
    readonly seed: Seed;
    /** `MS` or `MIN-MAX` (a draw per change). */
    readonly configuringMs: string;
}

/** `node dist/emulator/cli.js --port 0 --seed FILE --state FILE`, with its output kept for R5. */
export class EmulatorChild {
    private exited = false;

    private constructor(
        private readonly child: ChildProcess,
        /** Everything it printed so far (the listeners started with the process keep adding to it). */
        private readonly output: { stdout: string; stderr: string },
        /** `http://127.0.0.1:PORT`. */
        readonly endpoint: string,
        readonly stateFile: string,
    ) {
        child.once("exit", () => (this.exited = true));
    }

    get stdout(): string {
        return this.output.stdout;
    }

    get stderr(): string {
        return this.output.stderr;
    }

    get hostPort(): string {
        return new URL(this.endpoint).host;
    }

    static async start(options: EmulatorChildOptions): Promise<EmulatorChild> {
        const seedFile = path.join(options.workDir, "seed.json");
        const stateFile = path.join(options.workDir, "state.json");
        fs.writeFileSync(seedFile, JSON.stringify(options.seed));
        // Rate limits stay on (the command's default): the documented limits are part of what is measured.
        const child = spawn(
            process.execPath,
            [EMULATOR_CLI, "--host", "127.0.0.1", "--port", "0", "--seed", seedFile, "--state", stateFile, "--configuring-ms", options.configuringMs],
            { stdio: ["ignore", "pipe", "pipe"] },
        );
        const output = { stdout: "", stderr: "" };
        // Drained for the whole life of the process, so that it never blocks on a full pipe.
        child.stdout!.setEncoding("utf8").on("data", (d: string) => (output.stdout += d));
        child.stderr!.setEncoding("utf8").on("data", (d: string) => (output.stderr += d));
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
            const timer = setTimeout(() => settle({ error: new Error("the emulator did not start within 30 s") }), 30_000);
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
        return new EmulatorChild(child, output, endpoint, stateFile);
    }

    async requests(): Promise<RequestLogEntry[]> {
        return JSON.parse(await hookCall(this.endpoint, "GET", "/__emulator/requests")) as RequestLogEntry[];
    }

    /** Clears the log, the faults and the rate-limit windows (not the domains). */
    async reset(): Promise<void> {
        await hookCall(this.endpoint, "POST", "/__emulator/reset");
    }

    async addFault(spec: FaultSpec): Promise<void> {
        await hookCall(this.endpoint, "POST", "/__emulator/faults", spec);
    }

    async clearFaults(): Promise<void> {
        await hookCall(this.endpoint, "DELETE", "/__emulator/faults");
    }

    /** SIGTERM (the command closes its server, hung connections included, and exits); SIGKILL if it lingers. */
    async stop(): Promise<void> {
        if (this.exited) return;
        const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
        this.child.kill("SIGTERM");
        const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
        await gone;
        clearTimeout(timer);
    }

    /** For an exit handler: synchronous. */
    killNow(): void {
        if (!this.exited) this.child.kill("SIGKILL");
    }

    /** Its banner, its stderr, its state file and the request log (as last read, when given), for R5's search. */
    produced(label: string, log?: readonly RequestLogEntry[]): ProducedText[] {
        const texts: ProducedText[] = [
            { source: `${label}: emulator stdout`, text: this.stdout, holdsAccountKeys: BANNER_HOLDS_KEYS },
            { source: `${label}: emulator stderr`, text: this.stderr },
        ];
        if (log !== undefined) texts.push({ source: `${label}: emulator request log`, text: JSON.stringify(log) });
        if (fs.existsSync(this.stateFile)) texts.push({ source: `${label}: emulator state file`, text: fs.readFileSync(this.stateFile, "utf8"), holdsAccountKeys: STATE_HOLDS_KEYS });
        return texts;
    }
}

/** A seed of one account with these CDN domains, all online. */
export function cdnSeed(keys: SdkKeys, domains: readonly string[]): Seed {
    return { accounts: [{ accessKeyId: keys.accessKeyId, accessKeySecret: keys.accessKeySecret, domains: domains.map((domainName) => ({ domainName, product: "cdn" as const })) }] };
}

// ---------------------------------------------------------------------------------------------------------------
// Projects

export interface StackOptions {
    readonly name: string;
    readonly program: string;
    readonly installDir: string;
    readonly issued: Issued;
    readonly keys: SdkKeys;
    readonly endpoint: string;
    /** Extra stack config (plain values), e.g. the number of domains. */
    readonly config: Readonly<Record<string, string>>;
    readonly timeoutMs: number;
}

/**
 * A project whose program reads `fullchain.pem` and `privkey.pem` from its directory (bench/programs.ts's way), with
 * the account's keys in stack config as a user sets them (the secret one as a secret) and the CDN endpoint on the
 * emulator.
 */
export async function certificateStack(options: StackOptions): Promise<PulumiProject> {
    const project = await PulumiProject.create({ program: options.program, installDir: options.installDir, name: options.name, timeoutMs: options.timeoutMs });
    fs.writeFileSync(path.join(project.dir, "fullchain.pem"), options.issued.chainPem);
    fs.writeFileSync(path.join(project.dir, "privkey.pem"), options.issued.key.pkcs8);
    await project.setConfig("alicloud:accessKey", options.keys.accessKeyId);
    await project.setConfig("alicloud:secretKey", options.keys.accessKeySecret, { secret: true });
    await project.setConfig("alicloud-certs:cdnEndpoint", options.endpoint);
    for (const [key, value] of Object.entries(options.config)) await project.setConfig(key, value);
    return project;
}

/** A CLI run's whole output, as a user's terminal shows it. */
export function cliOutput(result: RunResult): string {
    return `${result.stdout}\n${result.stderr}`;
}

/** `pulumi stack export` as text (secrets encrypted, as a user's backend holds it); undefined if it fails. */
export async function exportText(project: PulumiProject): Promise<string | undefined> {
    const result = await project.run(["stack", "export"], { allowFailure: true, timeoutMs: 60_000 });
    return result.code === 0 ? result.stdout : undefined;
}

/** The certificate's private key in both encodings a user may hold: what R5 must never find. */
export function keySecrets(label: string, issued: Issued): SecretUsed[] {
    return [
        { label: `private key of the ${label} certificate (PKCS#8)`, value: issued.key.pkcs8 },
        { label: `private key of the ${label} certificate (${issued.kind.startsWith("ec") ? "SEC1" : "PKCS#1"})`, value: issued.key.traditional },
    ];
}

/** Whether `text` names `domain` as a whole name (d1.bench.test is not named by d11.bench.test). */
export function names(text: string, domain: string): boolean {
    const escaped = domain.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(^|[^a-z0-9.-])${escaped}(?![a-z0-9-])`).test(text);
}

/** The lines of a CLI's output that mention throttling: each one is an error a user saw. */
export function throttlingLines(text: string): string[] {
    return text.split("\n").filter((line) => /throttl/i.test(line));
}

// ---------------------------------------------------------------------------------------------------------------
// What the domains serve, asked with the official SDK

export interface DomainView {
    /** DomainStatus from DescribeUserDomains (with CheckDomainShow=true); undefined when not listed. */
    readonly state?: string;
    /** ServerCertificateStatus: on / off. */
    readonly https?: string;
    /** SHA-256 of the served leaf, lowercase hex. */
    readonly fingerprint?: string;
    /** Set when the SDK could not read the domain. */
    readonly error?: string;
}

export function leafFingerprint(pem: string): string {
    return new X509Certificate(pem).fingerprint256.replace(/:/g, "").toLowerCase();
}

/** Spaces call starts `perSecond` apart at most, so the checker itself never meets the account's limits. */
function spacer(perSecond: number): () => Promise<void> {
    let next = 0;
    return async () => {
        const now = performance.now();
        const at = Math.max(now, next);
        next = at + 1000 / perSecond;
        await sleep(at - now);
    };
}

async function patiently<T>(call: () => Promise<T>): Promise<T> {
    // Only throttling is retried: the checker runs once the faults are cleared, and anything else is a finding.
    for (let attempt = 1; ; attempt++) {
        try {
            return await call();
        } catch (error) {
            const code = String((error as { code?: unknown }).code ?? "");
            if (!code.includes("Throttling") || attempt >= 5) throw error;
            await sleep(500 * attempt);
        }
    }
}

/**
 * Each domain's state (50 names per DescribeUserDomains call) and certificate (one DescribeDomainCertificateInfo
 * each), with the SDK beside the code under test. Paced at half the read limits: the run under test is over, but
 * another stack's may not be.
 */
export async function viewDomains(endpoint: string, keys: SdkKeys, domains: readonly string[]): Promise<Map<string, DomainView>> {
    const client: Cdn = testCdnClient(endpoint, keys);
    const states = new Map<string, string>();
    const listSlot = spacer(50);
    for (let i = 0; i < domains.length; i += 50) {
        const chunk = domains.slice(i, i + 50);
        await listSlot();
        const answer = await patiently(() =>
            client.describeUserDomains(new $Cdn.DescribeUserDomainsRequest({ domainName: chunk.join(","), domainSearchType: "full_match", checkDomainShow: true, pageSize: 50 })),
        );
        for (const entry of answer.body?.domains?.pageData ?? []) if (entry.domainName && entry.domainStatus) states.set(entry.domainName, entry.domainStatus);
    }
    const views = new Map<string, DomainView>();
    const readSlot = spacer(50);
    let index = 0;
    const worker = async () => {
        while (index < domains.length) {
            const domain = domains[index++]!;
            await readSlot();
            const state = states.get(domain);
            try {
                const answer = await patiently(() => client.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: domain })));
                const info = (answer.body?.certInfos?.certInfo ?? []).find((c) => c.domainName === domain);
                const pem = info?.serverCertificate;
                views.set(domain, {
                    ...(state === undefined ? {} : { state }),
                    ...(info?.serverCertificateStatus ? { https: info.serverCertificateStatus } : {}),
                    ...(pem ? { fingerprint: leafFingerprint(pem) } : {}),
                });
            } catch (error) {
                views.set(domain, { ...(state === undefined ? {} : { state }), error: `${(error as { code?: string }).code ?? ""} ${(error as Error).message}`.trim() });
            }
        }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return views;
}

/** Online and serving `fingerprint` with HTTPS on: what "converged" means for a domain. */
export function serves(view: DomainView | undefined, fingerprint: string): boolean {
    return view?.state === "online" && view.https === "on" && view.fingerprint === fingerprint;
}

// ---------------------------------------------------------------------------------------------------------------
// Figures from the request log

/** Whether the log filled up: its oldest entries are then gone and counts from it are low. */
export function logTruncated(entries: readonly RequestLogEntry[]): boolean {
    return entries.length >= REQUEST_LOG_CAPACITY;
}

/**
 * The most calls of each action the emulator saw arrive within any one second (a sliding window over the log's
 * arrival times, millisecond resolution), all answers counted, and counting only those not refused as throttled.
 */
export function peakPerSecond(entries: readonly RequestLogEntry[]): Map<string, { all: number; accepted: number }> {
    const byAction = new Map<string, { all: number[]; accepted: number[] }>();
    for (const entry of entries) {
        if (!entry.action) continue;
        const at = Date.parse(entry.time);
        if (!Number.isFinite(at)) continue;
        const times = byAction.get(entry.action) ?? { all: [], accepted: [] };
        times.all.push(at);
        if (!entry.code?.includes("Throttling")) times.accepted.push(at);
        byAction.set(entry.action, times);
    }
    const peak = (times: number[]) => {
        times.sort((a, b) => a - b);
        let best = 0;
        for (let lo = 0, hi = 0; hi < times.length; hi++) {
            // The window (t - 1000, t]: the emulator's limiter counts calls "in the last 1000 ms" the same way.
            while (times[lo]! <= times[hi]! - 1000) lo++;
            best = Math.max(best, hi - lo + 1);
        }
        return best;
    };
    const result = new Map<string, { all: number; accepted: number }>();
    for (const [action, times] of byAction) result.set(action, { all: peak(times.all), accepted: peak(times.accepted) });
    return result;
}

/** The first `max` items, then "and N more". */
export function listed(items: readonly string[], max = 8): string {
    return items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
