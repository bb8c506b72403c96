// `npm run bench`: how long the package takes to put one certificate on N CDN domains, against the emulator at the
// documented per-account limits, next to the floor those limits allow and next to the ways today's tools do it.
// Prints one table (Markdown, for the README) and a few lines of context on stdout, progress on stderr; the only
// files it writes into the repository are the chart's (below).
//
//   npm run bench                          N = 500, configuring time 2000 ms (about 12 minutes on 2 cores)
//   npm run bench -- --domains 50          or BENCH_DOMAINS=50
//   npm run bench -- --configuring-ms 10000 --batch-size 10 --parallel 64 --skip-variants --keep
//
// After the table it draws the chart of rollout time against N (docs/rollout.svg, from docs/rollout.json): it runs
// the sweep (sweep.ts, also `npm run bench:sweep`) over --chart-domains at the same configuring time and batch size,
// about 20 more minutes on 2 cores; --skip-chart leaves the committed chart alone.
//
// Every process it starts (the emulator, the pulumi commands) talks to 127.0.0.1 only, every pulumi command has a
// timeout, and the run ends by itself.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Seed } from "../emulator";
import { issueCertificate, type Issued } from "../harness/certs";
import { locatePulumiCli } from "../harness/pulumiCli";
import { preparePackageInstall } from "../harness/packageInstall";
import { PulumiProject } from "../harness/project";
import type { RunResult } from "../harness/commands";
import {
    cdnClient,
    cdnServedCertificate,
    dcdnClient,
    dcdnServedCertificate,
    domainsNotServing,
    parallelAnchor,
    sequentialAnchor,
    type AnchorResult,
    type CertificateFiles,
    type ServedCertificateRead,
} from "./anchors";
import { leafFingerprint } from "../harness/certs";
import { EmulatorProcess } from "../harness/emulatorProcess";
import { summarize } from "./emulator";
import { cpuSecondsOf, ProjectProcessSampler, type Usage } from "./memory";
import { benchDomains, CERTIFICATES_PROGRAM, DCDN_GROUP_PROGRAM, dcdnBenchDomains, GROUP_PROGRAM, NO_OP_PROGRAM } from "./programs";
import { callSpan, dcdnBatchSize, describeCalls, describeUsage, engineDefaultParallel, PHASE, renderReport, type Phase } from "./report";
import { BENCH_ACCOUNT as ACCOUNT, readFlags, runCommand, UsageError, wholeNumber } from "./command";
import { seconds } from "./table";
import { pointAtEmulator } from "../harness/emulatorConfig";

const USAGE = `Usage: npm run bench -- [options]

  --domains N          CDN domains (default 500, or BENCH_DOMAINS)
  --configuring-ms MS  how long a domain configures after a change (default 2000, or BENCH_CONFIGURING_MS)
  --batch-size N       domains per BatchSetCdnDomainServerCertificate call, passed to the provider as
                       alicloud-certs:cdnBatchSize (default 10, the provider's default)
  --parallel P         pulumi --parallel for the measured commands (default N: every resource in flight,
                       as the floor assumes)
  --skip-variants      skip the runs that explain the engine's share: up with PULUMI_SKIP_CHECKPOINTS=true,
                       and a rotation and a refresh at the engine's default --parallel
  --skip-anchors       measure the package only
  --realistic-ms MIN-MAX
                       configuring times of the realistic rollout, drawn per domain (default 60000-180000)
  --skip-realistic     skip the realistic rollout (a create of N at minutes of configuring each)
  --skip-groups        skip the rollout of the same N domains as one DomainCertificateGroup (and the DCDN group)
  --skip-dcdn          skip the DCDN group: N DCDN domains as one DcdnDomainCertificateGroup, created, rotated and
                       refreshed after the CDN group
  --only-groups        only the groups' create, rotation and refresh (allows N up to 3000: a group phase makes
                       about 3 calls per domain, within the emulator's request log)
  --chart-domains LIST the N of the rollout chart drawn after the table (default 10,50,100,500,1000,2000)
  --skip-chart         do not run the sweep that writes docs/rollout.json and docs/rollout.svg
  --keep               keep the temporary projects (their paths are printed)
  -h, --help           this text

BENCH_LOG_DIR=DIR writes each phase's request log (action, domains, outcome, time; no values) to DIR.
`;

