// The rollout chart: how long putting one certificate on N CDN domains takes, against N, for one
// DomainCertificateGroup, for N DomainCertificate resources and for a Terraform-style loop, with the floor the
// documented limits allow drawn as a line. It is drawn from the sweep's figures file (docs/rollout.json), never from a
// fresh measurement, so that a chart can always be redrawn from the numbers it shows.
//
// Drawn with Apache ECharts: its server-side rendering turns a chart into an SVG string with neither a DOM nor a
// canvas, it does log axes, dashed lines and legends, and it ships its own types and CommonJS build, which this
// CommonJS project imports as it is (Vega is ESM-only, Observable Plot needs jsdom).
//
// Rules the chart keeps, because a reader cannot check them from the picture:
// - a point is drawn only where the sweep measured one: a shape that failed, left domains without the certificate,
//   or was not run at some N has no point there, and a note under the chart says which and why;
// - the floor is the one line computed rather than measured, and its legend says so.
import * as echarts from "echarts";
import { certificateStoreFloorSeconds, rolloutFloor } from "./floors";
import { seconds as formatSeconds } from "./table";

/** The format of the figures file; a file of another version is refused rather than misread. */
export const FIGURES_VERSION = 1;

/** The shapes drawn as series, in legend order. */
export const DRAWN_SHAPES = ["group", "perDomain", "terraformLoop"] as const;
export type DrawnShape = (typeof DRAWN_SHAPES)[number];
/** Every shape the sweep measures: the drawn ones, and the acme.sh-style loop, which is told in a note only. */
export type Shape = DrawnShape | "sequentialLoop";

/** The legend's names: what a reader of the chart sees for each line. */
export const SERIES_NAMES: Readonly<Record<Shape | "floor", string>> = {
    group: "one DomainCertificateGroup",
    perDomain: "N DomainCertificate resources (--parallel N)",
    terraformLoop: "Terraform-style loop: 10 SDK calls in parallel, retried",
    sequentialLoop: "acme.sh-style loop: 1 SDK call at a time, no retry",
    floor: "floor, computed from the documented rate limits",
};

export const AXIS_TITLES = {
    x: "CDN domains (N, log scale)",
    y: "seconds until every domain serves it (log scale)",
} as const;

/** One shape at one N. */
export interface Measurement {
    /**
     * Seconds until every domain served the certificate: the whole `pulumi up` as a user waits for it, or a loop's
     * first call to the last domain seen serving. Absent when there is no such time (see `missing`).
     */
    readonly seconds?: number;
    /** Why there is no figure: not measured (and why), the command failed, or domains never served it. */
    readonly missing?: string;
    /** Wall time this measurement took, set-up and checks included: what the next sweep's duration is estimated from. */
    readonly tookSeconds?: number;
}

export interface SweepPoint {
    readonly domains: number;
    /** The rollout floor at this N (floors.ts), the same formula the chart draws. */
    readonly floorSeconds: number;
    readonly group?: Measurement;
    readonly perDomain?: Measurement;
    readonly terraformLoop?: Measurement;
    readonly sequentialLoop?: Measurement;
}

/** What a figure depends on, kept with it: the docs state each figure's date and conditions. */
export interface Conditions {
    readonly startedAt: string;
    /** Absent while the sweep is still running (the file is rewritten after every N). */
    readonly finishedAt?: string;
    readonly command: string;
    readonly configuringMs: number;
    readonly batchSize: number;
    /** e.g. "2 cores (AMD EPYC ...), 7.8 GB, Linux 6.1" */
    readonly machine: string;
    readonly node: string;
    readonly pulumi: string;
    readonly loadBefore: readonly number[];
    readonly loadAfter?: readonly number[];
}

export interface RolloutFigures {
    readonly version: typeof FIGURES_VERSION;
    readonly conditions: Conditions;
    readonly points: readonly SweepPoint[];
}

/** The floor of a rollout through this package: sets, one configuring time, reads, and the certificate service. */
export function packageRolloutFloorSeconds(domains: number, batchSize: number, configuringMs: number): number {
    return rolloutFloor({ domains, batchSize, configuringMs }).totalSeconds + certificateStoreFloorSeconds();
}

/** Reads a figures file's text; throws naming what is wrong, so that a chart is never drawn from a misread file. */
export function parseFigures(text: string): RolloutFigures {
    const data = JSON.parse(text) as Partial<RolloutFigures> | null;
    if (data?.version !== FIGURES_VERSION) throw new Error(`not a rollout figures file of version ${FIGURES_VERSION} (version ${String(data?.version)})`);
    const c = data.conditions;
    if (!c || typeof c.configuringMs !== "number" || typeof c.batchSize !== "number" || typeof c.startedAt !== "string") {
        throw new Error("the figures file lacks its conditions (configuringMs, batchSize, startedAt)");
    }
    if (!Array.isArray(data.points) || data.points.length === 0) throw new Error("the figures file has no points");
    for (const p of data.points) {
        if (!Number.isInteger(p.domains) || p.domains < 1) throw new Error(`a point has no valid domain count: ${JSON.stringify(p)}`);
        for (const shape of [...DRAWN_SHAPES, "sequentialLoop"] as const) {
            const m = p[shape];
            if (m && m.seconds === undefined && !m.missing) throw new Error(`N=${p.domains} ${shape}: neither seconds nor why missing`);
        }
    }
    return data as RolloutFigures;
}

