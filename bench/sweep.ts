// `npm run bench:sweep`: the rollout chart's figures. At each N of a list it measures, against the emulator at the
// documented limits, how long creating the rollout of one certificate to N CDN domains takes as one
// DomainCertificateGroup, as N DomainCertificate resources and as the two anchors' loops (anchors.ts), and computes
// the floor. It writes the figures to docs/rollout.json and draws them to docs/rollout.svg (chart.ts) after every
// N, so that a long sweep stopped half-way keeps what it measured; `npm run bench:chart` redraws from the JSON.
//
//   npm run bench:sweep -- --domains 10,50,100 --json /tmp/rollout.json    a trial, leaving docs/ alone
//   npm run bench:sweep -- --domains 10,50,100,500,1000,2000               the committed chart
//
// It measures creates only, each shape on its own stack over the same domains of one emulator per N (the domains
// serve the previous shape's certificate, so every create is a real one). Progress goes to stderr, the figures'
// table to stdout. Like `npm run bench`, it talks to 127.0.0.1 only and every command has a timeout.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Seed } from "../emulator";
import { issueCertificate, type Issued } from "../harness/certs";
import { pointAtEmulator } from "../harness/emulatorConfig";
import { EmulatorProcess } from "../harness/emulatorProcess";
import { locatePulumiCli } from "../harness/pulumiCli";
import { preparePackageInstall } from "../harness/packageInstall";
import { PulumiProject } from "../harness/project";
import { cdnClient, cdnServedCertificate, domainsNotServing, parallelAnchor, sequentialAnchor, type AnchorResult } from "./anchors";
import { leafFingerprint } from "../harness/certs";
import {
    FIGURES_VERSION,
    packageRolloutFloorSeconds,
    renderFiguresTable,
    renderRolloutChart,
    type Conditions,
    type Measurement,
    type RolloutFigures,
    type SweepPoint,
} from "./chart";
import { benchDomains, CERTIFICATES_PROGRAM, GROUP_PROGRAM } from "./programs";
import { BENCH_ACCOUNT as ACCOUNT, readFlags, runCommand, UsageError, wholeNumber } from "./command";
import { seconds } from "./table";

/** What --only names, and the shapes each measures. */
const PARTS = ["group", "per-domain", "loops"] as const;
type Part = (typeof PARTS)[number];

const USAGE = `Usage: npm run bench:sweep -- [options]

  --domains LIST        N to measure, comma-separated (default 10,50,100,500,1000,2000)
  --configuring-ms MS   how long a domain configures after a change (default 2000)
  --batch-size N        domains per BatchSetCdnDomainServerCertificate call (default 10, the provider's default)
  --per-domain-max N    measure N DomainCertificate resources only up to this N (default 2000, every N above);
                        above it the chart notes the point as not measured. The engine's per-step state writes
                        grow with N squared: on 2 cores one create of 2000 took 15 minutes, of 1000 five)
  --only LIST           measure only these of group,per-domain,loops (default all)
  --json FILE           where the figures go (default docs/rollout.json)
  --svg FILE            where the chart goes (default: the JSON's path with .svg)
  --keep                keep the temporary projects (their paths are printed)
  -h, --help            this text

Redraw the chart from a figures file without measuring: npm run bench:chart -- --from docs/rollout.json
`;

interface Options {
    readonly domains: readonly number[];
    readonly configuringMs: number;
    readonly batchSize: number;
    readonly perDomainMax: number;
    readonly parts: ReadonlySet<Part>;
    readonly json: string;
    readonly svg: string;
    readonly keep: boolean;
}

