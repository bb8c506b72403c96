// R4, hostile input (issue #13): property-based fuzzing of check, normalization and diff with fast-check (r4/), and
// the emulator under a storm of well-formed and malformed requests (r4/emulatorStorm.ts).
//
// The fuzzing runs in a child process (r4/fuzz.ts) watched from here: it names each input before it starts it, so
// an input that blocks its event loop for HANG_MS is reported as a hang, with the seed and path that replay it, and
// one that kills the process (a stack overflow, out of memory) as a crash, instead of either stopping the runner.
import { fork } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import type { FuzzMessage, PropertyReport, RepeatProbe } from "./r4/fuzz";
import { runStorm, type StormResult } from "./r4/emulatorStorm";
import type { Outcome, ProducedText, Scenario, ScenarioOptions, SecretUsed } from "./scenario";
import { megabytes, milliseconds } from "./table";

/** No input may keep check, a parser or diff busy this long: the slowest legitimate one takes a few seconds. */
const HANG_MS = 30_000;

const REPO_ROOT = path.resolve(__dirname, "..");

interface FuzzOutcome {
    readonly reports: PropertyReport[];
    readonly produced: ProducedText[];
    readonly secrets: SecretUsed[];
    readonly poolSeconds: number;
    readonly probe: RepeatProbe[];
    readonly seconds: number;
    /** The input that was running when the watchdog fired, or when the process died. */
    readonly hang?: string;
    readonly crash?: string;
    readonly stderr: string;
}

function replayCommand(seed: number, property: string, at: string): string {
    return `npx tsx reliability/run.ts --only r4 --seed ${seed} --property ${property} --path ${JSON.stringify(at)}`;
}

function runFuzz(options: ScenarioOptions): Promise<FuzzOutcome> {
    const args = ["--seed", String(options.seed), "--scale", String(options.scale)];
    if (options.property !== undefined) args.push("--property", options.property);
    if (options.path !== undefined) args.push("--path", options.path);
    const begin = performance.now();
    const child = fork(path.join(__dirname, "r4", "fuzz.ts"), args, {
        cwd: REPO_ROOT,
        execArgv: ["--import", "tsx"],
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        env: { ...process.env, ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true" },
    });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
        stderr += d;
        for (const line of d.split("\n")) if (line.startsWith("r4: ")) options.progress(line);
    });
    child.stdout!.resume();
    const reports: PropertyReport[] = [];
    let done: Extract<FuzzMessage, { t: "done" }> | undefined;
    let current: Extract<FuzzMessage, { t: "at" }> | undefined;
    let lastMessage = performance.now();
    let hang: string | undefined;
    child.on("message", (message: FuzzMessage) => {
        lastMessage = performance.now();
        if (message.t === "at") current = message;
        else if (message.t === "property") reports.push(message.report);
        else done = message;
    });
    const watchdog = setInterval(() => {
        if (performance.now() - lastMessage < HANG_MS) return;
        hang = current
            ? `${current.property} input #${current.index} (${current.label}) ran over ${HANG_MS / 1000} s; replay: ${replayCommand(options.seed, current.property, String(current.index))}`
            : `no input started within ${HANG_MS / 1000} s`;
        child.kill("SIGKILL");
    }, 1_000);
    return new Promise((resolve) => {
        child.once("exit", (code, signal) => {
            clearInterval(watchdog);
            const crash =
                hang === undefined && (code !== 0 || done === undefined)
                    ? `the fuzzing process ended with ${signal ?? `exit code ${code}`}${current ? ` during ${current.property} input #${current.index} (${current.label}); replay: ${replayCommand(options.seed, current.property, String(current.index))}` : ""}: ${stderr.trim().split("\n").slice(-3).join(" / ")}`
                    : undefined;
            resolve({
                reports,
                produced: done?.produced ?? [],
                secrets: done?.secrets ?? [],
                poolSeconds: done?.poolSeconds ?? 0,
                probe: done?.probe ?? [],
                seconds: (performance.now() - begin) / 1000,
                ...(hang ? { hang } : {}),
                ...(crash ? { crash } : {}),
                stderr,
            });
        });
    });
}

function loadAverage(): string {
    return os.loadavg()[0]!.toFixed(1);
}

function count(n: number): string {
    return n.toLocaleString("en-US");
}

function describeStorm(storm: StormResult): string {
    const m = storm.memory;
    const malformed = Object.entries(storm.byKind)
        .filter(([k]) => !k.startsWith("sdk ") || k.includes("wrong") || k.includes("unknown"))
        .reduce((n, [, t]) => n + t.sent, 0);
    return (
        `emulator: ${count(storm.requests)} requests (${count(malformed)} malformed) from 50 clients in ${storm.seconds.toFixed(0)} s, ` +
        `RSS ${megabytes(m.startRss)} start / ${megabytes(m.peakHwm)} peak / ${megabytes(m.endRss)} end, state file read ${storm.stateReads}× ${storm.stateCorrupt.length === 0 ? "intact" : "CORRUPT"}`
    );
}