export interface ChartOptions {
    readonly width?: number;
    readonly height?: number;
}

/** The chart as an SVG document. */
export function renderRolloutChart(figures: RolloutFigures, options: ChartOptions = {}): string {
    const { conditions } = figures;
    const points = [...figures.points].sort((a, b) => a.domains - b.domains);
    const notes = notesOf(points).flatMap((note) => wrap(note, 150));
    const width = options.width ?? 900;
    // Room for the notes under the plot: a line each.
    const notesHeight = notes.length * 16;
    const height = (options.height ?? 540) + notesHeight;

    const measured = (shape: DrawnShape) =>
        points.flatMap((p) => (p[shape]?.seconds === undefined ? [] : [[p.domains, p[shape]!.seconds!] as [number, number]]));
    const floor = floorCurve(points[0]!.domains, points[points.length - 1]!.domains, conditions.batchSize, conditions.configuringMs);
    const values = [...DRAWN_SHAPES.flatMap((s) => measured(s).map(([, y]) => y)), ...floor.map(([, y]) => y)];
    // The 1-2-5 steps just outside the values bound the axis and carry its labels, so that the lines fill the plot
    // (ECharts would start a log axis at 1) and a figure can be read off between two labels a factor 2 or 2.5 apart.
    const ySteps = oneTwoFive(Math.min(...values), Math.max(...values));

    const colors: Record<DrawnShape | "floor", string> = { group: "#2e7d32", perDomain: "#c62828", terraformLoop: "#1565c0", floor: "#616161" };
    // Each series writes its figures on its own side of the point, so that close values stay readable.
    const labelSide: Record<DrawnShape, "top" | "left" | "right"> = { perDomain: "top", group: "left", terraformLoop: "right" };
    const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
    try {
        chart.setOption({
            animation: false,
            // White, not transparent: the dark text must stay readable on a dark page.
            backgroundColor: "#ffffff",
            textStyle: { fontFamily: "sans-serif" },
            title: {
                text: "Putting one certificate on N CDN domains (create)",
                subtext: subtitle(conditions),
                left: "center",
                top: 8,
                textStyle: { fontSize: 16 },
                subtextStyle: { fontSize: 11, color: "#424242" },
            },
            // One entry a line, inside the plot's upper left, which the lines leave empty (they rise to the right):
            // side by side, long names would run into each other where the renderer guesses text widths.
            legend: { orient: "vertical", top: 106, left: 84, itemGap: 6, backgroundColor: "rgba(255,255,255,0.9)", textStyle: { fontSize: 12 } },
            grid: { left: 70, right: 60, top: 94, bottom: 60 + notesHeight },
            xAxis: {
                type: "log",
                logBase: 10,
                name: AXIS_TITLES.x,
                nameLocation: "middle",
                nameGap: 30,
                // A little either side of the measured N, so that no point sits on an axis and the last figures fit.
                min: Math.floor(points[0]!.domains / 1.25),
                max: Math.ceil(points[points.length - 1]!.domains * 1.25),
                // Ticks and labels at the measured N, not at the powers of 10, which a sweep may not measure.
                axisTick: { customValues: points.map((p) => p.domains) },
                axisLabel: { customValues: points.map((p) => p.domains) },
                minorTick: { show: true },
                minorSplitLine: { show: true, lineStyle: { color: "#f0f0f0" } },
            },
            yAxis: {
                type: "log",
                logBase: 10,
                name: AXIS_TITLES.y,
                nameLocation: "middle",
                nameGap: 45,
                min: ySteps[0],
                max: ySteps[ySteps.length - 1],
                axisTick: { customValues: ySteps },
                axisLabel: { customValues: ySteps },
                minorTick: { show: true },
                minorSplitLine: { show: true, lineStyle: { color: "#f0f0f0" } },
            },
            series: [
                ...DRAWN_SHAPES.map((shape) => ({
                    name: SERIES_NAMES[shape],
                    type: "line" as const,
                    data: measured(shape),
                    color: colors[shape],
                    symbolSize: 7,
                    label: {
                        show: true,
                        position: labelSide[shape],
                        fontSize: 10,
                        color: colors[shape],
                        formatter: (p: { value: unknown }) => formatSeconds((p.value as [number, number])[1]),
                    },
                })),
                {
                    name: SERIES_NAMES.floor,
                    type: "line" as const,
                    data: floor,
                    color: colors.floor,
                    // No symbol on the line, and an invisible one in the legend: the dashed line alone marks the one
                    // computed series.
                    symbol: "none",
                    itemStyle: { opacity: 0 },
                    lineStyle: { type: "dashed" as const, width: 1.5 },
                },
            ],
            graphic:
                notes.length === 0
                    ? []
                    : [{ type: "text", left: 20, bottom: 10, style: { text: notes.join("\n"), fontSize: 11, lineHeight: 16, fill: "#424242" } }],
        });
        return chart.renderToSVGString();
    } finally {
        chart.dispose();
    }
}

