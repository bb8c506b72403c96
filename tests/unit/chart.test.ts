// The rollout chart (bench/chart.ts) shows what a reader relies on: a legend entry for each series and for the
// floor, the axis titles, the measured figures at their points and no others, and a note for each point left out.
// The SVG is read as text: its <text> elements are what a reader sees.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    AXIS_TITLES,
    FIGURES_VERSION,
    notesOf,
    packageRolloutFloorSeconds,
    parseFigures,
    renderFiguresTable,
    renderRolloutChart,
    SERIES_NAMES,
    type RolloutFigures,
} from "../../bench/chart";

const FIGURES: RolloutFigures = {
    version: FIGURES_VERSION,
    conditions: {
        startedAt: "2026-12-08T10:00:00.000Z",
        finishedAt: "2026-12-08T10:05:00.000Z",
        command: "npm run bench:sweep -- --domains 10,50,100",
        configuringMs: 2000,
        batchSize: 10,
        machine: "2 cores (Test CPU), 8.0 GB, Linux 6.1",
        node: "v20.0.0",
        pulumi: "3.248.0",
        loadBefore: [0.5, 0.5, 0.5],
        loadAfter: [1, 1, 1],
    },
    points: [
        {
            domains: 10,
            floorSeconds: packageRolloutFloorSeconds(10, 10, 2000),
            group: { seconds: 4.1, tookSeconds: 9 },
            perDomain: { seconds: 6.01, tookSeconds: 11 },
            terraformLoop: { seconds: 3.5, tookSeconds: 4 },
            sequentialLoop: { seconds: 2.4, tookSeconds: 3 },
        },
        {
            domains: 100,
            floorSeconds: packageRolloutFloorSeconds(100, 10, 2000),
            group: { seconds: 6.25, tookSeconds: 12 },
            perDomain: { missing: "not measured: above --per-domain-max 50", tookSeconds: 0 },
            terraformLoop: { seconds: 12.5, tookSeconds: 14 },
            sequentialLoop: { missing: "70 of 100 domains never served (70 of 100 calls failed)", tookSeconds: 5 },
        },
    ],
};

/** The text of every <text> element, unescaped as a reader sees it. */
function texts(svg: string): string[] {
    return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) =>
        m[1]!
            .replace(/&lt;/g, "<")
            .replace(/&gt;/g, ">")
            .replace(/&quot;/g, '"')
            .replace(/&#39;/g, "'")
            .replace(/&amp;/g, "&"),
    );
}

describe("the rollout chart", () => {
    const svg = renderRolloutChart(FIGURES);
    const shown = texts(svg);

    it("GIVEN figures THEN an SVG document with a white background, readable on a dark page", () => {
        assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        assert.match(svg, /<\/svg>\s*$/);
        assert.match(svg, /<rect [^>]*fill="#ffffff"/);
    });

    it("GIVEN figures THEN the legend names the three series and the computed floor", () => {
        for (const name of [SERIES_NAMES.group, SERIES_NAMES.perDomain, SERIES_NAMES.terraformLoop, SERIES_NAMES.floor]) {
            assert.ok(shown.includes(name), `legend entry ${JSON.stringify(name)} missing; texts: ${JSON.stringify(shown)}`);
        }
        assert.match(SERIES_NAMES.floor, /computed/);
    });

    it("GIVEN figures THEN both axes carry their titles", () => {
        assert.ok(shown.includes(AXIS_TITLES.x));
        assert.ok(shown.includes(AXIS_TITLES.y));
    });

    it("GIVEN figures THEN the floor is drawn as a dashed line", () => {
        assert.match(svg, /<path [^>]*stroke-dasharray/);
    });

    it("GIVEN a point not measured and a loop that never finished THEN only measured figures are written at points", () => {
        const figures = shown.filter((t) => /^\d+(\.\d+)? s$/.test(t)).sort();
        // Group at 10 and 100, per-domain at 10 only, the Terraform-style loop at 10 and 100; the acme.sh-style loop
        // and the floor carry none.
        assert.deepEqual(figures, ["12.5 s", "3.50 s", "4.10 s", "6.01 s", "6.25 s"]);
    });

    it("GIVEN a point not measured THEN a note under the chart says which and why", () => {
        const notes = shown.filter((t) => t.startsWith("Not drawn"));
        assert.ok(
            notes.some((t) => t.startsWith(`Not drawn: ${SERIES_NAMES.perDomain} at N = 100: not measured: above --per-domain-max 50.`)),
            JSON.stringify(notes),
        );
        assert.ok(
            notes.some((t) => t.includes(SERIES_NAMES.sequentialLoop)),
            JSON.stringify(notes),
        );
    });

    it("GIVEN the conditions THEN the subtitle gives the date, the configuring time, the machine and Pulumi's version", () => {
        const subtitle = shown.join("\n");
        assert.match(subtitle, /configure for 2\.00 s; batch size 10/);
        assert.match(subtitle, /Measured 2026-12-08 on 2 cores \(Test CPU\), 8\.0 GB, Linux 6\.1, load average 0\.5 at the start; Pulumi 3\.248\.0/);
        assert.doesNotMatch(subtitle, /unfinished/);
    });

    it("GIVEN a sweep still running THEN the subtitle says it is unfinished", () => {
        const { finishedAt: _finished, ...running } = FIGURES.conditions;
        assert.match(texts(renderRolloutChart({ ...FIGURES, conditions: running })).join("\n"), /sweep unfinished/);
    });
});

describe("the figures around the chart", () => {
    it("GIVEN N THEN the floor is the sets, one configuring time, the reads and the certificate service's two calls", () => {
        // ceil(100/10)/10 + 2 + 100/100 + (1/100 + 1/10)
        assert.ok(Math.abs(packageRolloutFloorSeconds(100, 10, 2000) - 4.11) < 1e-9);
        assert.ok(Math.abs(packageRolloutFloorSeconds(2000, 10, 2000) - 42.11) < 1e-9);
    });

    it("GIVEN every point drawn THEN no note but the acme.sh-style loop's", () => {
        assert.deepEqual(notesOf([FIGURES.points[0]!]), [
            `Not drawn, as each throttled call leaves its domain without the certificate: ${SERIES_NAMES.sequentialLoop}; N = 10: 2.40 s.`,
        ]);
    });

    it("GIVEN the figures written as JSON THEN they read back; a file of another version or a figure without a reason is refused", () => {
        assert.deepEqual(parseFigures(JSON.stringify(FIGURES)), FIGURES);
        assert.throws(() => parseFigures(JSON.stringify({ ...FIGURES, version: 2 })), /version 1/);
        const unexplained = { ...FIGURES, points: [{ domains: 10, floorSeconds: 2.3, group: { tookSeconds: 1 } }] };
        assert.throws(() => parseFigures(JSON.stringify(unexplained)), /N=10 group: neither seconds nor why missing/);
    });

    it("GIVEN figures THEN a Markdown table with a row per N", () => {
        const table = renderFiguresTable(FIGURES).split("\n");
        assert.equal(table.length, 4);
        assert.equal(table[2], "| 10 | 2.31 s | 4.10 s | 6.01 s | 3.50 s | 2.40 s |");
        assert.equal(
            table[3],
            "| 100 | 4.11 s | 6.25 s | not measured: above --per-domain-max 50 | 12.5 s | 70 of 100 domains never served (70 of 100 calls failed) |",
        );
    });
});
