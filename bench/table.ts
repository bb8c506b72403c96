// The benchmark's one table: a Markdown table with padded columns, readable in a terminal and pasteable into the
// README as it is.

export interface Row {
    readonly figure: string;
    readonly measured: string;
    readonly floor: string;
    readonly ratio: string;
    readonly target: string;
    /** true: met, false: missed, undefined: no target (context row). */
    readonly ok?: boolean;
}

const HEADER = ["figure", "measured", "floor", "ratio", "target", "ok?"] as const;

export function renderTable(rows: readonly Row[]): string {
    const cells = rows.map((r) => [r.figure, r.measured, r.floor, r.ratio, r.target, r.ok === undefined ? "" : r.ok ? "yes" : "**no**"]);
    const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    const line = (values: readonly string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(" | ")} |`;
    return [line(HEADER), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}

export function seconds(value: number | undefined): string {
    if (value === undefined || !Number.isFinite(value)) return "-";
    return value >= 100 ? `${value.toFixed(0)} s` : value >= 10 ? `${value.toFixed(1)} s` : `${value.toFixed(2)} s`;
}

export function times(value: number | undefined): string {
    return value === undefined || !Number.isFinite(value) ? "-" : `${value.toFixed(2)}x`;
}

export function megabytes(bytes: number): string {
    return `${(bytes / (1024 * 1024)).toFixed(0)} MB`;
}
