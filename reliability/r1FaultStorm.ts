// R1, fault storm (issues #13 and #18): one `pulumi up` of N DomainCertificates (100 at scale 1), and separately of
// the same N domains as one DomainCertificateGroup, while 30% of all calls fail at random, every action (reads and
// sets) meeting every transient fault kind: InternalError, ServiceUnavailable, Throttling.User, ServiceBusy, a hang,
// a dropped connection, an answer lost after the change. None of those is a verdict, so each of those rollouts must
// end with every domain serving the certificate (asked with the official SDK, per domain), and a `pulumi refresh
// --expect-no-changes` run while the storm goes on must report no drift. Each rollout runs twice, on an emulator of
// its own: fault-free first (the figures' baseline), then in the storm. A third rollout sends the N resources' sets
// one domain a call (`alicloud-certs:cdnBatchSize 1`, as a user who turns batching off, and as every Live domain
// goes), and its storm adds the four outcome faults, which only a set meets: batched, 100 domains take 10-15 set
// calls, too few for them to be drawn; unbatched they meet about 100. It ends as it must when every domain serves
// the certificate except those whose set drew a permanent outcome (configure_failed, check_failed), and the
// command's error names each of those.
//
// The fault draws are the emulator's own, from `--random-seed` (the run's seed plus the rollout's number): the same
// seed gives each rollout the same sequence of draws (configuring times, and whether each call meets a fault). Which
// call meets which draw still follows the order the calls arrive in, which the provider's concurrency decides, so a
// storm repeats in its mix and its numbers, not call for call; the request log, returned as a produced text, names
// the fault each call met.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FAULT_KINDS, type FaultKind, type RequestLogEntry } from "../emulator";
import { CERTIFICATES_PROGRAM, GROUP_PROGRAM, benchDomains } from "../bench/programs";
import { issueCertificate, type Issued } from "../harness/certs";
import { EmulatorProcess } from "../harness/emulatorProcess";
import { preparePackageInstall } from "../harness/packageInstall";
import type { RunResult } from "../harness/commands";
import { appliedSets, callFigures, perSuccess, permanentlyFailed, stormFaults, type CallFigures } from "./r1/storm";
import type { Outcome, ProducedText, Scenario, ScenarioOptions, SecretUsed } from "./scenario";
import { emulatorTexts, cdnSeed } from "./emulatorOutput";
import { certificateStack, cliOutput, exportText, listed, names, keySecrets, throttlingLines } from "./stacks";
import { leafFingerprint } from "../harness/certs";
import { logTruncated } from "./requestLogFigures";
import { serves, viewDomains, type DomainView } from "./domainViews";
import { milliseconds } from "./table";

/** The share of all calls that fail. */
const STORM = 0.3;
/**
 * Short changes (the real cloud takes minutes): the storm's cost is in retries and lost answers, not in waiting, and
 * a range makes the domains of one batch come online at different moments, as they do on the real cloud.
 */
const CONFIGURING_MS = "500-2000";
/**
 * An injected hang costs the provider's read timeout (30 s, provider/alicloud/caller.ts) each time; a chain of a
 * lost set, its read and the set again can meet two or three. The bound only stops a rollout that never ends.
 */
const STORM_TIMEOUT_MS = 300_000;
const BASELINE_TIMEOUT_MS = 150_000;

/** A key pair the R1 emulators accept; not a credential anywhere else. */
const KEYS = { accessKeyId: "LTAIreliabilityR1storm01", accessKeySecret: "r1StormAccountSecretNotReal000001" };

type Shape = "resources" | "unbatched" | "group";

/** The rollout whose storm also draws the outcome faults (which end some domains for good): the unbatched one. */
const withOutcomes = (shape: Shape) => shape === "unbatched";

const SHAPES: readonly Shape[] = ["resources", "unbatched", "group"];

interface Rollout {
    readonly shape: Shape;
    readonly storm: boolean;
    readonly label: string;
    readonly result: RunResult;
    readonly entries: readonly RequestLogEntry[];
    readonly views: ReadonlyMap<string, DomainView>;
    readonly exported?: string;
    /** `pulumi refresh --expect-no-changes` under the same storm, after the up (the rollouts without outcome faults). */
    readonly refresh?: RunResult;
    /** The calls the refresh made. */
    readonly refreshEntries?: readonly RequestLogEntry[];
}