function parseOptions(argv: string[]): Options | undefined {
    const values = readFlags(argv, USAGE, {
        domains: { type: "string" },
        "configuring-ms": { type: "string" },
        "batch-size": { type: "string" },
        "per-domain-max": { type: "string" },
        only: { type: "string" },
        json: { type: "string" },
        svg: { type: "string" },
    });
    if (!values) return undefined;
    // Up to 3000, as run.ts allows a group: the emulator holds every domain in memory and answers for all of them.
    const domains = (values.domains ?? "10,50,100,500,1000,2000").split(",").map((raw) => {
        if (raw.trim() === "") throw new UsageError(`--domains must list whole numbers separated by commas; got ${values.domains}`);
        return wholeNumber(raw.trim(), 0, "each of --domains", 1, 3000);
    });
    if (new Set(domains).size !== domains.length) throw new UsageError(`--domains lists an N twice: ${values.domains}`);
    const parts = (values.only ?? PARTS.join(",")).split(",").map((raw) => raw.trim());
    for (const part of parts) if (!(PARTS as readonly string[]).includes(part)) throw new UsageError(`--only takes ${PARTS.join(", ")}; got ${part}`);
    const json = path.resolve(values.json ?? "docs/rollout.json");
    return {
        domains: [...domains].sort((a, b) => a - b),
        // The bench's default (run.ts says why 2 s): short enough for a run of minutes, long enough to poll.
        configuringMs: wholeNumber(values["configuring-ms"], 2000, "--configuring-ms", 0, 600_000),
        batchSize: wholeNumber(values["batch-size"], 10, "--batch-size", 1, 50),
        perDomainMax: wholeNumber(values["per-domain-max"], 2000, "--per-domain-max", 0, 3000),
        parts: new Set(parts as Part[]),
        json,
        svg: path.resolve(values.svg ?? `${json.replace(/\.json$/i, "")}.svg`),
        keep: !!values.keep,
    };
}

const sweepStarted = Date.now();

/** Progress on stderr, with the time since the sweep started, so that a reader sees how far a long sweep is. */
function log(message: string): void {
    const elapsed = Math.round((Date.now() - sweepStarted) / 1000);
    process.stderr.write(`[sweep ${Math.floor(elapsed / 60)}:${String(elapsed % 60).padStart(2, "0")}] ${message}\n`);
}

function machine(): string {
    const cpus = os.cpus();
    return `${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, ${os.type()} ${os.release()}`;
}

