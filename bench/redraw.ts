// `npm run bench:chart`: redraws the rollout chart from a figures file the sweep wrote, without measuring anything
// (after a change to the chart's looks, or to draw a file kept from another machine). Prints the figures' table.
//
//   npm run bench:chart                                   docs/rollout.json to docs/rollout.svg
//   npm run bench:chart -- --from /tmp/rollout.json --svg /tmp/rollout.svg
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parseFigures, renderFiguresTable, renderRolloutChart } from "./chart";

function main(): void {
    const { values } = parseArgs({ options: { from: { type: "string" }, svg: { type: "string" } }, allowPositionals: false });
    const from = path.resolve(values.from ?? "docs/rollout.json");
    const svg = path.resolve(values.svg ?? `${from.replace(/\.json$/i, "")}.svg`);
    const figures = parseFigures(fs.readFileSync(from, "utf8"));
    fs.writeFileSync(svg, renderRolloutChart(figures));
    process.stdout.write(`${renderFiguresTable(figures)}\n\nwrote ${path.relative(process.cwd(), svg)} from ${path.relative(process.cwd(), from)}\n`);
}

try {
    main();
} catch (error) {
    process.stderr.write(`bench:chart: ${(error as Error).message}\n`);
    process.exit(1);
}