interface Verdict {
    readonly ok: boolean;
    /** What was lost, short, or undefined. */
    readonly lost?: string;
    readonly served: number;
    readonly permanent: ReadonlyMap<string, FaultKind>;
    readonly named: readonly string[];
    readonly calls: CallFigures;
    /** Domains a set changed more than once. */
    readonly setTwice: readonly string[];
}

/** The group's per-domain `served[d].failure` from the exported state: its error lists 20 domains, then a count. */
function groupFailures(exported: string | undefined): Map<string, string> {
    const failures = new Map<string, string>();
    if (!exported) return failures;
    try {
        const deployment = JSON.parse(exported).deployment;
        for (const resource of deployment?.resources ?? []) {
            const served = resource?.outputs?.served;
            if (!served || typeof served !== "object") continue;
            for (const [domain, entry] of Object.entries(served as Record<string, { failure?: unknown }>)) {
                if (typeof entry?.failure === "string") failures.set(domain, entry.failure);
            }
        }
    } catch {
        // An export that does not parse names nothing; the verdict then relies on the CLI's output.
    }
    return failures;
}

async function rollout(
    shape: Shape,
    storm: boolean,
    n: number,
    issued: Issued,
    installDir: string,
    work: string,
    progress: (line: string) => void,
    randomSeed: number,
): Promise<{ rollout: Rollout; produced: ProducedText[] }> {
    const label = `R1 ${shapeName(shape, n)}${storm ? `, ${STORM * 100}% of calls failing` : ", fault-free"}`;
    const dir = fs.mkdtempSync(path.join(work, `${shape}-${storm ? "storm" : "clean"}-`));
    const domains = benchDomains(n);
    // An emulator per rollout: each starts from domains that serve nothing, with empty rate-limit windows, and the
    // permanent failures of one storm (configure_failed domains) cannot leak into the next rollout.
    const emulator = await EmulatorProcess.start({ stateFile: true, workDir: dir, seed: cdnSeed(KEYS, domains), configuringMs: CONFIGURING_MS, randomSeed });
    const onExit = () => emulator.killNow();
    process.once("exit", onExit);
    const produced: ProducedText[] = [];
    try {
        const timeoutMs = storm ? STORM_TIMEOUT_MS : BASELINE_TIMEOUT_MS;
        const project = await certificateStack({
            name: `r1-${shape}`,
            program: shape === "group" ? GROUP_PROGRAM : CERTIFICATES_PROGRAM,
            installDir,
            issued,
            keys: KEYS,
            endpoint: emulator.endpoint,
            config: { domains: String(n), ...(shape === "unbatched" ? { "alicloud-certs:cdnBatchSize": "1" } : {}) },
            timeoutMs,
        });
        try {
            if (storm) for (const spec of stormFaults(STORM, withOutcomes(shape))) await emulator.hooks.fault(spec);
            progress(`${label}: pulumi up --parallel ${n}`);
            // --parallel N, as the README tells a user with a fleet: each resource holds an engine slot while its domain
            // configures. A group is one step, so it changes nothing there.
            const result = await project.up(["--parallel", String(n)], { allowFailure: true, timeoutMs });
            const entries = await emulator.hooks.requests();
            // A refresh in the same storm reads every domain through it and reports no drift: nothing changed.
            let refresh: RunResult | undefined;
            let refreshEntries: RequestLogEntry[] | undefined;
            if (storm && !withOutcomes(shape) && result.code === 0) {
                await emulator.hooks.reset();
                for (const spec of stormFaults(STORM, false)) await emulator.hooks.fault(spec);
                progress(`${label}: pulumi refresh --expect-no-changes, in the storm`);
                refresh = await project.refresh(["--expect-no-changes", "--parallel", String(n)], { allowFailure: true, timeoutMs });
                refreshEntries = await emulator.hooks.requests();
                produced.push({ source: `${label}: pulumi refresh output`, text: cliOutput(refresh) });
            }
            // The faults go before anything else reads the cloud: the check below must see the cloud, not the storm.
            await emulator.hooks.clearFaults();
            progress(`${label}: ${milliseconds(result.durationMs)}, exit ${result.code}${result.timedOut ? " (timed out)" : ""}, ${entries.length} calls`);
            const views = await viewDomains(emulator.endpoint, KEYS, domains);
            const exported = await exportText(project);
            produced.push({ source: `${label}: pulumi up output`, text: cliOutput(result) });
            if (exported !== undefined) produced.push({ source: `${label}: pulumi stack export`, text: exported });
            await emulator.stop();
            produced.push(...emulatorTexts(emulator, label, entries));
            return {
                rollout: {
                    shape,
                    storm,
                    label,
                    result,
                    entries,
                    views,
                    ...(exported === undefined ? {} : { exported }),
                    ...(refresh ? { refresh, refreshEntries: refreshEntries! } : {}),
                },
                produced,
            };
        } finally {
            await project.cleanup();
        }
    } finally {
        await emulator.stop();
        process.off("exit", onExit);
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function judge(r: Rollout, domains: readonly string[], fingerprint: string): Verdict {
    const output = cliOutput(r.result);
    // The engine prints each resource's error under "Diagnostics:"; the lines above it name resources, not domains.
    const diagnostics = output.includes("Diagnostics:") ? output.slice(output.indexOf("Diagnostics:")) : output;
    const permanent = r.storm ? permanentlyFailed(r.entries) : new Map<string, FaultKind>();
    const failuresInState = r.shape === "group" ? groupFailures(r.exported) : new Map<string, string>();
    const served = domains.filter((d) => serves(r.views.get(d), fingerprint));
    const named = domains.filter((d) => names(diagnostics, d) || failuresInState.has(d));
    const problems: string[] = [];
    if (r.result.timedOut) problems.push(`pulumi up did not end in ${milliseconds(r.result.durationMs)}`);
    const notConverged = domains.filter((d) => !served.includes(d) && !permanent.has(d));
    if (notConverged.length > 0) {
        problems.push(
            `${notConverged.length} domains without a permanent fault do not serve the certificate: ` +
                listed(
                    notConverged.map((d) => `${d} (${describeView(r.views.get(d))}${reasonFor(diagnostics, d)})`),
                    5,
                ),
        );
    }
    const unnamed = [...permanent.keys()].filter((d) => !named.includes(d));
    if (unnamed.length > 0) problems.push(`${unnamed.length} domains that hit a permanent fault are not named in the error: ${listed(unnamed, 5)}`);
    const servedAnyway = [...permanent.keys()].filter((d) => served.includes(d));
    if (servedAnyway.length > 0)
        problems.push(`${servedAnyway.length} domains serve the certificate though their set drew a permanent fault: ${listed(servedAnyway, 5)}`);
    const applied = appliedSets(r.entries);
    const setTwice = domains.filter((d) => (applied.get(d) ?? 0) > 1);
    if (setTwice.length > 0)
        problems.push(
            `${setTwice.length} domains were changed by more than one set: ${listed(
                setTwice.map((d) => `${d} (${applied.get(d)})`),
                5,
            )}`,
        );
    if (!r.result.timedOut) {
        if (permanent.size === 0 && r.result.code !== 0 && notConverged.length === 0)
            problems.push(`pulumi up exited ${r.result.code} with no permanent fault: ${lastError(diagnostics)}`);
        if (permanent.size > 0 && r.result.code === 0) problems.push(`pulumi up exited 0 though ${permanent.size} domains failed`);
    }
    if (r.storm && !withOutcomes(r.shape)) {
        if (r.refresh === undefined) problems.push("no refresh ran in the storm (the up did not succeed)");
        else if (r.refresh.code !== 0)
            problems.push(`pulumi refresh --expect-no-changes in the storm exited ${r.refresh.code}: ${lastError(cliOutput(r.refresh))}`);
    }
    return {
        ok: problems.length === 0,
        ...(problems.length === 0 ? {} : { lost: `${r.label}: ${problems.join("; ")}` }),
        served: served.length,
        permanent,
        named,
        calls: callFigures(r.entries),
        setTwice,
    };
}

function describeView(view: DomainView | undefined): string {
    if (!view) return "not read";
    if (view.error) return `read failed: ${view.error}`;
    return `${view.state ?? "not listed"}, HTTPS ${view.https ?? "?"}, ${view.fingerprint ? `serves ${view.fingerprint.slice(0, 12)}` : "no certificate"}`;
}

/** The first error line of the diagnostics other than the stack's "update failed", for a message. */
function lastError(diagnostics: string): string {
    const lines = diagnostics.split("\n").filter((line) => line.trim() !== "" && !/update failed|error occurred|^Diagnostics:|pulumi:pulumi:Stack/.test(line));
    return (lines.find((line) => /error|fail/i.test(line)) ?? lines[0] ?? "").trim().slice(0, 300);
}

/** What the CLI's error says about the domain (its first line naming it), for the row's "lost". */
function reasonFor(diagnostics: string, domain: string): string {
    const line = diagnostics.split("\n").find((l) => names(l, domain));
    return line === undefined ? "; not named in the error" : `; the error says: ${line.trim().replace(/^- /, "").slice(0, 240)}`;
}

/** The action (of at least 5 calls) that needed the most calls per success. */
function worstAction(calls: CallFigures): string {
    const worst = Object.entries(calls.byAction)
        .filter(([, row]) => row.calls >= 5)
        .sort(([, a], [, b]) => b.calls / Math.max(1, b.successes) - a.calls / Math.max(1, a.successes))[0];
    return worst ? `; most: ${worst[0]} ${perSuccess(worst[1].calls, worst[1].successes)}` : "";
}

/** "DescribeUserDomains 12/40, ...": calls an injected fault shaped, of all calls, per action. */
function faultsByAction(calls: CallFigures): string {
    return Object.entries(calls.byAction)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([action, row]) => `${action} ${row.faulted}/${row.calls}`)
        .join(", ");
}

function shapeName(shape: Shape, n: number): string {
    switch (shape) {
        case "resources":
            return `${n} DomainCertificates`;
        case "unbatched":
            return `${n} DomainCertificates, cdnBatchSize 1`;
        case "group":
            return `${n} domains in one DomainCertificateGroup`;
    }
}

function shortName(shape: Shape): string {
    return shape === "group" ? "group" : shape === "unbatched" ? "resources unbatched" : "resources";
}

export const r1FaultStorm: Scenario = {
    id: "r1",
    name: "R1 fault storm",
    async run(options: ScenarioOptions): Promise<Outcome> {
        const n = Math.max(10, Math.round(100 * options.scale));
        const domains = benchDomains(n);
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "pac-r1-"));
        const produced: ProducedText[] = [];
        const secrets: SecretUsed[] = [{ label: "access key secret of the R1 account", value: KEYS.accessKeySecret }];
        const drawn = new Set<string>();
        const notes: string[] = [];
        const lost: string[] = [];
        const figures: string[] = [];
        let runs = 0;
        let converged = 0;
        try {
            options.progress(`R1: ${n} domains, ${STORM * 100}% of calls failing, configuring ${CONFIGURING_MS} ms; preparing the package install`);
            const installDir = await preparePackageInstall();
            for (const shape of SHAPES) {
                // One certificate per shape: each rollout starts on a fresh emulator, so the two runs of a shape are
                // both creates of the same declaration.
                const issued = await issueCertificate({ dnsNames: ["*.bench.test"], key: "ec256", notAfterDays: 90 });
                secrets.push(...keySecrets(`R1 ${shortName(shape)}`, issued));
                const fingerprint = leafFingerprint(issued.chainPem);
                const pair: Rollout[] = [];
                for (const storm of [false, true]) {
                    const done = await rollout(shape, storm, n, issued, installDir, work, options.progress, (options.seed + runs + pair.length) >>> 0);
                    produced.push(...done.produced);
                    pair.push(done.rollout);
                }
                const [clean, stormy] = pair as [Rollout, Rollout];
                const cleanVerdict = judge(clean, domains, fingerprint);
                const stormVerdict = judge(stormy, domains, fingerprint);
                runs += 2;
                for (const verdict of [cleanVerdict, stormVerdict]) {
                    if (verdict.ok) converged++;
                    else lost.push(verdict.lost!);
                }
                const storm = stormVerdict.calls;
                for (const kind of Object.keys(storm.faults)) drawn.add(kind);
                const ratio = stormy.result.durationMs / Math.max(1, clean.result.durationMs);
                const namedCount = [...stormVerdict.permanent.keys()].filter((d) => stormVerdict.named.includes(d)).length;
                const permanentNote =
                    stormVerdict.permanent.size === 0
                        ? ""
                        : `, ${stormVerdict.permanent.size} permanent (${namedCount === stormVerdict.permanent.size ? "all named" : `${namedCount} named`})`;
                const refreshed = stormy.refresh
                    ? (() => {
                          const calls = callFigures(stormy.refreshEntries ?? []);
                          return `; refresh in the storm: ${stormy.refresh.code === 0 ? "no drift" : `exit ${stormy.refresh.code}`}, ${calls.faulted}/${calls.calls} calls faulted, ${milliseconds(stormy.refresh.durationMs)}`;
                      })()
                    : "";
                figures.push(
                    `${shortName(shape)}${withOutcomes(shape) ? " (with outcome faults)" : ""}: ${stormVerdict.served}/${n} serve${permanentNote}; ${storm.faulted}/${storm.calls} calls faulted ` +
                        `(${faultsByAction(storm)}); ${storm.waits} waits; ` +
                        `${perSuccess(storm.calls, storm.successes)} calls/success (${perSuccess(cleanVerdict.calls.calls, cleanVerdict.calls.successes)} fault-free); ` +
                        `${milliseconds(stormy.result.durationMs)} vs ${milliseconds(clean.result.durationMs)} (${ratio.toFixed(1)}x)${refreshed}`,
                );
                const byKind = Object.entries(storm.faults)
                    .sort(([a], [b]) => a.localeCompare(b))
                    .map(([kind, count]) => `${kind} ${count}`)
                    .join(", ");
                const byAction = (calls: CallFigures) =>
                    Object.entries(calls.byAction)
                        .sort(([a], [b]) => a.localeCompare(b))
                        .map(([action, row]) => `${action} ${row.calls}/${row.successes}`)
                        .join(", ");
                notes.push(
                    `R1 ${shapeName(shape, n)}, fault-free: exit ${clean.result.code}, ${milliseconds(clean.result.durationMs)}, ${cleanVerdict.served}/${n} serve; calls/successes by action: ${byAction(cleanVerdict.calls)}` +
                        `${cleanVerdict.calls.limited > 0 ? `; ${cleanVerdict.calls.limited} Throttling.User from the rate limiter` : ""}`,
                    `R1 ${shapeName(shape, n)}, storm: exit ${stormy.result.code}${stormy.result.timedOut ? " (timed out)" : ""}, ${milliseconds(stormy.result.durationMs)}, ${stormVerdict.served}/${n} serve; ` +
                        `${storm.calls} calls (${(storm.calls / Math.max(1, cleanVerdict.calls.calls)).toFixed(2)}x fault-free), ${storm.faulted} faulted (${((100 * storm.faulted) / Math.max(1, storm.calls)).toFixed(1)}%): ${byKind}; ` +
                        `${storm.limited} Throttling.User from the rate limiter; ${storm.waits} waits (transient answers gone through); ${stormVerdict.setTwice.length} domains changed by more than one set; calls/successes by action: ${byAction(storm)}${worstAction(storm)}`,
                );
                if (stormVerdict.permanent.size > 0) {
                    notes.push(
                        `R1 ${shapeName(shape, n)}, storm: permanent faults: ${listed(
                            [...stormVerdict.permanent].map(([d, kind]) => `${d} (${kind}${stormVerdict.named.includes(d) ? ", named" : ", NOT NAMED"})`),
                            12,
                        )}`,
                    );
                }
                const surfaced = throttlingLines(cliOutput(stormy.result));
                if (surfaced.length > 0)
                    notes.push(
                        `R1 ${shapeName(shape, n)}, storm: ${surfaced.length} output lines mention throttling, e.g. ${surfaced[0]!.trim().slice(0, 200)}`,
                    );
                for (const r of pair)
                    if (logTruncated(r.entries))
                        notes.push(`R1 ${r.label}: the emulator's request log filled up (${r.entries.length} entries): its counts are low`);
            }
            const never = FAULT_KINDS.filter((kind) => !drawn.has(kind));
            figures.push(never.length === 0 ? `all ${FAULT_KINDS.length} fault kinds drawn` : `never drawn: ${never.join(", ")}`);
            notes.push(
                "R1: free-failed and free-cname-error fire on any set, and change nothing on an upload certificate: only a free certificate's issuance can fail.",
                'R1: "calls per successful call" = calls the emulator logged / calls answered 200 whose answer reached the client (an applied-then-drop is not one); ' +
                    "a set refused for good (a domain that ended configure_failed) counts as calls without a success. " +
                    `Faults are drawn in the emulator from --random-seed ${options.seed} plus the rollout's number: the same draws in the order calls arrive; the request logs in the produced texts say which call met which.`,
            );
        } catch (error) {
            lost.push(`R1 did not complete: ${(error as Error).message.split("\n")[0]}`);
            notes.push(`R1 error: ${(error as Error).stack ?? String(error)}`);
        } finally {
            fs.rmSync(work, { recursive: true, force: true });
        }
        return {
            row: {
                scenario: "R1 fault storm",
                runs,
                converged,
                lost: lost.length === 0 ? "nothing" : lost.join("; "),
                figures: figures.join("; "),
                ok: lost.length === 0 && runs > 0 && converged === runs,
            },
            notes,
            produced,
            secrets,
        };
    },
};
