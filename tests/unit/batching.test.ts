// The batching layer's window, grouping and fallback, against an in-memory service with CDN's set-many rules and a
// timer that fires only when the test says so.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BatchingCertificateService, groupKey, type BatchTimer } from "../../provider/lifecycle/batching";
import { batchSettingsFromConfig, isBatchable } from "../../provider/alicloud/batchSet";
import { configFromRecord } from "../../provider/config";
import { AlicloudApiError } from "../../provider/apiErrors";
import { CDN, CDN_BATCH_SET, DCDN_BATCH_SET } from "../../provider/products";
import type { SetCertificateRequest, SetManyCapability, SetManyRequest } from "../../provider/lifecycle/port";
import { OnlineDomainsService } from "../support/onlineDomainsService";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIIBkey\n-----END PRIVATE KEY-----\n";
const OTHER_CERT = "-----BEGIN CERTIFICATE-----\nMIIBother\n-----END CERTIFICATE-----\n";

function upload(domainName: string, certificate = CERT): SetCertificateRequest {
    return { domainName, status: "on", certType: "upload", certificate, privateKey: KEY, certName: "c1", forceSet: false };
}

/** Records calls; a domain in `refuse` makes any call naming it fail (a batch fails whole, as the API does). */
class FakeCdn extends OnlineDomainsService {
    readonly calls: { kind: "set" | "batch"; domains: string[] }[] = [];
    readonly setMany?: SetManyCapability;
    constructor(
        readonly batchSize = 10,
        private readonly refuse = new Set<string>(),
        { hasSetMany = true } = {},
    ) {
        super();
        if (hasSetMany) this.setMany = { maxDomains: batchSize, accepts: isBatchable, send: (request) => this.batchSet(request) };
    }
    private check(action: string, domains: string[]) {
        const bad = domains.filter((d) => this.refuse.has(d));
        if (bad.length > 0) {
            throw new AlicloudApiError({ action, actionKind: "set", domainNames: domains, code: "InvalidDomain.notOnline", apiMessage: "offline" });
        }
    }
    async set(request: SetCertificateRequest) {
        this.calls.push({ kind: "set", domains: [request.domainName] });
        this.check(CDN.setAction.name, [request.domainName]);
        return { requestId: `single-${request.domainName}` };
    }
    async batchSet(request: SetManyRequest) {
        this.calls.push({ kind: "batch", domains: [...request.domainNames] });
        this.check("BatchSetCdnDomainServerCertificate", [...request.domainNames]);
        return { requestId: "batch" };
    }
}

