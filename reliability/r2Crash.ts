// R2, crash (issue #13): a rollout to 50 CDN domains, as 50 DomainCertificates and as one DomainCertificateGroup,
// with SIGKILL at five points (r2/killPoints.ts), once of the CLI (`pulumi up`'s own process) and once of the
// dynamic-provider host only. After each kill, the recovery the README documents ("What it survives"), exactly as
// written there (r2/recovery.ts), then the checks:
// - every domain serves the declared certificate (asked with the official SDK; after a killed destroy: HTTPS off);
// - `pulumi stack export` holds each resource once, none missing, and no pending operation;
// - no domain is set again once it serves what is declared: a domain that already served it when the recovery
//   started gets no set call, and no domain takes more than the one change the rollout needs.
//
// Each case has its own emulator (a fresh cloud, its own request log) and its own project and file backend, so a
// case's recovery is judged only by what it did. Every pulumi command has a timeout. A killed CLI leaves its
// provider host running (it never exits by itself): the recovery runs with it alive, as it would on a user's
// machine, and it is ended by its id once the case is judged.
//
// R2_ONLY=single/cli/sets,group/provider/delete runs only those cases (kind/target/point); R2_RECOVERY=rerun or
// cancel-rerun tries a shorter recovery than the documented one (r2/recovery.ts says what each leaves behind).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RequestLogEntry } from "../emulator";
import { leafFingerprint } from "../harness/certs";
import { benchDomains, CERTIFICATES_PROGRAM, GROUP_PROGRAM } from "../bench/programs";
import { issueCertificate } from "../harness/certs";
import { locatePulumiCli } from "../harness/pulumiCli";
import { preparePackageInstall } from "../harness/packageInstall";
import { PulumiProject } from "../harness/project";
import { checkState, countSets, isDeclared, servedBy, type Served } from "./r2/checks";
import { runPulumi, startPulumi, transcript, type Finished } from "./r2/cli";
import { CONFIGURING_MS, KILL_POINTS, type KillPoint } from "./r2/killPoints";
import { descendantsOf, killPid, processInfo, providerHostsOf, shortName, waitGone, type ProcessInfo } from "./r2/processes";
import { deleteEmptySidecars, EMPTY_SIDECAR, RECOVERY, recoveryFor, type KillTarget } from "./r2/recovery";
import { emulatorTexts } from "./emulatorOutput";
import { keySecrets } from "./stacks";
import { EmulatorProcess } from "../harness/emulatorProcess";
import type { Outcome, ProducedText, Scenario, ScenarioOptions } from "./scenario";
import { milliseconds } from "./table";
import { pointAtEmulator } from "../harness/emulatorConfig";

/** A key pair the case emulators accept; not a credential anywhere else. */
const ACCOUNT = { accessKeyId: "LTAIr2CrashAccount000001", accessKeySecret: "r2CrashAccountSecretNotReal00001" };

/** The two shapes of the rollout: a resource per domain, or the same domains as one group. */
interface Kind {
    readonly id: "single" | "group";
    readonly label: string;
    readonly program: string;
    readonly type: string;
}

const KINDS: readonly Kind[] = [
    { id: "single", label: "DomainCertificates", program: CERTIFICATES_PROGRAM, type: "pulumi-nodejs:dynamic/alicloud-certs:DomainCertificate" },
    { id: "group", label: "DomainCertificateGroup", program: GROUP_PROGRAM, type: "pulumi-nodejs:dynamic/alicloud-certs:DomainCertificateGroup" },
];

/** Bounds for a command that hangs; a rollout of 50 takes about 15 s here. */
const COMMAND_TIMEOUT_MS = 180_000;
const SHORT_TIMEOUT_MS = 60_000;

const TARGETS: readonly KillTarget[] = ["cli", "provider"];

interface CaseResult {
    readonly name: string;
    readonly kind: Kind["id"];
    /** Domains the recovery set (those that did not serve what is declared when it started). */
    readonly setByRecovery: number;
    /** The kill left the file backend's sidecar of the stack empty, and the recovery deleted it. */
    readonly emptySidecar: boolean;
    /** Processes of the killed run still alive when the recovery ended (a killed CLI's provider host). */
    readonly leftRunning: number;
    readonly converged: boolean;
    readonly lost: readonly string[];
    /** Time from the command's start to the kill. */
    readonly killAtMs?: number;
    /** The recovery's commands, end to end. */
    readonly recoveryMs: number;
    /** Accepted sets on domains that already served what was declared when the recovery started. */
    readonly repeatedSets: number;
    /** Domains that took more than the one change the rollout needs, over the killed run and the recovery. */
    readonly changedTwice: number;
    readonly line: string;
    readonly produced: readonly ProducedText[];
}

