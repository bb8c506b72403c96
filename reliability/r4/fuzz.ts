// R4's fuzzing, in a process of its own (started by ../r4HostileInput.ts): an input that hangs the event loop
// cannot stop the watchdog, which lives in the parent, and one that crashes Node (a stack overflow, out of memory)
// is reported as the crash it is instead of ending the runner. Before each input it tells the parent which one
// it starts (property, run index, label), so that a hang is named with the path that replays it.
//
//   node --import tsx reliability/r4/fuzz.ts --seed N [--property NAME --path P] [--scale F]
//
// Run alone (no parent), it prints its report as JSON on stdout.
import fc from "fast-check";
import { parseArgs } from "node:util";
import { materializeText } from "./inputs";
import { definitions, providers, Recorder, type Slowest, type SoftFinding } from "./properties";
import { makePool, type Pool } from "./pool";

// The provider's modules load the Alibaba SDK's credential chain; nothing here may reach the ECS metadata address.
process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = "true";

export interface FailureReport {
    readonly key: string;
    readonly count: number;
    /** The first failing input, unshrunk: `--path <index>` replays it exactly. */
    readonly index: number;
    readonly message: string;
    /** fast-check's shrinking from there: the smallest input found that still fails, and its path. */
    readonly shrunkPath?: string;
    readonly shrunkMessage?: string;
}

export interface PropertyReport {
    readonly name: string;
    readonly runs: number;
    readonly failed: boolean;
    readonly seed: number;
    /** Each distinct way the property broke (the run goes on after a failure, so that one defect hides no other). */
    readonly failures: readonly FailureReport[];
    readonly slowest: Slowest;
    readonly findings: readonly SoftFinding[];
    readonly largestReason: number;
    readonly seconds: number;
}

/** Check's time on one certificate repeated, at two sizes: it grows with the number of blocks. */
export interface RepeatProbe {
    readonly megabytes: number;
    readonly blocks: number;
    readonly ms: number;
}

export type FuzzMessage =
    | { readonly t: "at"; readonly property: string; readonly index: number; readonly label: string }
    | { readonly t: "property"; readonly report: PropertyReport }
    | {
          readonly t: "done";
          readonly produced: { source: string; text: string }[];
          readonly secrets: { label: string; value: string; publicTexts?: string[] }[];
          readonly poolSeconds: number;
          readonly probe: RepeatProbe[];
      };

function send(message: FuzzMessage): Promise<void> {
    return new Promise((resolve) => {
        if (!process.send) resolve();
        else process.send(message, undefined, undefined, () => resolve());
    });
}

function messageOf(error: unknown): string {
    const e = error as { message?: string; stack?: string; name?: string } | null;
    // A broken property says what broke and on which input; anything else thrown is a defect of its own, and
    // where it was thrown is what the report needs.
    const where =
        e?.name === "PropertyBroken" || !e?.stack
            ? ""
            : ` at ${e.stack
                  .split("\n")
                  .slice(1, 5)
                  .map((l) =>
                      l
                          .trim()
                          .replace(/^at /, "")
                          .replace(/\(.*?\/(provider|reliability|node_modules)\//, "($1/"),
                  )
                  .join(" < ")}`;
    return `${String(e?.message ?? error).slice(0, 600)}${where}`;
}

/**
 * A certificate repeated to fill megabytes, through the provider's check, reported with the blocks it held. It was
 * the one hostile input too slow to draw thousands of times (check parsed every block before it found the copy);
 * copies are now found by hash first, and this keeps the figure in the table.
 */