/** Timers that fire only on `fire()`. */
function manualTimer(): BatchTimer & { fire(): void; pending(): number } {
    let callbacks = new Map<number, () => void>();
    let next = 1;
    return {
        set(callback) {
            callbacks.set(next, callback);
            return next++;
        },
        clear(handle) {
            callbacks.delete(handle as number);
        },
        fire() {
            const due = [...callbacks.values()];
            callbacks = new Map();
            for (const callback of due) callback();
        },
        pending: () => callbacks.size,
    };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("BatchingCertificateService", () => {
    it("GIVEN sets with the same parameters inside the window THEN one batch call when the window closes", async () => {
        const cdn = new FakeCdn();
        const timer = manualTimer();
        const service = new BatchingCertificateService(cdn, { timer });
        const results = ["a.test", "b.test", "c.test"].map((d) => service.set(upload(d)));
        await tick();
        assert.deepEqual(cdn.calls, [], "nothing is sent before the window closes");
        timer.fire();
        assert.deepEqual(await Promise.all(results), [{ requestId: "batch" }, { requestId: "batch" }, { requestId: "batch" }]);
        assert.deepEqual(cdn.calls, [{ kind: "batch", domains: ["a.test", "b.test", "c.test"] }]);
    });

    it("GIVEN a group reaching the batch size THEN it goes at once, and the rest opens a new group", async () => {
        const cdn = new FakeCdn(3);
        const timer = manualTimer();
        const service = new BatchingCertificateService(cdn, { timer });
        const results = ["a", "b", "c", "d", "e"].map((d) => service.set(upload(`${d}.test`)));
        await tick();
        assert.deepEqual(cdn.calls, [{ kind: "batch", domains: ["a.test", "b.test", "c.test"] }]);
        assert.equal(timer.pending(), 1, "the full group's timer was cleared; the new group's runs");
        timer.fire();
        await Promise.all(results);
        assert.deepEqual(cdn.calls.at(-1), { kind: "batch", domains: ["d.test", "e.test"] });
    });

    it("GIVEN a lone set THEN the single-domain action, after the window", async () => {
        const cdn = new FakeCdn();
        const timer = manualTimer();
        const service = new BatchingCertificateService(cdn, { timer });
        const result = service.set(upload("a.test"));
        timer.fire();
        assert.deepEqual(await result, { requestId: "single-a.test" });
        assert.deepEqual(cdn.calls, [{ kind: "set", domains: ["a.test"] }]);
    });

    it("GIVEN different certificates, names or statuses THEN separate groups", async () => {
        const cdn = new FakeCdn();
        const timer = manualTimer();
        const service = new BatchingCertificateService(cdn, { timer });
        const results = [
            service.set(upload("a.test")),
            service.set(upload("b.test", OTHER_CERT)),
            service.set(upload("c.test")),
            service.set(upload("d.test", OTHER_CERT)),
            service.set({ ...upload("e.test"), certName: "c2" }),
            service.set({ domainName: "f.test", status: "off", certType: "upload" }),
            service.set({ domainName: "g.test", status: "off", certType: "upload" }),
        ];
        timer.fire();
        await Promise.all(results);
        assert.deepEqual(cdn.calls.map((c) => `${c.kind}:${c.domains.join(",")}`).sort(), [
            "batch:a.test,c.test",
            "batch:b.test,d.test",
            "batch:f.test,g.test",
            "set:e.test",
        ]);
    });

    it("GIVEN a refused batch THEN each member is set alone: the refused domain gets its own error, the others succeed", async () => {
        const cdn = new FakeCdn(10, new Set(["bad.test"]));
        const timer = manualTimer();
        const service = new BatchingCertificateService(cdn, { timer });
        const results = ["a.test", "bad.test", "c.test"].map((d) => service.set(upload(d)));
        timer.fire();
        const outcomes = await Promise.allSettled(results);
        assert.deepEqual(
            outcomes.map((o) => o.status),
            ["fulfilled", "rejected", "fulfilled"],
        );
        const error = (outcomes[1] as PromiseRejectedResult).reason as AlicloudApiError;
        assert.equal(error.action, CDN.setAction.name);
        assert.deepEqual(error.domainNames, ["bad.test"]);
        assert.deepEqual(
            cdn.calls.map((c) => c.kind),
            ["batch", "set", "set", "set"],
        );
    });

    it("GIVEN free, cas or forceSet THEN straight through, no window", async () => {
        const cdn = new FakeCdn();
        const timer = manualTimer();
        const service = new BatchingCertificateService(cdn, { timer });
        await service.set({ domainName: "a.test", status: "on", certType: "free" });
        await service.set({ domainName: "b.test", status: "on", certType: "cas", certId: "123", certRegion: "cn-hangzhou" });
        await service.set({ ...upload("c.test"), forceSet: true });
        await service.set({ domainName: "d.test", status: "off", certType: "free" });
        assert.equal(timer.pending(), 0);
        assert.deepEqual(
            cdn.calls.map((c) => c.kind),
            ["set", "set", "set", "set"],
        );
    });

    it("GIVEN a product with no set-many call (Live) THEN every set goes straight through, at once, one call each", async () => {
        const live = new FakeCdn(10, new Set(), { hasSetMany: false });
        const timer = manualTimer();
        const service = new BatchingCertificateService(live, { timer });
        assert.equal(service.setsPerCall, 1);
        await Promise.all(["a", "b", "c"].map((d) => service.set(upload(`${d}.test`))));
        assert.equal(timer.pending(), 0, "no window opened");
        assert.deepEqual(
            live.calls,
            ["a", "b", "c"].map((d) => ({ kind: "set", domains: [`${d}.test`] })),
        );
    });

    it("GIVEN batch size 1 THEN batching is off", async () => {
        const cdn = new FakeCdn(1);
        const timer = manualTimer();
        const service = new BatchingCertificateService(cdn, { timer });
        await Promise.all([service.set(upload("a.test")), service.set(upload("b.test"))]);
        assert.equal(timer.pending(), 0);
        assert.deepEqual(
            cdn.calls.map((c) => c.kind),
            ["set", "set"],
        );
    });

    it("GIVEN the same domain twice in one window THEN two calls, never one naming it twice", async () => {
        const cdn = new FakeCdn();
        const timer = manualTimer();
        const service = new BatchingCertificateService(cdn, { timer });
        const results = [service.set(upload("a.test")), service.set(upload("b.test")), service.set(upload("a.test"))];
        timer.fire();
        await Promise.all(results);
        assert.deepEqual(cdn.calls, [
            { kind: "batch", domains: ["a.test", "b.test"] },
            { kind: "set", domains: ["a.test"] },
        ]);
    });

    it("works with real timers", async () => {
        const cdn = new FakeCdn();
        const service = new BatchingCertificateService(cdn, { windowMs: 5 });
        await Promise.all(["a.test", "b.test"].map((d) => service.set(upload(d))));
        assert.deepEqual(cdn.calls, [{ kind: "batch", domains: ["a.test", "b.test"] }]);
    });
});

describe("grouping", () => {
    it("batches upload on and off, nothing else", () => {
        assert.equal(isBatchable(upload("a.test")), true);
        assert.equal(isBatchable({ domainName: "a.test", status: "off", certType: "upload" }), true);
        assert.equal(isBatchable({ domainName: "a.test", status: "on", certType: "free" }), false);
        assert.equal(isBatchable({ domainName: "a.test", status: "on", certType: "cas", certId: "1" }), false);
        assert.equal(isBatchable({ ...upload("a.test"), forceSet: true }), false);
        assert.equal(isBatchable({ domainName: "a.test", status: "on", certType: "upload" }), false, "no certificate: let the single call explain");
    });

    it("keys by every parameter but the domain, as a hash that holds no PEM", () => {
        assert.equal(groupKey(upload("a.test")), groupKey(upload("b.test")));
        assert.notEqual(groupKey(upload("a.test")), groupKey(upload("a.test", OTHER_CERT)));
        assert.notEqual(groupKey(upload("a.test")), groupKey({ ...upload("a.test"), privateKey: `${KEY} ` }));
        assert.notEqual(groupKey(upload("a.test")), groupKey({ ...upload("a.test"), certName: undefined }));
        assert.match(groupKey(upload("a.test")), /^[0-9a-f]{64}$/);
    });
});

describe("settings from stack config", () => {
    it("defaults to 10 domains per call and a 100 ms window", () => {
        assert.deepEqual(batchSettingsFromConfig(CDN_BATCH_SET, configFromRecord({})), { batchSize: 10, windowMs: 100 });
    });

    it("reads alicloud-certs:cdnBatchSize (1 to 50) and alicloud-certs:cdnBatchWindowMs", () => {
        assert.deepEqual(
            batchSettingsFromConfig(CDN_BATCH_SET, configFromRecord({ "alicloud-certs:cdnBatchSize": "50", "alicloud-certs:cdnBatchWindowMs": "0" })),
            { batchSize: 50, windowMs: 0 },
        );
        for (const bad of ["0", "51", "ten", "1.5", "-1"]) {
            assert.throws(
                () => batchSettingsFromConfig(CDN_BATCH_SET, configFromRecord({ "alicloud-certs:cdnBatchSize": bad })),
                /alicloud-certs:cdnBatchSize/,
            );
        }
        assert.throws(() => batchSettingsFromConfig(CDN_BATCH_SET, configFromRecord({ "alicloud-certs:cdnBatchWindowMs": "5000" })), /cdnBatchWindowMs/);
    });

    it("reads DCDN's own keys, alicloud-certs:dcdnBatchSize (1 to 10, DCDN's limit) and dcdnBatchWindowMs, and not CDN's", () => {
        assert.deepEqual(batchSettingsFromConfig(DCDN_BATCH_SET, configFromRecord({})), { batchSize: 10, windowMs: 100 });
        assert.deepEqual(
            batchSettingsFromConfig(
                DCDN_BATCH_SET,
                configFromRecord({ "alicloud-certs:dcdnBatchSize": "4", "alicloud-certs:dcdnBatchWindowMs": "250", "alicloud-certs:cdnBatchSize": "50" }),
            ),
            { batchSize: 4, windowMs: 250 },
        );
        for (const bad of ["0", "11", "50"]) {
            assert.throws(
                () => batchSettingsFromConfig(DCDN_BATCH_SET, configFromRecord({ "alicloud-certs:dcdnBatchSize": bad })),
                /alicloud-certs:dcdnBatchSize must be a whole number from 1 to 10 \(domains per BatchSetDcdnDomainCertificate call\)/,
            );
        }
    });
});
