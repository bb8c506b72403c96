// Turns the measurements into the one table and its context lines. Only arithmetic and text: every number printed
// comes from a phase record or from floors.ts.
import * as os from "node:os";
import type { RunResult } from "../harness/commands";
import type { AnchorResult } from "./anchors";
import type { CallSummary } from "./emulator";
import { CDN, DCDN, type ProductSpec } from "../provider/products";
import { busiestBudget, certificateStoreFloorSeconds, DCDN_LIMITS, DOCUMENTED_LIMITS, limitsByActionName, ratio, refreshFloor, rolloutFloor } from "./floors";
import type { Role, Usage } from "./memory";
import { megabytes, renderTable, seconds, times, type Row } from "./table";

/** The targets of the issue, as numbers. */
export const TARGETS = {
    rolloutRatio: 1.2,
    refreshRatio: 1.2,
    previewRatio: 1.3,
    /** "Faster than both anchors by a wide margin": read here as the anchor taking at least twice as long. */
    anchorMargin: 2,
    providerPeakBytes: 200 * 1024 * 1024,
} as const;

/** Phase names, as the runner records them and the report looks them up. */
export const PHASE = {
    create: "up (create)",
    rotate: "up (rotate)",
    refresh: "refresh",
    preview: "preview",
    rotateDefaultParallel: "up (rotate, default --parallel)",
    refreshDefaultParallel: "refresh (default --parallel)",
    noopUp: "no-op up",
    noopPreview: "no-op preview",
    createNoCheckpoints: "up (create, no checkpoints)",
    rotateNoCheckpoints: "up (rotate, no checkpoints)",
    noopUpNoCheckpoints: "no-op up (no checkpoints)",
    createRealistic: "up (create, realistic configuring)",
    groupCreate: "group up (create)",
    groupRotate: "group up (rotate)",
    groupRefresh: "group refresh",
    groupRotate2: "group up (second rotation)",
    groupRotate3: "group up (third rotation)",
    dcdnGroupCreate: "DCDN group up (create)",
    dcdnGroupRotate: "DCDN group up (rotate)",
    dcdnGroupRefresh: "DCDN group refresh",
} as const;

/** The DCDN phases: their calls are DCDN's actions, their floors at DCDN's limits. */
const DCDN_PHASES: readonly string[] = [PHASE.dcdnGroupCreate, PHASE.dcdnGroupRotate, PHASE.dcdnGroupRefresh];

/** The product whose domains a phase works on. */
function productOf(phaseName: string): ProductSpec {
    return DCDN_PHASES.includes(phaseName) ? DCDN : CDN;
}

/** The DCDN group's batch size: the run's, within what DCDN's batch set takes (10). */
export function dcdnBatchSize(batchSize: number): number {
    return Math.min(batchSize, DCDN.batchSet?.largestDomainsPerCall ?? 1);
}

/** Phases that run the package's provider (their calls, throttling and memory count). */
const PACKAGE_PHASES: readonly string[] = [
    PHASE.create,
    PHASE.rotate,
    PHASE.refresh,
    PHASE.preview,
    PHASE.rotateDefaultParallel,
    PHASE.refreshDefaultParallel,
    PHASE.createNoCheckpoints,
    PHASE.rotateNoCheckpoints,
    PHASE.createRealistic,
    PHASE.groupCreate,
    PHASE.groupRotate,
    PHASE.groupRotate2,
    PHASE.groupRotate3,
    PHASE.groupRefresh,
    ...DCDN_PHASES,
];

export interface Phase {
    readonly name: string;
    readonly result: RunResult;
    readonly seconds: number;
    readonly calls: CallSummary;
    readonly usage: Usage;
    readonly emulatorCpuSeconds?: number;
    /** Lines of the command's output that mention throttling: an error surfaced to the user. */
    readonly throttlingSurfaced: number;
    /** Seconds from the command's start to its first and last API call (undefined without calls). */
    readonly firstCall?: number;
    readonly lastCall?: number;
    /** Domains not serving the declared certificate after the command (checked with the SDK), if checked. */
    readonly notServing?: number;
    /** Bytes of the stack's state after the command (`pulumi stack export`), if measured. */
    readonly stateBytes?: number;
}