/** The backend's checkpoint of the stack, read from the file backend: how many certificate resources it holds. */
function checkpointResources(stateDir: string, type: string): number | undefined {
    const stacks = path.join(stateDir, ".pulumi", "stacks");
    try {
        for (const entry of fs.readdirSync(stacks, { recursive: true, withFileTypes: true })) {
            if (!entry.isFile() || !entry.name.endsWith(".json")) continue;
            const checkpoint = JSON.parse(fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8"));
            const resources: any[] = checkpoint?.checkpoint?.latest?.resources ?? [];
            return resources.filter((r) => r.type === type).length;
        }
    } catch {
        // Half-written at the kill is possible in principle: the backend writes the file whole, but say so rather than throw.
        return undefined;
    }
    return undefined;
}

function flags(n: number): string[] {
    // Every resource in flight, as the benchmark runs it: the rollout then has distinct phases to kill in (the sets
    // go out together, the domains configure together, the creates return together). At the engine's default
    // --parallel (4 per core) they interleave in waves of 8.
    return ["--non-interactive", "--yes", "--color=never", "--parallel", String(n)];
}

async function runCase(
    options: ScenarioOptions,
    context: { installDir: string; domains: readonly string[]; chainPem: string; keyPem: string; fingerprint: string },
    kind: Kind,
    point: KillPoint,
    target: KillTarget,
): Promise<CaseResult> {
    const name = `${kind.id === "group" ? "group: " : ""}${target === "cli" ? "CLI" : "provider"} killed ${point.label}`;
    const { domains } = context;
    const n = domains.length;
    const produced: ProducedText[] = [];
    const lost: string[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pac-r2-${kind.id}-${point.id}-${target}-`));
    const emulator = await EmulatorProcess.start({
        stateFile: true,
        workDir: dir,
        configuringMs: String(CONFIGURING_MS),
        seed: { accounts: [{ ...ACCOUNT, domains: domains.map((domainName) => ({ domainName, product: "cdn" as const })) }] },
    });
    let project: PulumiProject | undefined;
    const leftBehind: ProcessInfo[] = [];
    const record = (f: Finished, step: string) => produced.push({ source: `R2 ${name}: ${step} (pulumi ${f.args[0]})`, text: transcript(f) });
    try {
        project = await PulumiProject.create({
            program: kind.program,
            installDir: context.installDir,
            name: `r2-${kind.id}-${point.id}-${target}`,
            timeoutMs: SHORT_TIMEOUT_MS,
        });
        fs.writeFileSync(path.join(project.dir, "fullchain.pem"), context.chainPem);
        fs.writeFileSync(path.join(project.dir, "privkey.pem"), context.keyPem);
        await pointAtEmulator(project, emulator.endpoint, ACCOUNT);
        await project.setConfig("domains", String(n));
        for (const [key, value] of Object.entries(point.config ?? {})) await project.setConfig(key, value);
        const command = point.command === "up" ? ["up", "--skip-preview"] : ["destroy", "--skip-preview"];
        // What the domains must serve in the end: the certificate, or nothing once destroyed.
        const declared = point.command === "up" ? context.fingerprint : undefined;

        if (point.command === "destroy") {
            const setup = await runPulumi(project, ["up", "--skip-preview", ...flags(n)], COMMAND_TIMEOUT_MS);
            record(setup, "the rollout before the destroy");
            if (setup.code !== 0) throw new Error(`the rollout before the destroy failed (exit ${setup.code})`);
        }

        const from = (await emulator.hooks.requests()).length;
        await point.prepare?.(emulator);
        options.progress(`r2: ${name}: pulumi ${command[0]} of ${n}`);
        const running = startPulumi(project, [...command, ...flags(n)], COMMAND_TIMEOUT_MS);
        let finishedEarly: Finished | undefined;
        void running.done.then((f) => (finishedEarly = f));
        let entries: RequestLogEntry[] = [];
        for (;;) {
            entries = (await emulator.hooks.requests()).slice(from);
            if (point.ready(entries, domains, Date.now()) || finishedEarly) break;
            await new Promise((r) => setTimeout(r, 25));
        }

        let killAtMs: number | undefined;
        let victims: ProcessInfo[] = [];
        let tree: ProcessInfo[] = [];
        let checkpointAtKill: number | undefined;
        if (finishedEarly) {
            lost.push(`the kill point was never reached: pulumi ${command[0]} ended first (exit ${finishedEarly.code})`);
        } else {
            tree = descendantsOf(running.pid);
            victims = target === "cli" ? [processInfo(running.pid)!].filter(Boolean) : providerHostsOf(running.pid);
            if (victims.length === 0) lost.push(`no ${target === "cli" ? "CLI" : "dynamic-provider host"} process found to kill`);
            for (const v of victims) killPid(v.pid);
            killAtMs = Date.now() - running.startedAt;
            checkpointAtKill = checkpointResources(project.stateDir, kind.type);
        }
        const killed = await running.done;
        record(killed, `the killed ${command[0]}`);
        if (point.id === "answer") await emulator.hooks.clearFaults();
        const setAtKill = new Set(entries.filter((e) => /^(Batch)?Set/.test(e.action ?? "") && e.status === 200).flatMap((e) => e.domains)).size;

        // What a killed CLI leaves running: its plugins and program, now children of init.
        const survivors = target === "cli" ? tree.filter((p) => processInfo(p.pid) !== undefined) : [];
        leftBehind.push(...survivors);

        // The recovery starts here: what each domain serves now decides which of them may be set from now on. Read
        // first, then mark the log: a set that lands in between (a killed CLI's provider host carries on) then
        // counts as before the recovery, where it belongs, instead of as a repeat on a domain the read saw serving.
        const before = await servedBy(emulator.endpoint, ACCOUNT, domains);
        const recoveryFrom = (await emulator.hooks.requests()).length;
        const servingBefore = domains.filter((d) => isDeclared(before.get(d), declared));

        const steps = recoveryFor(target, point.command);
        const recoveryStart = Date.now();
        let recoveryFailed: string | undefined;
        let sidecars: string[] = [];
        for (const step of steps) {
            const run = () =>
                runPulumi(
                    project!,
                    [...step.args, ...(step.engine ? flags(n) : ["--non-interactive", "--yes"])],
                    step.engine ? COMMAND_TIMEOUT_MS : SHORT_TIMEOUT_MS,
                );
            let f = await run();
            record(f, `recovery: ${step.args.join(" ")}`);
            if (f.code !== 0 && step.args[0] === "cancel" && EMPTY_SIDECAR.test(f.stderr)) {
                // The documented repair: the killed CLI left the stack's sidecar empty (r2/recovery.ts).
                sidecars = deleteEmptySidecars(project.stateDir);
                f = await run();
                record(f, `recovery: ${step.args.join(" ")} after deleting ${sidecars.join(", ") || "no sidecar"}`);
            }
            if (f.code !== 0) {
                recoveryFailed = `\`pulumi ${step.args.join(" ")}\` ${f.timedOut ? "timed out" : `exited with ${f.code}`}: ${lastError(f)}`;
                break;
            }
        }
        const recoveryMs = Date.now() - recoveryStart;
        if (recoveryFailed) lost.push(`recovery failed: ${recoveryFailed}`);

        // The checks.
        const after = await servedBy(emulator.endpoint, ACCOUNT, domains);
        const notServing = domains.filter((d) => !isDeclared(after.get(d), declared));
        if (notServing.length > 0)
            lost.push(
                `${notServing.length} domain(s) ${declared ? "do not serve the declared certificate" : "still serve HTTPS after the destroy"} (${describeServed(notServing, after)})`,
            );

        const exported = await runPulumi(project, ["stack", "export"], SHORT_TIMEOUT_MS);
        produced.push({ source: `R2 ${name}: pulumi stack export`, text: exported.stdout });
        if (exported.code !== 0) lost.push(`pulumi stack export failed: ${lastError(exported)}`);
        else {
            const state = checkState(JSON.parse(exported.stdout), kind.type);
            const held = [...state.perDomain.values()].reduce((a, b) => a + b, 0);
            if (point.command === "destroy") {
                if (held > 0) lost.push(`${held} resource(s) left in the state after the destroy`);
            } else if (kind.id === "group") {
                if (held !== 1) lost.push(`the state holds ${held} DomainCertificateGroup resources instead of 1`);
            } else {
                const missing = domains.filter((d) => !state.perDomain.has(d));
                const doubled = domains.filter((d) => (state.perDomain.get(d) ?? 0) > 1);
                if (missing.length > 0) lost.push(`${missing.length} resource(s) missing from the state (${missing.slice(0, 3).join(", ")})`);
                if (doubled.length > 0) lost.push(`${doubled.length} resource(s) doubled in the state (${doubled.slice(0, 3).join(", ")})`);
            }
            if (state.doubledUrns.length > 0) lost.push(`${state.doubledUrns.length} URN(s) twice in the state`);
            if (state.pendingOperations > 0) lost.push(`${state.pendingOperations} pending operation(s) left in the state`);
        }

        const log = await emulator.hooks.requests();
        const sinceRecovery = countSets(log, recoveryFrom);
        const repeatedDomains = servingBefore.filter((d) => (sinceRecovery.accepted.get(d) ?? 0) > 0);
        const repeatedSets = repeatedDomains.reduce((sum, d) => sum + sinceRecovery.accepted.get(d)!, 0);
        const attemptsOnServing = servingBefore.reduce((sum, d) => sum + (sinceRecovery.attempts.get(d) ?? 0), 0);
        if (repeatedSets > 0)
            lost.push(
                `${repeatedDomains.length} domain(s) already serving ${declared ? "the certificate" : "HTTPS off"} set again in the recovery (${repeatedDomains.slice(0, 3).join(", ")})`,
            );
        else if (attemptsOnServing > 0)
            lost.push(`${attemptsOnServing} set call(s) sent to domains already serving what is declared (refused, so nothing changed)`);
        const overall = countSets(log, from);
        const changedTwice = domains.filter((d) => (overall.accepted.get(d) ?? 0) > 1);
        if (changedTwice.length > 0 && repeatedSets === 0)
            lost.push(`${changedTwice.length} domain(s) changed twice over the killed run and the recovery (${changedTwice.slice(0, 3).join(", ")})`);

        // A process of the killed run still alive after the recovery would go on acting on the cloud unseen.
        const stillRunning = survivors.filter((p) => processInfo(p.pid) !== undefined);
        const survived =
            survivors.length > 0
                ? `; left running by the kill: ${summarizeProcesses(survivors)}${stillRunning.length > 0 ? ` (${stillRunning.length} still running after the recovery)` : " (all gone before the recovery ended)"}`
                : "";
        produced.push({ source: `R2 ${name}: emulator request log`, text: JSON.stringify(log) });

        // A kill meant to land among the sets (or turn-offs) that came after the last of them tested the confirmation.
        const missed = (point.id === "sets" || point.id === "delete") && setAtKill === n ? " [kill point missed: every set had gone out]" : "";
        const converged = lost.length === 0;
        const line =
            `R2 ${name}: killed ${killAtMs === undefined ? "never" : `${milliseconds(killAtMs)} in`} (${setAtKill}/${n} domains set${checkpointAtKill === undefined ? "" : kind.id === "group" ? `, checkpoint ${checkpointAtKill > 0 ? "held" : "without"} the group` : `, checkpoint held ${checkpointAtKill}/${n}`}, ` +
            `${servingBefore.length}/${n} serving ${declared ? "the certificate" : "HTTPS off"} when the recovery started); recovery \`${steps.map((s) => `pulumi ${s.args.join(" ")}`).join("` + `")}\` ` +
            `${milliseconds(recoveryMs)}, ${sinceRecovery.accepted.size} domain(s) set by it, ${repeatedSets} set(s) repeated${sidecars.length > 0 ? `; the kill left the state's sidecar empty (${sidecars.join(", ")}), deleted` : ""}${survived}: ${converged ? "converged" : lost.join("; ")}${missed}`;
        return {
            name,
            kind: kind.id,
            setByRecovery: sinceRecovery.accepted.size,
            emptySidecar: sidecars.length > 0,
            leftRunning: stillRunning.filter((p) => shortName(p) === "dynamic-provider host").length,
            converged,
            lost,
            ...(killAtMs !== undefined ? { killAtMs } : {}),
            recoveryMs,
            repeatedSets,
            changedTwice: changedTwice.length,
            line,
            produced,
        };
    } catch (error) {
        lost.push(`the case failed: ${(error as Error).message.split("\n")[0]}`);
        return {
            name,
            kind: kind.id,
            setByRecovery: 0,
            emptySidecar: false,
            leftRunning: 0,
            converged: false,
            lost,
            recoveryMs: 0,
            repeatedSets: 0,
            changedTwice: 0,
            line: `R2 ${name}: ${lost.join("; ")}`,
            produced,
        };
    } finally {
        // The processes a killed CLI left behind are R2's own (started under its pulumi command): end each by its id.
        for (const p of leftBehind) if (processInfo(p.pid)) killPid(p.pid);
        await waitGone(
            leftBehind.map((p) => p.pid),
            5_000,
        );
        produced.push(...emulatorTexts(emulator, `R2 ${name}`));
        await emulator.stop();
        await project?.cleanup();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function lastError(f: Finished): string {
    const lines = `${f.stdout}\n${f.stderr}`
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
    const error = lines.find((l) => /^error:/.test(l)) ?? lines.at(-1) ?? "";
    return error.slice(0, 300);
}

function describeServed(domains: readonly string[], served: ReadonlyMap<string, Served>): string {
    return domains
        .slice(0, 3)
        .map((d) => `${d}: ${served.get(d)?.status ?? "?"}${served.get(d)?.fingerprint ? ` ${served.get(d)!.fingerprint!.slice(0, 12)}` : ""}`)
        .join(", ");
}

function summarizeProcesses(list: readonly ProcessInfo[]): string {
    const counts = new Map<string, number>();
    for (const p of list) counts.set(shortName(p), (counts.get(shortName(p)) ?? 0) + 1);
    return [...counts].map(([k, v]) => (v > 1 ? `${v} x ${k}` : k)).join(", ");
}

export const r2Crash: Scenario = {
    id: "r2",
    name: "R2 crash",
    async run(options: ScenarioOptions): Promise<Outcome> {
        const begin = performance.now();
        const cli = locatePulumiCli();
        const n = Math.max(10, Math.round(50 * options.scale));
        const notes: string[] = [];
        if (!cli.dir) {
            return {
                row: { scenario: "R2 crash", runs: 0, converged: 0, lost: `no Pulumi CLI: ${cli.reason}`, figures: "-", ok: false },
                notes: [],
                produced: [],
                secrets: [],
            };
        }
        options.progress(`r2: packing and installing the package (reused when unchanged); ${n} domains, configuring ${CONFIGURING_MS} ms`);
        const installDir = await preparePackageInstall();
        const issued = await issueCertificate({ dnsNames: ["*.bench.test"], key: "ec256", notAfterDays: 90 });
        const fingerprint = leafFingerprint(issued.chainPem);
        const context = {
            installDir,
            domains: benchDomains(n),
            chainPem: issued.chainPem,
            keyPem: issued.key.pkcs8,
            fingerprint,
        };
        const only = process.env.R2_ONLY?.split(",");
        const results: CaseResult[] = [];
        for (const kind of KINDS) {
            for (const point of KILL_POINTS) {
                for (const target of TARGETS) {
                    if (only && !only.includes(`${kind.id}/${target}/${point.id}`)) continue;
                    const result = await runCase(options, context, kind, point, target);
                    options.progress(result.line);
                    results.push(result);
                }
            }
        }
        const converged = results.filter((r) => r.converged).length;
        const lostCases = results.filter((r) => !r.converged);
        const perKind = KINDS.map((kind) => {
            const mine = results.filter((r) => r.kind === kind.id);
            if (mine.length === 0) return undefined;
            const times = mine
                .map((r) => r.recoveryMs)
                .filter((ms) => ms > 0)
                .sort((a, b) => a - b);
            const span =
                times.length > 0
                    ? `recovery ${milliseconds(times[0]!)} to ${milliseconds(times.at(-1)!)} (median ${milliseconds(times[Math.floor(times.length / 2)]!)})`
                    : "no recovery ran";
            return `${mine.length} kills of ${n} ${kind.label === "DomainCertificates" ? "DomainCertificates" : `domains in one ${kind.label}`}: ${span}, ${mine.reduce((s, r) => s + r.setByRecovery, 0)} domains set by the recoveries`;
        }).filter((x): x is string => x !== undefined);
        const repeated = results.reduce((s, r) => s + r.repeatedSets, 0);
        const twice = results.reduce((s, r) => s + r.changedTwice, 0);
        const cliKills = results.filter((r) => r.name.includes("CLI killed"));
        const figures =
            `${perKind.join("; ")}; sets repeated on a serving domain ${repeated}, domains changed twice ${twice}; ` +
            `provider host left running by ${cliKills.filter((r) => r.leftRunning > 0).length}/${cliKills.length} CLI kills, ` +
            `state sidecar left empty by ${cliKills.filter((r) => r.emptySidecar).length}; R2 took ${milliseconds(performance.now() - begin)}`;
        notes.push(...results.map((r) => r.line));
        notes.push(`R2 recovery as the README documents it: after a killed CLI ${RECOVERY.cli}; after a killed provider host ${RECOVERY.provider}`);
        return {
            row: {
                scenario: "R2 crash",
                runs: results.length,
                converged,
                lost: lostCases.length === 0 ? "nothing" : lostCases.map((r) => `${r.name}: ${r.lost.join(", ")}`).join("; "),
                figures,
                ok: lostCases.length === 0 && results.length > 0,
            },
            notes,
            produced: results.flatMap((r) => r.produced),
            secrets: [...keySecrets("R2", issued), { label: "access key secret of the R2 account", value: ACCOUNT.accessKeySecret }],
        };
    },
};