async function repeatProbe(pool: Pool): Promise<RepeatProbe[]> {
    const check = providers(new Recorder()).cdn.single.check!;
    const valid = pool.certificates[1]!;
    const results: RepeatProbe[] = [];
    for (const megabytes of [1, 10]) {
        const text = materializeText(pool, { kind: "huge", shape: "repeated certificate", megabytes });
        await send({ t: "at", property: "probe", index: megabytes, label: `${megabytes} MB of one certificate repeated, as certificate` });
        const start = performance.now();
        await check({}, { domainName: "a.example.com", certificate: text, privateKey: valid.keyPkcs8 });
        results.push({ megabytes, blocks: (text.match(/-----BEGIN /g) ?? []).length, ms: performance.now() - start });
    }
    return results;
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { seed: { type: "string" }, property: { type: "string" }, path: { type: "string" }, scale: { type: "string" } } });
    const seed = Number(values.seed ?? Date.now() % 2 ** 31);
    const scale = Number(values.scale ?? "1");
    const started = performance.now();
    const pool = await makePool();
    const poolSeconds = (performance.now() - started) / 1000;
    const produced = new Map<string, string>();
    const reports: PropertyReport[] = [];
    const replaying = values.path !== undefined;
    for (const definition of definitions(pool)) {
        if (values.property !== undefined && values.property !== definition.name) continue;
        const begin = performance.now();
        const run = async (recorder: Recorder, parameters: fc.Parameters<[unknown]>) => {
            let index = 0;
            const tick = (label: () => string) => {
                recorder.index = index;
                void send({ t: "at", property: definition.name, index: index++, label: label() });
            };
            return fc.check(definition.make(pool, recorder, tick), { seed, ...parameters });
        };
        const recorder = new Recorder();
        const failures: FailureReport[] = [];
        let runs: number;
        if (replaying) {
            // One input, as a failure printed it: strict, so that fast-check reports (and shrinks) it.
            recorder.strict = true;
            const details = await run(recorder, { path: values.path!, interruptAfterTimeLimit: 120_000, markInterruptAsFailure: false });
            runs = details.numRuns;
            if (details.failed) {
                const message = messageOf(details.errorInstance);
                failures.push({ key: `${message.split(" (input: ")[0]!.split(" at ")[0]} (replayed)`, count: 1, index: -1, message });
            }
        } else {
            // Every run, a failure recorded and the run going on; then each distinct failure shrunk from its first
            // input, strictly, by fast-check (at most 4, each within 20 s: shrinking re-runs check many times).
            const details = await run(recorder, { numRuns: Math.max(1, Math.round(definition.runs * scale)) });
            runs = details.numRuns;
            for (const failure of [...recorder.failures.values()].slice(0, 4)) {
                const strict = new Recorder();
                strict.strict = true;
                const shrunk = await run(strict, { path: String(failure.index), interruptAfterTimeLimit: 20_000, markInterruptAsFailure: false });
                failures.push({
                    key: failure.key,
                    count: failure.count,
                    index: failure.index,
                    message: failure.message,
                    ...(shrunk.failed && shrunk.counterexamplePath
                        ? { shrunkPath: shrunk.counterexamplePath, shrunkMessage: messageOf(shrunk.errorInstance) }
                        : {}),
                });
            }
            for (const failure of [...recorder.failures.values()].slice(4))
                failures.push({ key: failure.key, count: failure.count, index: failure.index, message: failure.message });
        }
        const report: PropertyReport = {
            name: definition.name,
            runs,
            failed: failures.length > 0,
            seed,
            failures,
            slowest: recorder.slowest,
            findings: [...recorder.findings.values()],
            largestReason: recorder.largestReason,
            seconds: (performance.now() - begin) / 1000,
        };
        reports.push(report);
        for (const [text, source] of recorder.produced) produced.set(text, source);
        void send({ t: "property", report });
        process.stderr.write(
            `r4: ${definition.name}: ${report.runs} runs in ${report.seconds.toFixed(1)} s${report.failed ? ` FAILED (${failures.length} way${failures.length === 1 ? "" : "s"})` : ""}\n`,
        );
    }
    const probe = replaying ? [] : await repeatProbe(pool);
    const secrets: { label: string; value: string; publicTexts?: string[] }[] = pool.certificates.flatMap((c) => [
        { label: `PKCS#8 key of ${c.label}`, value: c.keyPkcs8, publicTexts: [c.chainPem] },
        { label: `PKCS#1/SEC1 key of ${c.label}`, value: c.keyTraditional, publicTexts: [c.chainPem] },
    ]);
    secrets.push({ label: "encrypted key", value: pool.encryptedKey });
    await send({ t: "done", produced: [...produced].map(([text, source]) => ({ source: `R4 ${source}`, text })), secrets, poolSeconds, probe });
    if (!process.send) process.stdout.write(`${JSON.stringify({ reports, poolSeconds, probe }, null, 2)}\n`);
    // The IPC channel keeps the process alive; the parent waits for the exit.
    process.disconnect?.();
}

main().catch((error: unknown) => {
    process.stderr.write(`r4 fuzz: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
});