interface Options {
    readonly domains: number;
    readonly configuringMs: number;
    readonly batchSize: number;
    readonly parallel: number;
    readonly variants: boolean;
    readonly anchors: boolean;
    readonly keep: boolean;
    readonly groups: boolean;
    /** The DCDN group beside the CDN group. */
    readonly dcdn: boolean;
    /** Only the group phases. */
    readonly onlyGroups: boolean;
    /** The realistic rollout's configuring times, or undefined to skip it. */
    readonly realistic?: { readonly min: number; readonly max: number };
    /** The N the chart's sweep measures after the table, or undefined to leave the chart as it is. */
    readonly chartDomains?: string;
}

function parseOptions(argv: string[]): Options | undefined {
    const values = readFlags(argv, USAGE, {
        domains: { type: "string" },
        "configuring-ms": { type: "string" },
        "batch-size": { type: "string" },
        parallel: { type: "string" },
        "skip-variants": { type: "boolean" },
        "skip-anchors": { type: "boolean" },
        "realistic-ms": { type: "string" },
        "skip-realistic": { type: "boolean" },
        "skip-groups": { type: "boolean" },
        "skip-dcdn": { type: "boolean" },
        "only-groups": { type: "boolean" },
        "chart-domains": { type: "string" },
        "skip-chart": { type: "boolean" },
    });
    if (!values) return undefined;
    // At most 1500: the emulator's request log keeps 10 000 entries, and a phase (up to ~6 calls per domain) must
    // fit in it to be counted.
    const onlyGroups = !!values["only-groups"];
    const domains = wholeNumber(values.domains ?? process.env.BENCH_DOMAINS, 500, "--domains", 1, onlyGroups ? 3000 : 1500);
    return {
        domains,
        // Alibaba documents no propagation time. 2 s is long enough that every change is seen configuring and the
        // confirmation has to poll, and short enough for a run of minutes. It is also the hard case for the targets:
        // the floor holds exactly one configuring time, so a longer one adds about the same constant to the measured
        // time and to the floor and pulls every ratio towards 1. Raise it to see a slower cloud.
        configuringMs: wholeNumber(values["configuring-ms"] ?? process.env.BENCH_CONFIGURING_MS, 2000, "--configuring-ms", 0, 600_000),
        batchSize: wholeNumber(values["batch-size"], 10, "--batch-size", 1, 50),
        // The engine runs at most 4 x GOMAXPROCS resource operations at once by default (8 on a 2-core machine). A
        // create here waits for its domain to finish configuring, so that cap, not the API limits, would set the
        // pace; the floor assumes every domain in flight, so the measured commands allow it.
        parallel: wholeNumber(values.parallel, domains, "--parallel", 1, 100_000),
        variants: !values["skip-variants"],
        anchors: !values["skip-anchors"],
        keep: !!values.keep,
        groups: !values["skip-groups"],
        dcdn: !values["skip-dcdn"] && !values["skip-groups"],
        onlyGroups,
        ...(values["skip-realistic"] ? {} : { realistic: range(values["realistic-ms"] ?? "60000-180000") }),
        ...(values["skip-chart"] ? {} : { chartDomains: chartDomains(values["chart-domains"] ?? "10,50,100,500,1000,2000") }),
    };
}

/** `MIN-MAX` milliseconds: the real cloud configures for minutes (../shared/reference/real-cloud.md). */
function range(raw: string): { min: number; max: number } {
    const match = /^(\d+)-(\d+)$/.exec(raw);
    if (!match || Number(match[2]) < Number(match[1]) || Number(match[2]) > 1_800_000) {
        throw new UsageError(`--realistic-ms must be MIN-MAX milliseconds (MAX at most 1800000); got ${raw}`);
    }
    return { min: Number(match[1]), max: Number(match[2]) };
}

/** A comma-separated list of N, checked here so that a typo fails before the table's minutes, not after them. */
function chartDomains(raw: string): string {
    if (!/^\d+(,\d+)*$/.test(raw) || raw.split(",").some((n) => Number(n) < 1)) {
        throw new UsageError(`--chart-domains must be whole numbers of at least 1, comma-separated; got ${raw}`);
    }
    return raw;
}

/**
 * The chart: the sweep in its own process (its progress on stderr, its table on stdout), at this run's configuring
 * time and batch size, writing docs/rollout.json and docs/rollout.svg. A failed sweep fails the bench.
 */