export interface ReportInput {
    /** Entries of the group's certificates the certificate service holds after its three rotations (1: the current one). */
    readonly groupStoredAfterRotations?: number;
    readonly domains: number;
    readonly batchSize: number;
    readonly configuringMs: number;
    readonly parallel: number;
    readonly phases: ReadonlyMap<string, Phase>;
    readonly anchors: readonly AnchorResult[];
    readonly startedAt: Date;
    readonly loadBefore: readonly number[];
    readonly loadAfter: readonly number[];
    /** The configuring times the realistic rollout drew from, when it ran. */
    readonly realisticConfiguringMs?: { readonly min: number; readonly max: number };
}

/** What `pulumi up` uses without --parallel: 4 x GOMAXPROCS, which is the core count unless a CPU quota lowers it. */
export function engineDefaultParallel(): number {
    return 4 * os.availableParallelism();
}

export function describeCalls(calls: CallSummary): string {
    const actions = Object.entries(calls.byAction)
        .sort((a, b) => b[1] - a[1])
        .map(([action, n]) => `${n} ${action}`);
    const errors = Object.entries(calls.errors).map(([code, n]) => `${n} ${code}`);
    const batch = calls.batchDomains > 0 ? ` (${calls.batchDomains} domains, at most ${calls.largestBatch} per call)` : "";
    return `${actions.join(", ") || "no calls"}${batch}; errors: ${errors.join(", ") || "none"}${calls.truncated ? " (LOG FULL: counts are low)" : ""}`;
}

/** When the API calls happened within the command: the rest is the engine's and the provider's own time. */
export function callSpan(p: Phase): string {
    return p.firstCall === undefined || p.lastCall === undefined
        ? ""
        : `; calls from ${seconds(p.firstCall)} to ${seconds(p.lastCall)} after the command started`;
}

const ROLE_ORDER: readonly Role[] = ["engine", "program", "provider", "language host"];

export function describeUsage(p: Phase): string {
    const cpu = ROLE_ORDER.filter((r) => p.usage[r]).map((r) => `${r} ${p.usage[r]!.cpuSeconds.toFixed(1)} s`);
    if (p.emulatorCpuSeconds !== undefined) cpu.push(`emulator ${p.emulatorCpuSeconds.toFixed(1)} s`);
    const provider = p.usage.provider;
    return `CPU: ${cpu.join(", ") || "not measured"}; provider peak ${provider ? megabytes(provider.peakBytes) : "not seen"}`;
}

function failed(p: Phase | undefined): boolean {
    return p?.result.code !== 0;
}

function measuredOf(p: Phase | undefined): string {
    if (!p) return "not run";
    if (p.result.code !== 0) return `failed (exit ${p.result.code}${p.result.timedOut ? ", timed out" : ""}) after ${seconds(p.seconds)}`;
    return seconds(p.seconds);
}

/** Calls per domain of a phase: certificate reads (one domain each), state listings (up to 50 domains each on CDN) and domain detail reads (one each). */
export function readsPerDomain(p: Phase, domains: number): { certificate: number; listings: number; details: number } {
    const product = productOf(p.name);
    const per = (action: string) => (p.calls.byAction[action] ?? 0) / Math.max(1, domains);
    return {
        certificate: per(product.describeCertificateAction.name),
        listings: per(product.domainListing.action.name),
        details: per(product.describeDomainAction.name),
    };
}