function pulumiVersion(cliDir: string): string {
    const out = spawnSync(path.join(cliDir, "pulumi"), ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
    return out.stdout.trim().replace(/^v/, "") || "unknown";
}

/** The certificate each shape deploys: its own, so that each create changes every domain. */
interface Certificates {
    readonly group: Issued;
    readonly perDomain: Issued;
    readonly terraformLoop: Issued;
    readonly sequentialLoop: Issued;
}

interface Context {
    readonly options: Options;
    readonly installDir: string;
    readonly certificates: Certificates;
    /** The points measured so far, smaller N first: a point left out says what the largest measured one cost. */
    readonly earlier: readonly SweepPoint[];
}

/** Measures every shape at one N, on a fresh emulator of N domains. */
async function measurePoint(context: Context, n: number, label: string): Promise<SweepPoint> {
    const { options, installDir, certificates, earlier } = context;
    const domains = benchDomains(n);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "pac-sweep-"));
    const seed: Seed = { accounts: [{ ...ACCOUNT, domains: domains.map((domainName) => ({ domainName, product: "cdn" as const })) }] };
    const emulator = await EmulatorProcess.start({ seed, workDir: work, configuringMs: options.configuringMs });
    const onExit = () => emulator.killNow();
    process.once("exit", onExit);
    const client = cdnClient(ACCOUNT, emulator.hostPort);
    // Commands scale with N; the bound only stops a run that hangs (run.ts's).
    const timeoutMs = 180_000 + n * 1_000;
    const floorSeconds = packageRolloutFloorSeconds(n, options.batchSize, options.configuringMs);
    log(`${label}: emulator ${emulator.endpoint}; floor ${seconds(floorSeconds)} (computed)`);

    /** One `pulumi up` creating the rollout on a stack of its own, then a read of every domain to check it. */
    const measureUp = async (shape: string, program: string, issued: Issued, upArgs: string[]): Promise<Measurement> => {
        const started = Date.now();
        const project = await PulumiProject.create({ program, installDir, name: `sweep-${shape}`, timeoutMs, keep: options.keep });
        try {
            fs.writeFileSync(path.join(project.dir, "fullchain.pem"), issued.chainPem);
            fs.writeFileSync(path.join(project.dir, "privkey.pem"), issued.key.pkcs8);
            await pointAtEmulator(project, emulator.endpoint, ACCOUNT);
            await project.setConfig("alicloud-certs:cdnBatchSize", String(options.batchSize));
            await project.setConfig("domains", String(n));
            // Clean rate-limit windows, as every phase of run.ts starts with.
            await emulator.hooks.reset();
            log(`${label} ${shape}: pulumi up ${upArgs.join(" ")}`.trimEnd());
            const result = await project.up(upArgs, { allowFailure: true });
            const took = () => milliseconds(Date.now() - started);
            if (result.code !== 0) {
                const output = `${result.stdout}\n${result.stderr}`.split("\n").slice(-30).join("\n");
                log(`${label} ${shape}: pulumi up failed; last output:\n${output}`);
                return {
                    missing: `pulumi up failed (exit ${result.code}${result.timedOut ? ", timed out" : ""}) after ${seconds(result.durationMs / 1000)}`,
                    tookSeconds: took(),
                };
            }
            // A rollout counts once every domain serves the certificate, whatever the command said.
            const missing = await domainsNotServing(
                cdnServedCertificate(client),
                domains,
                leafFingerprint(issued.chainPem),
                (n / 90) * 1000 + options.configuringMs + 10_000,
            );
            if (missing.length > 0) return { missing: `${missing.length} of ${n} domains did not serve it after pulumi up`, tookSeconds: took() };
            return { seconds: milliseconds(result.durationMs), tookSeconds: took() };
        } finally {
            await project.cleanup();
        }
    };

    /** An anchor's loop, timed from its first call to the last domain seen serving. */
    const measureLoop = async (shape: string, run: () => Promise<AnchorResult>): Promise<Measurement> => {
        const started = Date.now();
        await emulator.hooks.reset();
        log(`${label} ${shape}: ${n} SetCdnDomainSSLCertificate calls`);
        const result = await run();
        const tookSeconds = milliseconds(Date.now() - started);
        const never = result.failedDomains + result.unconfirmed;
        const calls = `${result.failedCalls} of ${result.calls} calls failed`;
        if (never > 0 || result.servedSeconds === undefined) return { missing: `${never} of ${n} domains never served (${calls})`, tookSeconds };
        return { seconds: milliseconds(result.servedSeconds * 1000), tookSeconds };
    };

    const report = (shape: string, m: Measurement) => {
        log(`${label} ${shape}: ${m.seconds !== undefined ? seconds(m.seconds) : `no figure: ${m.missing}`} (measuring took ${seconds(m.tookSeconds)})`);
        return m;
    };

    const stamp = `${Date.now().toString(36)}-${n}`;
    const point: { -readonly [K in keyof SweepPoint]: SweepPoint[K] } = { domains: n, floorSeconds };
    try {
        if (options.parts.has("group")) {
            // As run.ts measures a group: the engine's default --parallel, checkpoints on.
            point.group = report("group", await measureUp("group", GROUP_PROGRAM, certificates.group, []));
        }
        if (options.parts.has("per-domain")) {
            point.perDomain =
                n > options.perDomainMax
                    ? report("per-domain", { missing: perDomainLeftOut(options.perDomainMax, earlier) })
                    : // Every resource in flight, as the floor assumes and the bench's per-domain rows run.
                      report("per-domain", await measureUp("per-domain", CERTIFICATES_PROGRAM, certificates.perDomain, ["--parallel", String(n)]));
        }
        if (options.parts.has("loops")) {
            const loop = { client, domains, configuringMs: options.configuringMs };
            point.terraformLoop = report(
                "Terraform-style loop",
                await measureLoop("Terraform-style loop", () =>
                    parallelAnchor({ ...loop, certificate: files(certificates.terraformLoop), certName: `sweep-parallel-${stamp}` }),
                ),
            );
            // Every domain done configuring and the limit windows empty before the next loop, as run.ts waits.
            await sleep(options.configuringMs + 1_000);
            point.sequentialLoop = report(
                "acme.sh-style loop",
                await measureLoop("acme.sh-style loop", () =>
                    sequentialAnchor({ ...loop, certificate: files(certificates.sequentialLoop), certName: `sweep-sequential-${stamp}` }),
                ),
            );
        }
    } finally {
        await emulator.stop();
        process.off("exit", onExit);
        fs.rmSync(work, { recursive: true, force: true });
    }
    return point;
}