/**
 * The floor at 48 values of N spaced evenly on the log axis: a formula, so drawn as a smooth line over the whole
 * range rather than only at the measured N.
 */
function floorCurve(from: number, to: number, batchSize: number, configuringMs: number): Array<[number, number]> {
    const steps = 48;
    const curve: Array<[number, number]> = [];
    for (let i = 0; i <= steps; i++) {
        const n = from === to ? from : Math.round(from * (to / from) ** (i / steps));
        if (curve.length > 0 && curve[curve.length - 1]![0] === n) continue;
        curve.push([n, packageRolloutFloorSeconds(n, batchSize, configuringMs)]);
    }
    return curve;
}

/** 1, 2, 5, 10, 20, ... from the largest step at or below `low` to the smallest at or above `high`. */
export function oneTwoFive(low: number, high: number): number[] {
    const steps: number[] = [];
    for (let decade = 10 ** Math.floor(Math.log10(low)); decade <= high * 10; decade *= 10) {
        for (const m of [1, 2, 5]) steps.push(Number((m * decade).toPrecision(1)));
    }
    const below = steps.filter((v) => v <= low);
    const last = steps.findIndex((v) => v >= high);
    return steps.slice(Math.max(0, below.length - 1), last + 1);
}

function subtitle(c: Conditions): string {
    const date = c.startedAt.slice(0, 10);
    return [
        `Against the package's emulator at the documented per-account limits; changes configure for ${formatSeconds(c.configuringMs / 1000)}; batch size ${c.batchSize}.`,
        "State in the local file backend; groups at the engine's default --parallel; loops time their calls alone, with no engine to start.",
        `Measured ${date}${c.finishedAt ? "" : " (sweep unfinished)"} on ${c.machine}, load average ${c.loadBefore[0]?.toFixed(1) ?? "?"} at the start; Pulumi ${c.pulumi}.`,
    ].join("\n");
}

/** Why each point that is not drawn is missing, and what the acme.sh-style loop did (it is never drawn). */
export function notesOf(points: readonly SweepPoint[]): string[] {
    const notes: string[] = [];
    for (const shape of DRAWN_SHAPES) {
        for (const p of points) {
            const m = p[shape];
            if (m === undefined) notes.push(`Not drawn: ${SERIES_NAMES[shape]} at N = ${p.domains}: not measured.`);
            else if (m.seconds === undefined) notes.push(`Not drawn: ${SERIES_NAMES[shape]} at N = ${p.domains}: ${m.missing}.`);
        }
    }
    const sequential = points.filter((p) => p.sequentialLoop !== undefined);
    if (sequential.length > 0) {
        const outcomes = sequential.map(
            (p) => `N = ${p.domains}: ${p.sequentialLoop!.seconds !== undefined ? formatSeconds(p.sequentialLoop!.seconds) : p.sequentialLoop!.missing}`,
        );
        notes.push(`Not drawn, as each throttled call leaves its domain without the certificate: ${SERIES_NAMES.sequentialLoop}; ${outcomes.join("; ")}.`);
    }
    return notes;
}

/** The figures as a Markdown table, for docs/performance.md and the sweep's output. */
/** Breaks a note into lines of at most `width` characters at spaces, the first line flush, the rest indented. */
function wrap(text: string, width: number): string[] {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(" ")) {
        if (line !== "" && line.length + 1 + word.length > width) {
            lines.push(line);
            line = `    ${word}`;
        } else line = line === "" ? word : `${line} ${word}`;
    }
    if (line !== "") lines.push(line);
    return lines;
}

export function renderFiguresTable(figures: RolloutFigures): string {
    const cell = (m: Measurement | undefined) => (m === undefined ? "not measured" : m.seconds !== undefined ? formatSeconds(m.seconds) : (m.missing ?? "-"));
    const header = `| N | floor (computed) | ${SERIES_NAMES.group} | ${SERIES_NAMES.perDomain} | ${SERIES_NAMES.terraformLoop} | ${SERIES_NAMES.sequentialLoop} |`;
    const rows = [...figures.points]
        .sort((a, b) => a.domains - b.domains)
        .map(
            (p) =>
                `| ${p.domains} | ${formatSeconds(p.floorSeconds)} | ${cell(p.group)} | ${cell(p.perDomain)} | ${cell(p.terraformLoop)} | ${cell(p.sequentialLoop)} |`,
        );
    return [header, `|${"---|".repeat(6)}`, ...rows].join("\n");
}