export function renderReport(input: ReportInput): string {
    const n = input.domains;
    const base = rolloutFloor({ domains: n, batchSize: input.batchSize, configuringMs: input.configuringMs });
    // Every rollout goes through the certificate service: one upload, and the listing that looks for it first.
    const floor = { ...base, totalSeconds: base.totalSeconds + certificateStoreFloorSeconds() };
    const refresh = refreshFloor(n);
    // The same terms at DCDN's limits (floors.ts).
    const dcdnBase = rolloutFloor({ domains: n, batchSize: dcdnBatchSize(input.batchSize), configuringMs: input.configuringMs, limits: DCDN_LIMITS });
    const dcdnFloor = { ...dcdnBase, totalSeconds: dcdnBase.totalSeconds + certificateStoreFloorSeconds() };
    const dcdnRefresh = refreshFloor(n, DCDN_LIMITS);
    const phases = input.phases;
    const rows: Row[] = [];

    const rolloutRow = (key: string, label: string, floorSeconds = floor.totalSeconds) => {
        const p = phases.get(key);
        if (!p) return;
        const r = failed(p) ? undefined : ratio(p.seconds, floorSeconds);
        const notServing = p.notServing ?? 0;
        rows.push({
            figure: label + (notServing > 0 ? ` (${notServing} domains NOT serving it afterwards)` : ""),
            measured: measuredOf(p),
            floor: seconds(floorSeconds),
            ratio: times(r),
            target: `<= ${TARGETS.rolloutRatio}x floor`,
            ok: r !== undefined && r <= TARGETS.rolloutRatio && notServing === 0,
        });
    };
    const engineRow = (key: string, label: string) => {
        const p = phases.get(key);
        if (p) rows.push({ figure: label, measured: measuredOf(p), floor: "-", ratio: "-", target: "(engine's own cost)" });
    };

    rolloutRow(PHASE.create, `\`pulumi up\` creating ${n} DomainCertificates`);
    rolloutRow(PHASE.rotate, `\`pulumi up\` rotating all ${n}`);
    const refreshRow = (key: string, label: string, floorSeconds = refresh) => {
        const p = phases.get(key);
        if (!p) return;
        const r = failed(p) ? undefined : ratio(p.seconds, floorSeconds);
        rows.push({
            figure: label,
            measured: measuredOf(p),
            floor: seconds(floorSeconds),
            ratio: times(r),
            target: `<= ${TARGETS.refreshRatio}x floor`,
            ok: r !== undefined && r <= TARGETS.refreshRatio,
        });
    };
    refreshRow(PHASE.refresh, `\`pulumi refresh\` of ${n}`);
    refreshRow(PHASE.refreshDefaultParallel, `\`pulumi refresh\` of ${n} at the engine's default --parallel (${engineDefaultParallel()})`);
    const preview = phases.get(PHASE.preview);
    const noopPreview = phases.get(PHASE.noopPreview);
    const previewFloor = noopPreview && !failed(noopPreview) ? noopPreview.seconds : undefined;
    const previewRatio = preview && !failed(preview) && previewFloor !== undefined ? ratio(preview.seconds, previewFloor) : undefined;
    rows.push({
        figure: `\`pulumi preview\` of ${n} unchanged`,
        measured: measuredOf(preview),
        floor: seconds(previewFloor),
        ratio: times(previewRatio),
        target: `<= ${TARGETS.previewRatio}x no-op`,
        ok: previewRatio !== undefined && previewRatio <= TARGETS.previewRatio,
    });
    engineRow(PHASE.noopPreview, `\`pulumi preview\` of ${n} no-op dynamic resources`);
    engineRow(PHASE.noopUp, `\`pulumi up\` creating ${n} no-op dynamic resources`);
    rolloutRow(PHASE.createNoCheckpoints, `\`pulumi up\` creating ${n}, PULUMI_SKIP_CHECKPOINTS=true`);
    rolloutRow(PHASE.rotateNoCheckpoints, `\`pulumi up\` rotating all ${n}, PULUMI_SKIP_CHECKPOINTS=true`);
    engineRow(PHASE.noopUpNoCheckpoints, `\`pulumi up\` creating ${n} no-op dynamic resources, PULUMI_SKIP_CHECKPOINTS=true`);
    rolloutRow(PHASE.rotateDefaultParallel, `\`pulumi up\` rotating all ${n} at the engine's default --parallel (${engineDefaultParallel()})`);
    rolloutRow(PHASE.groupCreate, `\`pulumi up\` creating one DomainCertificateGroup of ${n} domains (default --parallel, checkpoints on)`);
    rolloutRow(PHASE.groupRotate, `\`pulumi up\` rotating the group of ${n} (default --parallel, checkpoints on)`);
    refreshRow(PHASE.groupRefresh, `\`pulumi refresh\` of the group of ${n}`);
    rolloutRow(
        PHASE.dcdnGroupCreate,
        `\`pulumi up\` creating one DcdnDomainCertificateGroup of ${n} DCDN domains (default --parallel, checkpoints on)`,
        dcdnFloor.totalSeconds,
    );
    rolloutRow(PHASE.dcdnGroupRotate, `\`pulumi up\` rotating the DCDN group of ${n} (default --parallel, checkpoints on)`, dcdnFloor.totalSeconds);
    refreshRow(PHASE.dcdnGroupRefresh, `\`pulumi refresh\` of the DCDN group of ${n}`, dcdnRefresh);
    const keysRow = (key: string, label: string) => {
        const p = phases.get(key);
        if (!p) return;
        rows.push({
            figure: label,
            measured: failed(p) ? measuredOf(p) : String(p.calls.keyTransmissions),
            floor: "1",
            ratio: "-",
            target: "1",
            ok: !failed(p) && p.calls.keyTransmissions === 1,
        });
    };
    keysRow(PHASE.rotate, `calls carrying the private key in the rotation of ${n} DomainCertificates (uploads, and sets of an uploaded certificate)`);
    keysRow(PHASE.groupRotate, `calls carrying the private key in the rotation of the group of ${n}`);
    keysRow(PHASE.dcdnGroupRotate, `calls carrying the private key in the rotation of the DCDN group of ${n}`);
    if (input.groupStoredAfterRotations !== undefined) {
        rows.push({
            figure: "entries of the group's certificates in the certificate service after three rotations",
            measured: String(input.groupStoredAfterRotations),
            floor: "1",
            ratio: "-",
            target: "1",
            ok: input.groupStoredAfterRotations === 1,
        });
    }
    const realistic = phases.get(PHASE.createRealistic);
    if (realistic && input.realisticConfiguringMs) {
        // The floor holds the longest configuring time drawn: the rollout cannot end before that domain is online.
        const { min, max } = input.realisticConfiguringMs;
        const realisticFloor = rolloutFloor({ domains: n, batchSize: input.batchSize, configuringMs: max });
        const r = failed(realistic) ? undefined : ratio(realistic.seconds, realisticFloor.totalSeconds);
        const notServing = realistic.notServing ?? 0;
        const perDomain = readsPerDomain(realistic, n);
        rows.push({
            figure:
                `\`pulumi up\` creating ${n}, each change configuring ${seconds(min / 1000)} to ${seconds(max / 1000)} (drawn per domain); ` +
                `per domain ${perDomain.certificate.toFixed(2)} certificate reads, ${perDomain.listings.toFixed(2)} state listings` +
                (notServing > 0 ? ` (${notServing} domains NOT serving it afterwards)` : ""),
            measured: measuredOf(realistic),
            floor: seconds(realisticFloor.totalSeconds),
            ratio: times(r),
            target: `<= ${TARGETS.rolloutRatio}x floor`,
            ok: r !== undefined && r <= TARGETS.rolloutRatio && notServing === 0,
        });
    }

    const rotation = phases.get(PHASE.rotate);
    for (const anchor of input.anchors) {
        const label =
            anchor.name === "sequential"
                ? "anchor: 1 SDK call per domain in sequence, no retry (acme.sh, certd, Certimate)"
                : "anchor: 10 SDK calls in parallel, throttling retried after 3 s then 5 s (Terraform alicloud)";
        const missing = anchor.failedDomains + anchor.unconfirmed;
        const measured =
            missing === 0
                ? seconds(anchor.servedSeconds)
                : `never: ${missing}/${n} domains not served${anchor.servedSeconds !== undefined ? `; the other ${n - missing} in ${seconds(anchor.servedSeconds)}` : ""}`;
        // Judged against the rotation at the engine's default state handling; the one without checkpoints is shown
        // beside it, because the two differ by the engine's state writes alone.
        const ours = rotation && !failed(rotation) ? rotation.seconds : undefined;
        const fast = phases.get(PHASE.rotateNoCheckpoints);
        const oursText = [ours, fast && !failed(fast) ? fast.seconds : undefined]
            .map((v, i) => (v === undefined ? undefined : i === 0 ? seconds(v) : `${seconds(v)} without checkpoints`))
            .filter((v): v is string => v !== undefined)
            .join(", ");
        rows.push({
            figure: `${label}; ${anchor.failedCalls} of ${anchor.calls} calls failed`,
            measured,
            floor: seconds(floor.totalSeconds),
            ratio: missing === 0 ? times(ratio(anchor.servedSeconds ?? Number.NaN, floor.totalSeconds)) : "never",
            target: `>= ${TARGETS.anchorMargin}x our rotation (${oursText || "not measured"})`,
            ok: ours !== undefined && (missing > 0 || (anchor.servedSeconds ?? 0) >= TARGETS.anchorMargin * ours),
        });
    }

    const packagePhases = PACKAGE_PHASES.map((k) => phases.get(k)).filter((p): p is Phase => !!p);
    const surfaced = packagePhases.reduce((sum, p) => sum + p.throttlingSurfaced, 0);
    const throttledAnswers = packagePhases.reduce((sum, p) => sum + p.calls.throttled, 0);
    rows.push({
        figure: "throttling errors surfaced by pulumi (all the package's runs above)",
        measured: String(surfaced),
        floor: "-",
        ratio: "-",
        target: "0",
        ok: surfaced === 0 && packagePhases.every((p) => p.result.code === 0),
    });
    rows.push({
        figure: "Throttling.User answers in the emulator's log during those runs (retried)",
        measured: String(throttledAnswers),
        floor: "-",
        ratio: "-",
        target: "0",
        ok: throttledAnswers === 0,
    });
    const peak = Math.max(0, ...packagePhases.map((p) => p.usage.provider?.peakBytes ?? 0));
    const peakPhase = packagePhases.find((p) => (p.usage.provider?.peakBytes ?? 0) === peak);
    const noopPeak = Math.max(0, ...[PHASE.noopUp, PHASE.noopPreview].map((k) => phases.get(k)?.usage.provider?.peakBytes ?? 0));
    rows.push({
        figure: `provider process peak memory (VmHWM${peakPhase ? `, in ${peakPhase.name}` : ""}; no-op provider: ${noopPeak > 0 ? megabytes(noopPeak) : "-"})`,
        measured: peak > 0 ? megabytes(peak) : "not measured",
        floor: "-",
        ratio: "-",
        target: `< ${megabytes(TARGETS.providerPeakBytes)}`,
        ok: peak > 0 && peak < TARGETS.providerPeakBytes,
    });

    for (const key of [PHASE.create, PHASE.groupCreate, PHASE.dcdnGroupCreate]) {
        const p = phases.get(key);
        if (p?.stateBytes === undefined) continue;
        rows.push({
            figure: `state after ${p.name} (\`pulumi stack export\`), per domain`,
            measured: `${(p.stateBytes / 1024).toFixed(0)} KB, ${n > 0 ? Math.round(p.stateBytes / n) : "-"} B`,
            floor: "-",
            ratio: "-",
            target: "-",
            ok: true,
        });
    }

    const cpus = os.cpus();
    const lines: string[] = ["", renderTable(rows), ""];
    lines.push(
        `N = ${n} CDN domains${DCDN_PHASES.some((name) => phases.has(name)) ? ` and ${n} DCDN domains` : ""} in one account; batch size ${input.batchSize}; configuring time ${input.configuringMs} ms; ` +
            `pulumi --parallel ${input.parallel} unless a row says otherwise; state in a local file backend; ` +
            `limits/s: batch set ${DOCUMENTED_LIMITS.batchSet}, single set ${DOCUMENTED_LIMITS.singleSet}, certificate read ${DOCUMENTED_LIMITS.describeCertificate}, domain read ${DOCUMENTED_LIMITS.describeDomain}.`,
    );
    lines.push(
        `Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown"}), Node ${process.version}, started ${input.startedAt.toISOString()}; ` +
            `load average ${input.loadBefore.map((l) => l.toFixed(1)).join("/")} before, ${input.loadAfter.map((l) => l.toFixed(1)).join("/")} after.`,
    );
    lines.push(
        `Floors: rollout = ceil(N/batch)/${DOCUMENTED_LIMITS.batchSet} s + configuring time + N/${DOCUMENTED_LIMITS.describeCertificate} s = ` +
            `${floor.setSeconds.toFixed(2)} + ${floor.configuringSeconds.toFixed(2)} + ${floor.readSeconds.toFixed(2)} = ${floor.totalSeconds.toFixed(2)} s; ` +
            `refresh = N/${DOCUMENTED_LIMITS.describeCertificate} s = ${refresh.toFixed(2)} s; preview = the measured no-op preview. ` +
            `Measured = wall time of the whole pulumi command (CLI start, program, provider, state writes), as a user waits for it.`,
    );
    if (DCDN_PHASES.some((name) => phases.has(name))) {
        lines.push(
            `DCDN floors (its own N domains, batch size ${dcdnBatchSize(input.batchSize)}): rollout = ceil(N/batch)/${DCDN_LIMITS.batchSet} s + configuring time + ` +
                `N/${DCDN_LIMITS.describeCertificate} s + the certificate service = ` +
                `${dcdnFloor.setSeconds.toFixed(2)} + ${dcdnFloor.configuringSeconds.toFixed(2)} + ${dcdnFloor.readSeconds.toFixed(2)} + ` +
                `${certificateStoreFloorSeconds().toFixed(2)} = ${dcdnFloor.totalSeconds.toFixed(2)} s; refresh = N/${DCDN_LIMITS.describeCertificate} s = ${dcdnRefresh.toFixed(2)} s.`,
        );
    }
    const limits = limitsByActionName();
    for (const p of phases.values()) {
        const isDcdn = productOf(p.name) === DCDN;
        const busiest = busiestBudget(p.calls.byAction, limits);
        let extra = "";
        if ((p.name.startsWith("up") || p.name === PHASE.dcdnGroupCreate || p.name === PHASE.dcdnGroupRotate) && n > 0) {
            const perDomain = readsPerDomain(p, n);
            const withReads = rolloutFloor({
                domains: n,
                batchSize: isDcdn ? dcdnBatchSize(input.batchSize) : input.batchSize,
                configuringMs: input.configuringMs,
                readsPerDomain: perDomain.certificate,
                detailReadsPerDomain: perDomain.details,
                ...(isDcdn ? { limits: DCDN_LIMITS } : {}),
            });
            extra = `; ${perDomain.certificate.toFixed(2)} certificate reads, ${perDomain.listings.toFixed(2)} state listings and ${perDomain.details.toFixed(2)} domain detail reads per domain (a floor counting them: ${withReads.totalSeconds.toFixed(2)} s)`;
        }
        lines.push(
            `- ${p.name}: ${seconds(p.seconds)}; ${describeCalls(p.calls)}${callSpan(p)}` +
                (busiest.action ? `; those calls need ${busiest.seconds.toFixed(2)} s of ${busiest.action} at its limit` : "") +
                `${extra}; ${describeUsage(p)}.`,
        );
    }
    for (const a of input.anchors) {
        lines.push(
            `- anchor ${a.name}: ${a.calls} set calls in ${seconds(a.callSeconds)}, ${a.failedCalls} failed (${
                Object.entries(a.failedByCode)
                    .map(([c, k]) => `${k} ${c}`)
                    .join(", ") || "none"
            }); ` +
                `${a.failedDomains} domains never set; last domain seen serving at ${seconds(a.servedSeconds)} ` +
                `(observer: ${a.observerReads} reads, each domain read first at its set + the configuring time, paced at 90/s).`,
        );
    }
    return `${lines.join("\n")}\n`;
}