export const r4HostileInput: Scenario = {
    id: "r4",
    name: "R4 hostile input",
    async run(options: ScenarioOptions): Promise<Outcome> {
        const replaying = options.path !== undefined;
        // Timings depend on what else runs on the machine: the load is noted with them.
        const loadAtStart = loadAverage();
        options.progress(`r4: fuzzing (seed ${options.seed})${replaying ? `, replaying ${options.property} at ${options.path}` : ""}`);
        const fuzz = await runFuzz(options);
        const storm = replaying
            ? undefined
            : await runStorm({
                  cliPath: path.join(REPO_ROOT, "dist", "emulator", "cli.js"),
                  seed: options.seed,
                  requests: Math.round(10_000 * options.scale),
                  progress: options.progress,
              });

        const notes: string[] = [];
        const lost: string[] = [];
        const inputs = fuzz.reports.reduce((n, r) => n + r.runs, 0);
        const held = fuzz.reports.reduce((n, r) => n + r.runs - r.failures.reduce((m, f) => m + f.count, 0), 0);
        const slowest = fuzz.reports.reduce((s, r) => (r.slowest.ms > s.slowest.ms ? r : s), fuzz.reports[0] ?? { slowest: { ms: 0, label: "-" } });
        const largestReason = Math.max(0, ...fuzz.reports.map((r) => r.largestReason));
        notes.push(`R4 machine: ${os.cpus().length} cores, 1-minute load ${loadAtStart} at the start, ${loadAverage()} at the end`);
        notes.push(
            `R4 fuzzing: seed ${options.seed}, ${count(inputs)} inputs in ${fuzz.seconds.toFixed(1)} s (certificates made in ${fuzz.poolSeconds.toFixed(1)} s); replay any run with --seed ${options.seed}`,
        );
        for (const r of fuzz.reports) {
            notes.push(
                `  ${r.name.padEnd(16)} ${String(r.runs).padStart(5)} inputs ${r.seconds.toFixed(1).padStart(6)} s  slowest ${milliseconds(r.slowest.ms)}: ${r.slowest.label.slice(0, 200)}`,
            );
            for (const f of r.failures) {
                notes.push(`    FAILED ${f.count}×: ${f.message}`);
                if (f.index >= 0) notes.push(`      first input: ${replayCommand(r.seed, r.name, String(f.index))}`);
                if (f.shrunkPath) notes.push(`      shrunk to: ${f.shrunkMessage ?? ""}\n      replay: ${replayCommand(r.seed, r.name, f.shrunkPath)}`);
            }
            for (const f of r.findings) {
                notes.push(
                    `    ${f.kind.startsWith("info:") ? "" : "finding "}(${f.count}×${f.largest !== undefined ? `, up to ${count(f.largest)} chars` : ""}) ${f.kind}: ${f.detail}; e.g. ${f.example}`,
                );
            }
        }
        for (const p of fuzz.probe) {
            notes.push(`  probe: ${p.megabytes} MB of one certificate repeated (${count(p.blocks)} blocks) through check: ${milliseconds(p.ms)}`);
        }
        const kinds = new Set(
            fuzz.reports.flatMap((r) => r.failures.map((f) => f.key.split(" at ")[0]!.replace(/^(parseCertificateChain|check) threw /, "throws "))),
        );
        if (kinds.size > 0) {
            const broken = fuzz.reports.filter((r) => r.failed).map((r) => r.name);
            lost.push(`${kinds.size} kinds of failure in ${broken.join(", ")} (notes)`);
        }
        if (fuzz.hang) {
            lost.push("a hang");
            notes.push(`  HANG: ${fuzz.hang}`);
        }
        if (fuzz.crash) {
            lost.push("the fuzzing process crashed");
            notes.push(`  CRASH: ${fuzz.crash}`);
        }

        let runs = inputs;
        let converged = held;
        if (storm) {
            notes.push(`R4 ${describeStorm(storm)}`);
            notes.push(`  VmRSS after each 2,000 requests: ${storm.memory.series.map((b) => megabytes(b)).join(", ")}`);
            for (const [kind, t] of Object.entries(storm.byKind)) {
                const outcomes = Object.entries(t.outcomes)
                    .sort((a, b) => b[1] - a[1])
                    .map(([o, n]) => `${o} ${n}`)
                    .join(", ");
                notes.push(`  ${kind.padEnd(42)} ${String(t.sent).padStart(5)}  ${outcomes}`);
            }
            for (const d of storm.defects) notes.push(`  DEFECT: ${d}`);
            for (const s of storm.stateCorrupt) notes.push(`  STATE FILE: ${s}`);
            if (storm.crashed) lost.push(`emulator crashed (${storm.crashed.slice(0, 80)})`);
            if (storm.stateCorrupt.length > 0) lost.push("state file corrupt");
            if (!storm.domainsKept) lost.push("domains lost from the state");
            if (!storm.finalCallOk) lost.push("emulator stopped answering");
            if (storm.defects.length > 0) lost.push(`${storm.defects.length} emulator defect${storm.defects.length === 1 ? "" : "s"}`);
            runs += storm.requests;
            converged += Math.max(0, storm.requests - storm.violations - (storm.crashed ? 1 : 0));
        }
        const findings = fuzz.reports.reduce((n, r) => n + r.findings.filter((f) => !f.kind.startsWith("info:")).length, 0);
        const figures = [
            `${findings} finding${findings === 1 ? "" : "s"} (notes)`,
            `${count(inputs)} fuzzed inputs, slowest ${milliseconds(slowest.slowest.ms)} (${slowest.slowest.label.slice(0, 100)}), longest reason ${count(largestReason)} chars`,
            ...fuzz.probe.slice(-1).map((p) => `check on ${p.megabytes} MB of a repeated certificate ${milliseconds(p.ms)}`),
            ...(storm ? [describeStorm(storm)] : []),
        ].join("; ");

        const produced: ProducedText[] = [
            ...fuzz.produced,
            { source: "R4 fuzzing process output", text: fuzz.stderr },
            { source: "R4 notes", text: notes.join("\n") },
            ...(storm?.produced ?? []),
        ];
        return {
            row: { scenario: "R4 hostile input", runs, converged, lost: lost.length === 0 ? "nothing" : lost.join(", "), figures, ok: lost.length === 0 },
            notes,
            produced,
            secrets: [...fuzz.secrets, ...(storm?.secrets ?? [])],
        };
    },
};
