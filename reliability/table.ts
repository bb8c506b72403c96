// The reliability table: a Markdown table with padded columns, readable in a terminal and pasteable into the
// README's "What it survives" as it is. Cells never hold a line break or a "|" (they would break the table).

import type { Row } from "./scenario";

const HEADER = ["scenario", "runs", "converged", "lost", "figures"] as const;

function cell(text: string): string {
    return text.replace(/\s*\n\s*/g, "; ").replace(/\|/g, "/");
}

export function renderTable(rows: readonly Row[]): string {
    const cells = rows.map((r) => [r.scenario, String(r.runs), String(r.converged), r.lost, r.figures].map(cell));
    const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    const line = (values: readonly string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(" | ")} |`;
    return [line(HEADER), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}

export function milliseconds(ms: number): string {
    return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

export function megabytes(bytes: number | undefined): string {
    return bytes === undefined ? "-" : `${(bytes / (1024 * 1024)).toFixed(0)} MB`;
}
