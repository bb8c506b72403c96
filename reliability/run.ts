// `npm run reliability` (issue #13): runs each scenario against the emulator (and, for R1-R3, the real CLI), then
// prints ONE table on stdout: scenario, runs, converged, what was lost (must be nothing), figures; the notes under
// it say what each figure is made of and how to replay a failure. Progress goes to stderr. Exits 1 when any row
// lost something.
//
//   npm run reliability
//   npm run reliability -- --only r4,r5 --seed 42
//   npx tsx reliability/run.ts --only r4 --seed 42 --property check-single --path "123:4"   (replays one input)
//
// Every process it starts talks to 127.0.0.1 only.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { r1FaultStorm } from "./r1FaultStorm";
import { r2Crash } from "./r2Crash";
import { r3Concurrency } from "./r3Concurrency";
import { r4HostileInput } from "./r4HostileInput";
import { r5SecretSearch } from "./r5SecretSearch";
import type { Outcome, Scenario } from "./scenario";
import { renderTable } from "./table";

// The SDK's default credential chain would otherwise probe the ECS metadata address (100.100.100.200).
process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = "true";

// In the order they run, each a module `rN<Name>.ts` exporting a Scenario. R5 comes last: it searches what the
// others produced.
const SCENARIOS: readonly Scenario[] = [r1FaultStorm, r2Crash, r3Concurrency, r4HostileInput, r5SecretSearch];

const USAGE = `Usage: npm run reliability -- [options]

  --only IDS        comma-separated scenario ids (${SCENARIOS.map((s) => s.id).join(", ")}); default: all
  --seed N          the seed of every random draw (fast-check's and the emulator storm's); default: random, printed
  --property NAME   with --path: the R4 property to replay (normalize-text, normalize-domain, check-single,
                    check-group, diff, huge)
  --path P          fast-check's counterexample path, as a failure prints it
  --scale F         multiply every run count by F (default 1, the issue's figures; 0.1 for a quick look)
  -h, --help        this text
`;

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            only: { type: "string" },
            seed: { type: "string" },
            scale: { type: "string" },
            property: { type: "string" },
            path: { type: "string" },
            help: { type: "boolean", short: "h" },
        },
    });
    if (values.help) {
        process.stdout.write(USAGE);
        return 0;
    }
    const only = values.only?.split(",").map((s) => s.trim().toLowerCase());
    const unknown = only?.filter((id) => !SCENARIOS.some((s) => s.id === id)) ?? [];
    if (unknown.length > 0) {
        process.stderr.write(`unknown scenario ${unknown.join(", ")}\n\n${USAGE}`);
        return 2;
    }
    if ((values.path === undefined) !== (values.property === undefined)) {
        process.stderr.write(`--path and --property go together\n\n${USAGE}`);
        return 2;
    }
    const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
    if (!Number.isInteger(seed)) {
        process.stderr.write(`--seed must be an integer\n`);
        return 2;
    }
    const scale = Number(values.scale ?? "1");
    if (!(scale > 0)) {
        process.stderr.write(`--scale must be a positive number\n`);
        return 2;
    }
    const cli = path.resolve(__dirname, "..", "dist", "emulator", "cli.js");
    if (!fs.existsSync(cli)) {
        process.stderr.write(`${cli} is missing: run \`npm run build\` first (npm run reliability does)\n`);
        return 2;
    }
    const progress = (line: string) => process.stderr.write(`${line}\n`);
    progress(`reliability: seed ${seed}`);
    const outcomes: Outcome[] = [];
    for (const scenario of SCENARIOS) {
        if (only && !only.includes(scenario.id)) continue;
        const begin = performance.now();
        const outcome = await scenario.run({
            seed,
            scale,
            earlier: [...outcomes],
            progress,
            ...(values.path !== undefined ? { path: values.path, property: values.property } : {}),
        });
        progress(`${scenario.name}: ${((performance.now() - begin) / 1000).toFixed(1)} s`);
        outcomes.push(outcome);
    }
    process.stdout.write(`${renderTable(outcomes.map((o) => o.row))}\n\n`);
    process.stdout.write(`seed ${seed}\n${outcomes.flatMap((o) => o.notes).join("\n")}\n`);
    return outcomes.every((o) => o.row.ok) ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (error: unknown) => {
        process.stderr.write(`reliability: ${(error as Error).stack ?? String(error)}\n`);
        process.exit(1);
    },
);
