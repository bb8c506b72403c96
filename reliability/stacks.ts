// What R1 (fault storm), R2 (crash) and R3 (concurrent stacks) share: what the emulator process printed and kept,
// for R5; the projects they deploy, the per-domain check with the official SDK, and the figures taken from the
// request log (bench/emulator.ts's summary, reused as it is).
import type Cdn from "@alicloud/cdn20180510";
import * as $Cdn from "@alicloud/cdn20180510";
import * as fs from "node:fs";
import * as path from "node:path";
import { X509Certificate } from "node:crypto";
import type { RequestLogEntry, Seed } from "../emulator";
import type { EmulatorProcess } from "../harness/emulatorProcess";
import { REQUEST_LOG_CAPACITY } from "../bench/emulator";
import type { Issued } from "../harness/certs";
import { PulumiProject } from "../harness/project";
import type { RunResult } from "../harness/commands";
import { testCdnClient, type SdkKeys } from "../harness/sdkClients";
import type { ProducedText, SecretUsed } from "./scenario";
import { pointAtEmulator } from "../harness/emulatorConfig";

/** Why the emulator's banner and state file hold the seeded access key secrets (R5 reports those hits apart). */
export const BANNER_HOLDS_KEYS = "alicloud-cert-emulator prints the seeded accounts' key pairs at start (emulator/cli.ts describeAccounts)";
export const STATE_HOLDS_KEYS = "the emulator keeps each account's secret to check signatures";

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

// ---------------------------------------------------------------------------------------------------------------
// The emulator

/** Its banner, its stderr, its state file and the request log (as last read, when given), for R5's search. */
export function emulatorTexts(emulator: EmulatorProcess, label: string, log?: readonly RequestLogEntry[]): ProducedText[] {
    const texts: ProducedText[] = [
        { source: `${label}: emulator stdout`, text: emulator.stdout, holdsAccountKeys: BANNER_HOLDS_KEYS },
        { source: `${label}: emulator stderr`, text: emulator.stderr },
    ];
    if (log !== undefined) texts.push({ source: `${label}: emulator request log`, text: JSON.stringify(log) });
    if (emulator.stateFile !== undefined && fs.existsSync(emulator.stateFile)) {
        texts.push({ source: `${label}: emulator state file`, text: fs.readFileSync(emulator.stateFile, "utf8"), holdsAccountKeys: STATE_HOLDS_KEYS });
    }
    return texts;
}

/** A seed of one account with these CDN domains, all online. */
export function cdnSeed(keys: SdkKeys, domains: readonly string[]): Seed {
    return {
        accounts: [
            {
                accessKeyId: keys.accessKeyId,
                accessKeySecret: keys.accessKeySecret,
                domains: domains.map((domainName) => ({ domainName, product: "cdn" as const })),
            },
        ],
    };
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
    await pointAtEmulator(project, options.endpoint, options.keys);
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
            client.describeUserDomains(
                new $Cdn.DescribeUserDomainsRequest({ domainName: chunk.join(","), domainSearchType: "full_match", checkDomainShow: true, pageSize: 50 }),
            ),
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
                const answer = await patiently(() =>
                    client.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: domain })),
                );
                const info = (answer.body?.certInfos?.certInfo ?? []).find((c) => c.domainName === domain);
                const pem = info?.serverCertificate;
                views.set(domain, {
                    ...(state === undefined ? {} : { state }),
                    ...(info?.serverCertificateStatus ? { https: info.serverCertificateStatus } : {}),
                    ...(pem ? { fingerprint: leafFingerprint(pem) } : {}),
                });
            } catch (error) {
                views.set(domain, {
                    ...(state === undefined ? {} : { state }),
                    error: `${(error as { code?: string }).code ?? ""} ${(error as Error).message}`.trim(),
                });
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
