// The bench's DCDN group (#20): what a reader of its table relies on. The DCDN rows are judged against DCDN's own
// floor (its batch set and its certificate read at DCDN's limits; its states come from pages of the account's listing),
// and the call summary counts the domains DCDN's batch set carried, as it does CDN's.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RequestLogEntry } from "../../emulator";
import { summarize } from "../../bench/emulator";
import { limitsByActionName } from "../../bench/floors";
import { describeCalls, PHASE, renderReport, type Phase } from "../../bench/report";

function entry(action: string, domains: readonly string[], code?: string): RequestLogEntry {
    return { time: "2026-12-07T21:00:00.000Z", requestId: "r", action, domains, status: code ? 400 : 200, ...(code ? { code } : {}) };
}

function phase(name: string, secondsTaken: number, entries: readonly RequestLogEntry[]): Phase {
    return {
        name,
        result: { code: 0, stdout: "", stderr: "", durationMs: secondsTaken * 1000, timedOut: false },
        seconds: secondsTaken,
        calls: summarize(entries),
        usage: {},
        throttlingSurfaced: 0,
        notServing: 0,
    };
}

const names = (n: number, prefix = "dcdn") => Array.from({ length: n }, (_, i) => `${prefix}${i}.bench.test`);

describe("the bench's DCDN group", () => {
    it("counts the domains DCDN's batch set carried, and not those of a refused call", () => {
        const calls = summarize([
            entry("BatchSetDcdnDomainCertificate", names(10)),
            entry("BatchSetDcdnDomainCertificate", names(3)),
            entry("BatchSetDcdnDomainCertificate", names(10), "Throttling.User"),
        ]);
        assert.equal(calls.batchDomains, 13);
        assert.equal(calls.largestBatch, 10);
        assert.match(describeCalls(calls), /^3 BatchSetDcdnDomainCertificate \(13 domains, at most 10 per call\); errors: 1 Throttling\.User$/);
    });

    it("knows each DCDN action's documented limit, for the busiest-budget line", () => {
        const limits = limitsByActionName();
        assert.equal(limits.BatchSetDcdnDomainCertificate, 10);
        assert.equal(limits.DescribeDcdnDomainCertificateInfo, 100);
        assert.equal(limits.DescribeDcdnDomainDetail, 30);
        assert.equal(limits.BatchSetCdnDomainServerCertificate, 10);
    });

    it("judges the DCDN rows against DCDN's floor: 50 batch calls at 10/s + 2 s + 500 reads at 100/s + the certificate service", () => {
        const phases = new Map<string, Phase>([
            [PHASE.dcdnGroupCreate, phase(PHASE.dcdnGroupCreate, 24.22, [])],
            [PHASE.dcdnGroupRefresh, phase(PHASE.dcdnGroupRefresh, 6, [])],
        ]);
        const report = renderReport({
            domains: 500,
            batchSize: 10,
            configuringMs: 2000,
            parallel: 500,
            phases,
            anchors: [],
            startedAt: new Date("2026-12-07T21:00:00.000Z"),
            loadBefore: [1, 1, 1],
            loadAfter: [1, 1, 1],
        });
        const rowOf = (start: string) => report.split("\n").find((line) => line.startsWith(`| ${start}`));
        // 5 + 2 + 5 + 0.11 = 12.11 s; 24.22 s is twice that.
        assert.match(rowOf("`pulumi up` creating one DcdnDomainCertificateGroup of 500 DCDN domains") ?? "", /\| 24\.2 s +\| 12\.1 s +\| 2\.00x +\|/);
        assert.match(rowOf("`pulumi refresh` of the DCDN group of 500") ?? "", /\| 6\.00 s +\| 5\.00 s +\| 1\.20x +\|/);
        assert.match(report, /N = 500 CDN domains and 500 DCDN domains in one account/);
    });

    it("caps the DCDN group's batch at the 10 domains its batch set takes, when CDN's runs at 50", () => {
        const report = renderReport({
            domains: 500,
            batchSize: 50,
            configuringMs: 2000,
            parallel: 500,
            phases: new Map([[PHASE.dcdnGroupCreate, phase(PHASE.dcdnGroupCreate, 30, [])]]),
            anchors: [],
            startedAt: new Date("2026-12-07T21:00:00.000Z"),
            loadBefore: [1, 1, 1],
            loadAfter: [1, 1, 1],
        });
        assert.match(report, /DCDN floors \(its own N domains, batch size 10\)/);
        assert.match(report, /\| `pulumi up` creating one DcdnDomainCertificateGroup of 500 DCDN domains[^|]*\| 30\.0 s +\| 12\.1 s +\|/);
    });
});