function drawChart(options: Options): void {
    if (options.chartDomains === undefined) return;
    const args = [
        "--import",
        "tsx",
        path.join(__dirname, "sweep.ts"),
        "--domains",
        options.chartDomains,
        "--configuring-ms",
        String(options.configuringMs),
        "--batch-size",
        String(options.batchSize),
    ];
    log(`the rollout chart: npm run bench:sweep -- ${args.slice(3).join(" ")}`);
    const sweep = spawnSync(process.execPath, args, { stdio: "inherit" });
    if (sweep.status !== 0) throw new Error(`the chart's sweep failed (exit ${sweep.status ?? sweep.signal}); the table above stands`);
}

function log(message: string): void {
    process.stderr.write(`[bench] ${message}\n`);
}

async function main(): Promise<void> {
    const options = parseOptions(process.argv.slice(2));
    if (!options) return;
    const cli = locatePulumiCli();
    if (!cli.dir) throw new Error(cli.reason);
    const startedAt = new Date();
    const loadBefore = os.loadavg();
    const n = options.domains;
    const domains = benchDomains(n);
    // Commands scale with N; the bound only stops a run that hangs.
    const commandTimeoutMs = 180_000 + n * 1_000;

    log(`N = ${n}, configuring ${options.configuringMs} ms, batch size ${options.batchSize}, --parallel ${options.parallel}; engine ${cli.dir}`);
    log("building and installing the packed package (reused when unchanged)");
    const installDir = await preparePackageInstall();

    log("issuing certificates");
    const issue = () => issueCertificate({ dnsNames: ["*.bench.test"], key: "ec256", notAfterDays: 90 });
    // Each with its own key, as an ACME client renewing with a new key does.
    const certificates: Issued[] = [];
    for (let i = 0; i < 12; i++) certificates.push(await issue());
    const [current, renewed, renewedAgain, anchorSequential, anchorParallel, another, groupFirst, groupNext, groupThird, groupFourth, dcdnFirst, dcdnNext] =
        certificates as [Issued, Issued, Issued, Issued, Issued, Issued, Issued, Issued, Issued, Issued, Issued, Issued];
    const files = (issued: Issued): CertificateFiles => ({ chainPem: issued.chainPem, keyPem: issued.key.pkcs8 });

    const work = fs.mkdtempSync(path.join(os.tmpdir(), "pac-bench-"));
    // The DCDN domains only when the DCDN group runs, so that a run without it seeds what runs before it seeded.
    const dcdnDomains = options.dcdn ? dcdnBenchDomains(n) : [];
    const seed: Seed = {
        accounts: [
            {
                ...ACCOUNT,
                domains: [
                    ...domains.map((domainName) => ({ domainName, product: "cdn" as const })),
                    ...dcdnDomains.map((domainName) => ({ domainName, product: "dcdn" as const })),
                ],
            },
        ],
    };
    const emulator = await EmulatorProcess.start({
        seed,
        workDir: work,
        configuringMs: options.configuringMs,
    });
    const onExit = () => emulator.killNow();
    process.once("exit", onExit);
    log(`emulator ${emulator.endpoint} (pid ${emulator.pid}), documented limits on`);
    const client = cdnClient(ACCOUNT, emulator.hostPort);
    const readCdn = cdnServedCertificate(client);
    const projects: PulumiProject[] = [];
    const phases = new Map<string, Phase>();
    const parallel = ["--parallel", String(options.parallel)];
    const noCheckpoints = { PULUMI_SKIP_CHECKPOINTS: "true" };

    /** One measured pulumi command: a clean emulator log, the processes sampled, the domains checked afterwards. */
    const runPhase = async (
        name: string,
        project: PulumiProject,
        command: () => Promise<RunResult>,
        expect?: Issued,
        target: { emulator: EmulatorProcess; read: ServedCertificateRead; domains: readonly string[]; configuringMs: number } = {
            emulator,
            read: readCdn,
            domains,
            configuringMs: options.configuringMs,
        },
    ): Promise<void> => {
        const { emulator } = target;
        log(`${name}: running`);
        await emulator.hooks.reset();
        const sampler = new ProjectProcessSampler(project.dir);
        const emulatorCpuBefore = emulator.pid === undefined ? undefined : cpuSecondsOf(emulator.pid);
        const phaseStart = Date.now();
        sampler.start();
        let result: RunResult;
        let usage: Usage;
        try {
            result = await command();
        } finally {
            // Also when the command throws, so that the poll never outlives the phase.
            usage = sampler.stop();
        }
        const emulatorCpuAfter = emulator.pid === undefined ? undefined : cpuSecondsOf(emulator.pid);
        const entries = await emulator.hooks.requests();
        const calls = summarize(entries);
        // For looking into a result: the phase's request log (names, domains and outcomes only), with times.
        if (process.env.BENCH_LOG_DIR) {
            fs.mkdirSync(process.env.BENCH_LOG_DIR, { recursive: true });
            fs.writeFileSync(
                path.join(process.env.BENCH_LOG_DIR, `${name.replace(/\W+/g, "-")}.json`),
                JSON.stringify({ startedAt: phaseStart, entries }, null, 1),
            );
        }
        const output = `${result.stdout}\n${result.stderr}`;
        const since = (t: number | undefined) => (t === undefined ? undefined : (t - phaseStart) / 1000);
        let notServing: number | undefined;
        if (expect) {
            // One read per domain, paced under the read limit, after the phase's log has been taken.
            const missing = await domainsNotServing(
                target.read,
                target.domains,
                leafFingerprint(expect.chainPem),
                (n / 90) * 1000 + target.configuringMs + 10_000,
            );
            notServing = missing.length;
            if (missing.length > 0) log(`${name}: ${missing.length}/${n} domains do not serve the declared certificate (${missing.slice(0, 5).join(", ")}...)`);
        }
        // The state a user's backend holds (and the engine rewrites at each checkpoint) after a create.
        const stateBytes =
            name === PHASE.create || name === PHASE.groupCreate || name === PHASE.dcdnGroupCreate
                ? JSON.stringify((await project.exportStack()).deployment).length
                : undefined;
        const phase: Phase = {
            name,
            result,
            seconds: result.durationMs / 1000,
            calls,
            usage,
            throttlingSurfaced: output.split("\n").filter((line) => /throttl/i.test(line)).length,
            ...(emulatorCpuBefore !== undefined && emulatorCpuAfter !== undefined ? { emulatorCpuSeconds: emulatorCpuAfter - emulatorCpuBefore } : {}),
            ...(calls.firstAt !== undefined ? { firstCall: since(calls.firstAt)! } : {}),
            ...(calls.lastAt !== undefined ? { lastCall: since(calls.lastAt)! } : {}),
            ...(notServing !== undefined ? { notServing } : {}),
            ...(stateBytes !== undefined ? { stateBytes } : {}),
        };
        phases.set(name, phase);
        log(
            `${name}: ${seconds(phase.seconds)}, exit ${result.code}${result.timedOut ? " (TIMED OUT)" : ""}; ${describeCalls(calls)}${callSpan(phase)}; ${describeUsage(phase)}`,
        );
        if (result.code !== 0) log(`${name} failed; last output:\n${output.split("\n").slice(-40).join("\n")}`);
    };

    /** A project of the certificates program on the bench account, with `issued` in its files. */
    const certificatesProject = async (
        name: string,
        issued: Issued,
        env: Record<string, string> = {},
        endpoint = emulator.endpoint,
        program = CERTIFICATES_PROGRAM,
    ): Promise<{ project: PulumiProject; use(issued: Issued): void }> => {
        const project = await PulumiProject.create({ program, installDir, name, timeoutMs: commandTimeoutMs, keep: options.keep, env });
        projects.push(project);
        const use = (next: Issued) => {
            fs.writeFileSync(path.join(project.dir, "fullchain.pem"), next.chainPem);
            fs.writeFileSync(path.join(project.dir, "privkey.pem"), next.key.pkcs8);
        };
        use(issued);
        await pointAtEmulator(project, endpoint, ACCOUNT);
        await project.setConfig("alicloud-certs:cdnBatchSize", String(options.batchSize));
        // DCDN's batch set takes 10 domains at most, whatever CDN's may.
        await project.setConfig("alicloud-certs:dcdnBatchSize", String(dcdnBatchSize(options.batchSize)));
        await project.setConfig("domains", String(n));
        return { project, use };
    };
    const noOpProject = async (name: string, env: Record<string, string> = {}): Promise<PulumiProject> => {
        const project = await PulumiProject.create({ program: NO_OP_PROGRAM, installDir, name, timeoutMs: commandTimeoutMs, keep: options.keep, env });
        projects.push(project);
        await project.setConfig("domains", String(n));
        return project;
    };

    let anchors: AnchorResult[] = [];
    let groupStoredAfterRotations: number | undefined;
    try {
        if (!options.onlyGroups) {
            const certs = await certificatesProject("bench-certs", current);
            await runPhase(PHASE.create, certs.project, () => certs.project.up(parallel, { allowFailure: true }), current);
            certs.use(renewed);
            await runPhase(PHASE.rotate, certs.project, () => certs.project.up(parallel, { allowFailure: true }), renewed);
            await runPhase(PHASE.refresh, certs.project, () => certs.project.refresh(["--expect-no-changes", ...parallel], { allowFailure: true }));
            await runPhase(PHASE.preview, certs.project, () => certs.project.preview(["--expect-no-changes", ...parallel], { allowFailure: true }));
            if (options.variants) {
                certs.use(renewedAgain);
                log(`the engine's default --parallel is ${engineDefaultParallel()} here`);
                await runPhase(PHASE.rotateDefaultParallel, certs.project, () => certs.project.up([], { allowFailure: true }), renewedAgain);
                // Reads are paced, not held for seconds as a create is: the engine's default lets them go at the limit.
                await runPhase(PHASE.refreshDefaultParallel, certs.project, () => certs.project.refresh(["--expect-no-changes"], { allowFailure: true }));
            }

            const noop = await noOpProject("bench-noop");
            await runPhase(PHASE.noopUp, noop, () => noop.up(parallel, { allowFailure: true }));
            await runPhase(PHASE.noopPreview, noop, () => noop.preview(["--expect-no-changes", ...parallel], { allowFailure: true }));

            if (options.variants) {
                // The same rollout without a state checkpoint per step (the engine then writes the state once, at the
                // end): separates what the provider and the API limits cost from what the engine's state writes cost.
                // A second stack over the same domains, which now serve `renewedAgain` (or `renewed`): a real create.
                const fast = await certificatesProject("bench-certs-fast", current, noCheckpoints);
                await runPhase(PHASE.createNoCheckpoints, fast.project, () => fast.project.up(parallel, { allowFailure: true }), current);
                fast.use(another);
                await runPhase(PHASE.rotateNoCheckpoints, fast.project, () => fast.project.up(parallel, { allowFailure: true }), another);
                const fastNoop = await noOpProject("bench-noop-fast", noCheckpoints);
                await runPhase(PHASE.noopUpNoCheckpoints, fastNoop, () => fastNoop.up(parallel, { allowFailure: true }));
            }
        }

        if (options.groups || options.onlyGroups) {
            // The same domains as one group, as #11 measures it: the engine's default --parallel, checkpoints on.
            const group = await certificatesProject("bench-group", groupFirst, {}, emulator.endpoint, GROUP_PROGRAM);
            await runPhase(PHASE.groupCreate, group.project, () => group.project.up([], { allowFailure: true }), groupFirst);
            group.use(groupNext);
            await runPhase(PHASE.groupRotate, group.project, () => group.project.up([], { allowFailure: true }), groupNext);
            await runPhase(PHASE.groupRefresh, group.project, () => group.project.refresh(["--expect-no-changes"], { allowFailure: true }));
            // Two more rotations: the certificate service then holds the group's current certificate alone.
            group.use(groupThird);
            await runPhase(PHASE.groupRotate2, group.project, () => group.project.up([], { allowFailure: true }), groupThird);
            group.use(groupFourth);
            await runPhase(PHASE.groupRotate3, group.project, () => group.project.up([], { allowFailure: true }), groupFourth);
            const groupFingerprints = new Set([groupFirst, groupNext, groupThird, groupFourth].map((c) => leafFingerprint(c.chainPem)));
            groupStoredAfterRotations = (await emulator.hooks.casCertificates()).filter((e) => groupFingerprints.has(e.fingerprint)).length;
            log(`the certificate service holds ${groupStoredAfterRotations} of the group's four certificates after three rotations`);
        }

        if (options.dcdn && (options.groups || options.onlyGroups)) {
            // The same N on DCDN, as one group, measured as the CDN group is; the served certificate read through
            // DCDN's own SDK.
            const dcdnTarget = {
                emulator,
                read: dcdnServedCertificate(dcdnClient(ACCOUNT, emulator.hostPort)),
                domains: dcdnDomains,
                configuringMs: options.configuringMs,
            };
            const dcdn = await certificatesProject("bench-dcdn-group", dcdnFirst, {}, emulator.endpoint, DCDN_GROUP_PROGRAM);
            await runPhase(PHASE.dcdnGroupCreate, dcdn.project, () => dcdn.project.up([], { allowFailure: true }), dcdnFirst, dcdnTarget);
            dcdn.use(dcdnNext);
            await runPhase(PHASE.dcdnGroupRotate, dcdn.project, () => dcdn.project.up([], { allowFailure: true }), dcdnNext, dcdnTarget);
            await runPhase(
                PHASE.dcdnGroupRefresh,
                dcdn.project,
                () => dcdn.project.refresh(["--expect-no-changes"], { allowFailure: true }),
                undefined,
                dcdnTarget,
            );
        }

        if (options.realistic && !options.onlyGroups) {
            // A cloud that configures for minutes, as the real one does, in an emulator of its own.
            const { min, max } = options.realistic;
            const slow = await EmulatorProcess.start({
                seed,
                workDir: fs.mkdtempSync(path.join(work, "realistic-")),
                configuringMs: `${min}-${max}`,
            });
            try {
                log(`realistic: emulator ${slow.endpoint}, configuring ${min}-${max} ms per change`);
                const realistic = await certificatesProject("bench-certs-realistic", current, {}, slow.endpoint);
                await runPhase(
                    PHASE.createRealistic,
                    realistic.project,
                    () => realistic.project.up(parallel, { allowFailure: true, timeoutMs: commandTimeoutMs + max * 2 }),
                    current,
                    {
                        emulator: slow,
                        read: cdnServedCertificate(cdnClient(ACCOUNT, slow.hostPort)),
                        domains,
                        configuringMs: max,
                    },
                );
            } finally {
                await slow.stop();
            }
        }

        if (options.anchors && !options.onlyGroups) {
            const stamp = Date.now().toString(36);
            const loop = { client, domains, configuringMs: options.configuringMs };
            await emulator.hooks.reset();
            log(`anchor: ${n} SetCdnDomainSSLCertificate calls in sequence, no retry`);
            const sequential = await sequentialAnchor({ ...loop, certificate: files(anchorSequential), certName: `bench-sequential-${stamp}` });
            log(`anchor sequential: ${sequential.failedCalls}/${sequential.calls} calls failed; last domain served at ${seconds(sequential.servedSeconds)}`);
            // Let every domain finish configuring and the limit windows empty, so that the second anchor starts clean.
            await new Promise((resolve) => setTimeout(resolve, options.configuringMs + 1_000));
            await emulator.hooks.reset();
            log(`anchor: ${n} SetCdnDomainSSLCertificate calls, 10 in parallel, throttling retried after 3 s then 5 s`);
            const parallelResult = await parallelAnchor({ ...loop, certificate: files(anchorParallel), certName: `bench-parallel-${stamp}` });
            log(
                `anchor parallel: ${parallelResult.failedCalls}/${parallelResult.calls} calls failed; last domain served at ${seconds(parallelResult.servedSeconds)}`,
            );
            anchors = [sequential, parallelResult];
        }
    } finally {
        await emulator.stop();
        process.off("exit", onExit);
        for (const project of projects) {
            if (options.keep) log(`kept ${project.root}`);
            await project.cleanup();
        }
        fs.rmSync(work, { recursive: true, force: true });
    }

    process.stdout.write(
        renderReport({
            domains: n,
            batchSize: options.batchSize,
            configuringMs: options.configuringMs,
            parallel: options.parallel,
            phases,
            anchors,
            ...(groupStoredAfterRotations === undefined ? {} : { groupStoredAfterRotations }),
            startedAt,
            loadBefore,
            loadAfter: os.loadavg(),
            ...(options.realistic ? { realisticConfiguringMs: options.realistic } : {}),
        }),
    );
    drawChart(options);
}

runCommand("bench", USAGE, main);