/** Why N DomainCertificates are not measured at this N, with what the largest measured N cost, when there is one. */
function perDomainLeftOut(max: number, earlier: readonly SweepPoint[]): string {
    const largest = [...earlier].reverse().find((p) => p.perDomain?.seconds !== undefined);
    const cost = largest
        ? `; at N = ${largest.domains} one create took ${seconds(largest.perDomain!.seconds)}, and the engine's per-resource state writes grow with N squared`
        : "";
    return `not measured: above --per-domain-max ${max}${cost}`;
}

/** Seconds to the millisecond: the clocks measure no finer, and the figures file stays readable. */
function milliseconds(ms: number): number {
    return Math.round(ms) / 1000;
}

function files(issued: Issued): { chainPem: string; keyPem: string } {
    return { chainPem: issued.chainPem, keyPem: issued.key.pkcs8 };
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The figures and their chart, written together so that the two never disagree. */
function write(options: Options, figures: RolloutFigures): void {
    fs.mkdirSync(path.dirname(options.json), { recursive: true });
    fs.writeFileSync(options.json, `${JSON.stringify(figures, null, 2)}\n`);
    fs.mkdirSync(path.dirname(options.svg), { recursive: true });
    fs.writeFileSync(options.svg, renderRolloutChart(figures));
}

async function main(): Promise<void> {
    const options = parseOptions(process.argv.slice(2));
    if (!options) return;
    const cli = locatePulumiCli();
    if (!cli.dir) throw new Error(cli.reason);
    let conditions: Conditions = {
        startedAt: new Date(sweepStarted).toISOString(),
        command: ["npm run bench:sweep --", ...process.argv.slice(2)].join(" "),
        configuringMs: options.configuringMs,
        batchSize: options.batchSize,
        machine: machine(),
        node: process.version,
        pulumi: pulumiVersion(cli.dir),
        loadBefore: os.loadavg().map((l) => Number(l.toFixed(2))),
    };
    log(
        `N = ${options.domains.join(", ")}; measuring ${[...options.parts].join(", ")}; configuring ${options.configuringMs} ms, batch size ${options.batchSize}`,
    );
    log(`${conditions.machine}; load average ${conditions.loadBefore.join("/")}; engine ${cli.dir}`);
    log("building and installing the packed package (reused when unchanged)");
    const installDir = await preparePackageInstall();
    log("issuing certificates");
    const issue = () => issueCertificate({ dnsNames: ["*.bench.test"], key: "ec256", notAfterDays: 90 });
    const certificates: Certificates = { group: await issue(), perDomain: await issue(), terraformLoop: await issue(), sequentialLoop: await issue() };

    const points: SweepPoint[] = [];
    for (const [i, n] of options.domains.entries()) {
        const label = `N=${n} (${i + 1} of ${options.domains.length})`;
        const pointStarted = Date.now();
        points.push(await measurePoint({ options, installDir, certificates, earlier: points }, n, label));
        write(options, { version: FIGURES_VERSION, conditions, points });
        log(
            `${label}: done in ${seconds((Date.now() - pointStarted) / 1000)}; wrote ${path.relative(process.cwd(), options.json)} and ${path.relative(process.cwd(), options.svg)}`,
        );
    }
    conditions = { ...conditions, finishedAt: new Date().toISOString(), loadAfter: os.loadavg().map((l) => Number(l.toFixed(2))) };
    const figures: RolloutFigures = { version: FIGURES_VERSION, conditions, points };
    write(options, figures);
    process.stdout.write(
        `\n${renderFiguresTable(figures)}\n\n${conditions.command}; ${conditions.machine}; started ${conditions.startedAt}, finished ${conditions.finishedAt}; load average ${conditions.loadBefore.join("/")} before, ${conditions.loadAfter!.join("/")} after.\n`,
    );
}

runCommand("bench:sweep", USAGE, main);
