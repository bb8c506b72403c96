// Coalesced CDN sets and shared pacing, through the runtime's providers (the ones the engine's dynamic-provider
// process uses) against the emulator with its rate limits on. Each test reads the emulator's request log: which
// actions went out, for which domains, and that none was throttled.
import { describe, it, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import Cdn, * as $Cdn from "@alicloud/cdn20180510";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import { startEmulator, type RequestLogEntry, type RunningEmulator, type SeedDomain } from "../../emulator";
import { configFromRecord } from "../../provider/config";
import { CDN, CDN_BATCH_SET, CDN_LEGACY_SET, DCDN, DCDN_BATCH_SET, LIVE, PRODUCTS, type ProductId } from "../../provider/products";
import type { CertificateInputs, CertificateOutputs } from "../../provider/lifecycle/model";
import { providerFor } from "../../provider/runtime";
import { fingerprintOf, issueCertificate, type Issued, leafFingerprint } from "../../harness/certs";
import { EmulatorHooks } from "../../harness/emulatorHooks";

const ACCOUNT = { accessKeyId: "LTAIbatchingTest0000001", accessKeySecret: "batchingTestSecret00000000000001" };
const ZONE = "batch.test";
const BURST = 200;
const cdnDomain = (i: number) => `d${i}.${ZONE}`;
const liveDomain = (i: number) => `live${i}.${ZONE}`;
const dcdnDomain = (i: number) => `dcdn${i}.${ZONE}`;
const OFFLINE = `offline.${ZONE}`;
// A window wide enough that every create of a test joins one (the creates' reads arrive spread over ~0.3 s).
const TEST_WINDOW_MS = 500;

let emulator: RunningEmulator;
let hooks: EmulatorHooks;
let shared: Issued;
let other: Issued;

before(async () => {
    const domains: SeedDomain[] = [
        ...Array.from({ length: BURST }, (_, i) => ({ domainName: cdnDomain(i), product: "cdn" as const })),
        ...Array.from({ length: 3 }, (_, i) => ({ domainName: liveDomain(i), product: "live" as const })),
        ...Array.from({ length: 4 }, (_, i) => ({ domainName: dcdnDomain(i), product: "dcdn" as const })),
        { domainName: OFFLINE, product: "cdn", domainStatus: "offline" },
    ];
    emulator = await startEmulator({ port: 0, configuringMs: 150, rateLimits: true, seed: { accounts: [{ ...ACCOUNT, domains }] } });
    hooks = new EmulatorHooks(emulator.endpoint);
    shared = await issueCertificate({ dnsNames: [`*.${ZONE}`], key: "ec256" });
    other = await issueCertificate({ dnsNames: [`*.${ZONE}`], key: "ec256" });
});

after(async () => {
    await emulator?.close();
});

/** The runtime's provider of a product, configured as the engine would, with stack config pointing at the emulator. */
async function provider(productId: ProductId, extra: Record<string, string> = {}): Promise<dynamic.ResourceProvider> {
    const p = providerFor(productId);
    const config = configFromRecord({
        "alicloud:accessKey": ACCOUNT.accessKeyId,
        "alicloud:secretKey": ACCOUNT.accessKeySecret,
        [`alicloud-certs:${PRODUCTS[productId].endpointConfigKey}`]: emulator.endpoint,
        "alicloud-certs:casEndpoint": emulator.endpoint,
        "alicloud-certs:cdnBatchWindowMs": String(TEST_WINDOW_MS),
        "alicloud-certs:dcdnBatchWindowMs": String(TEST_WINDOW_MS),
        ...extra,
    });
    await p.configure!({ config } as unknown as dynamic.ConfigureRequest);
    return p;
}

async function inputsFor(p: dynamic.ResourceProvider, raw: Record<string, unknown>): Promise<CertificateInputs> {
    const result = await p.check!({}, { confirmTimeoutSeconds: 60, ...raw });
    assert.deepEqual(result.failures ?? [], []);
    return result.inputs as CertificateInputs;
}

function upload(domainName: string, issued: Issued): Record<string, unknown> {
    return { domainName, certificate: issued.chainPem, privateKey: issued.key.pkcs8 };
}

/** Creates all at once, as the engine does with --parallel; returns each outcome in order. */
async function createAll(p: dynamic.ResourceProvider, raws: Record<string, unknown>[]) {
    const inputs = await Promise.all(raws.map((raw) => inputsFor(p, raw)));
    return Promise.allSettled(inputs.map((i) => p.create(i)));
}

/** Creates all at once and asserts that every create succeeded, naming the reasons of any that did not; returns the outputs in order. */
async function createAllOk(p: dynamic.ResourceProvider, raws: Record<string, unknown>[]): Promise<CertificateOutputs[]> {
    const outcomes = await createAll(p, raws);
    assert.deepEqual(
        outcomes.flatMap((o) => (o.status === "rejected" ? [String((o.reason as Error)?.message ?? o.reason)] : [])),
        [],
        "every create succeeded",
    );
    return outcomes.map((o) => (o as PromiseFulfilledResult<{ outs: CertificateOutputs }>).value.outs);
}

/** Deletes every domain's resource at once, as a destroy does: HTTPS goes off on each. */
async function deleteAll(p: dynamic.ResourceProvider, domains: readonly string[]): Promise<void> {
    await Promise.all(domains.map((d) => p.delete!(d, { domainName: d, status: "on", certType: "upload", confirmTimeoutSeconds: 60 } as CertificateOutputs)));
}

async function turnOffAll(domains: readonly string[]): Promise<void> {
    await deleteAll(await provider("cdn"), domains);
    await hooks.reset();
}

async function servedFingerprint(domainName: string): Promise<string | undefined> {
    const url = new URL(emulator.endpoint);
    const client = new Cdn(new $OpenApiUtil.Config({ ...ACCOUNT, endpoint: url.host, protocol: "http" }));
    const response = await client.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName }));
    const pem = response.body?.certInfos?.certInfo?.[0]?.serverCertificate;
    if (!pem) return undefined;
    return leafFingerprint(pem);
}

function throttled(log: readonly RequestLogEntry[]): RequestLogEntry[] {
    return log.filter((entry) => entry.code?.includes("Throttling"));
}

function byAction(log: readonly RequestLogEntry[], action: string): RequestLogEntry[] {
    return log.filter((entry) => entry.action === action);
}

beforeEach(async () => {
    await hooks.reset();
});

describe("coalescing CDN sets", () => {
    it("GIVEN 25 concurrent creates with one certificate THEN batch calls of at most 10 domains carry all 25, and each domain serves it", async () => {
        const domains = Array.from({ length: 25 }, (_, i) => cdnDomain(i));
        await turnOffAll(domains);
        const p = await provider("cdn");
        const outs = await createAllOk(
            p,
            domains.map((d) => upload(d, shared)),
        );

        const log = await hooks.requests();
        const batches = byAction(log, CDN_BATCH_SET.name);
        assert.deepEqual(byAction(log, CDN.setAction.name), [], "no per-domain set");
        assert.ok(
            batches.every((b) => b.status === 200 && b.domains.length <= CDN_BATCH_SET.maxDomainsPerCall),
            JSON.stringify(batches),
        );
        assert.deepEqual(
            batches.map((b) => b.domains.length).sort((a, b) => b - a),
            [10, 10, 5],
        );
        assert.deepEqual(batches.flatMap((b) => b.domains).sort(), [...domains].sort());
        assert.deepEqual(throttled(log), []);

        const expected = await fingerprintOf(shared);
        for (const domain of domains) assert.equal(await servedFingerprint(domain), expected, domain);
        assert.deepEqual(
            outs.map((o) => o.fingerprint),
            domains.map(() => expected),
        );
    });

    it("GIVEN an offline domain among them THEN it fails at once without a set, naming its state; the others share batch calls", async () => {
        const domains = [cdnDomain(30), cdnDomain(31), OFFLINE, cdnDomain(32), cdnDomain(33)];
        await turnOffAll(domains.filter((d) => d !== OFFLINE));
        const p = await provider("cdn");
        const outcomes = await createAll(
            p,
            domains.map((d) => upload(d, shared)),
        );

        const log = await hooks.requests();
        const batches = byAction(log, CDN_BATCH_SET.name);
        assert.deepEqual(
            batches.map((b) => [b.status, [...b.domains].sort()]),
            [[200, domains.filter((d) => d !== OFFLINE).sort()]],
        );
        assert.deepEqual(byAction(log, CDN.setAction.name), [], "no per-domain set");
        for (const [i, domain] of domains.entries()) {
            const outcome = outcomes[i]!;
            if (domain === OFFLINE) {
                assert.equal(outcome.status, "rejected");
                const error = (outcome as PromiseRejectedResult).reason as Error;
                assert.match(error.message, new RegExp(`^${OFFLINE.replace(/\./g, "\\.")} is offline: it is stopped`));
                assert.ok(!error.message.includes("BEGIN"), "no PEM in the message");
            } else {
                assert.equal(outcome.status, "fulfilled", `${domain}: ${String((outcome as PromiseRejectedResult).reason)}`);
                assert.equal(await servedFingerprint(domain), await fingerprintOf(shared), domain);
            }
        }
        assert.deepEqual(throttled(log), []);
    });

    it("GIVEN the batch call is refused THEN each domain is set on its own, and each serves the certificate", async () => {
        const domains = [cdnDomain(34), cdnDomain(35), cdnDomain(36)];
        await turnOffAll(domains);
        await hooks.fault({ action: CDN_BATCH_SET.name, fault: "service-busy", times: 1 });
        const p = await provider("cdn");
        await createAllOk(
            p,
            domains.map((d) => upload(d, shared)),
        );
        const log = await hooks.requests();
        assert.deepEqual(
            byAction(log, CDN_BATCH_SET.name).map((b) => b.code),
            ["ServiceBusy"],
        );
        assert.deepEqual(
            byAction(log, CDN.setAction.name)
                .map((s) => s.domains[0])
                .sort(),
            [...domains].sort(),
            "one per-domain set for each resource",
        );
        for (const domain of domains) assert.equal(await servedFingerprint(domain), await fingerprintOf(shared), domain);
    });

    it("GIVEN concurrent creates with two different certificates THEN they never share a batch call", async () => {
        const withShared = [cdnDomain(40), cdnDomain(41), cdnDomain(42)];
        const withOther = [cdnDomain(43), cdnDomain(44), cdnDomain(45)];
        await turnOffAll([...withShared, ...withOther]);
        const p = await provider("cdn");
        const raws = [...withShared.map((d) => upload(d, shared)), ...withOther.map((d) => upload(d, other))];
        // Interleaved, so that a grouping by arrival order alone would mix them.
        const interleaved = raws.map((_, i) => raws[(i % 2) * 3 + Math.floor(i / 2)]!);
        await createAllOk(p, interleaved);

        const batches = byAction(await hooks.requests(), CDN_BATCH_SET.name);
        assert.deepEqual(batches.map((b) => [...b.domains].sort()).sort(), [withShared, withOther]);
        for (const d of withShared) assert.equal(await servedFingerprint(d), await fingerprintOf(shared));
        for (const d of withOther) assert.equal(await servedFingerprint(d), await fingerprintOf(other));
    });

    it("GIVEN free certificates on CDN THEN each goes through SetDomainServerCertificate, never a batch", async () => {
        const domains = [cdnDomain(50), cdnDomain(51), cdnDomain(52)];
        await turnOffAll(domains);
        const p = await provider("cdn");
        await createAllOk(
            p,
            domains.map((domainName) => ({ domainName, certType: "free" })),
        );
        const sets = await hooks.setCalls();
        assert.deepEqual(
            sets.map((s) => s.action),
            domains.map(() => CDN_LEGACY_SET.name),
        );
        assert.deepEqual(sets.map((s) => s.domains[0]).sort(), domains);
    });

    it("GIVEN HTTPS turned off on several domains at once THEN the offs share batch calls too", async () => {
        const domains = [cdnDomain(60), cdnDomain(61), cdnDomain(62), cdnDomain(63)];
        const p = await provider("cdn");
        await createAllOk(
            p,
            domains.map((d) => upload(d, shared)),
        );
        await hooks.reset();
        await deleteAll(p, domains);
        const sets = await hooks.setCalls();
        assert.deepEqual(
            sets.map((s) => [s.action, [...s.domains].sort()]),
            [[CDN_BATCH_SET.name, domains]],
        );
        for (const d of domains) assert.equal(await servedFingerprint(d), undefined);
    });

    it("GIVEN cdnBatchSize 1 in stack config THEN every set is a single-domain call", async () => {
        const domains = [cdnDomain(70), cdnDomain(71), cdnDomain(72)];
        await turnOffAll(domains);
        const p = await provider("cdn", { "alicloud-certs:cdnBatchSize": "1" });
        await createAllOk(
            p,
            domains.map((d) => upload(d, shared)),
        );
        assert.deepEqual(
            (await hooks.setCalls()).map((s) => s.action),
            domains.map(() => CDN.setAction.name),
        );
    });
});

describe("Live", () => {
    it("GIVEN concurrent Live creates with one certificate THEN each is its own SetLiveDomainCertificate call", async () => {
        const domains = [liveDomain(0), liveDomain(1), liveDomain(2)];
        const p = await provider("live");
        await createAllOk(
            p,
            domains.map((d) => upload(d, shared)),
        );
        const sets = await hooks.setCalls();
        assert.deepEqual(
            sets.map((s) => s.action),
            domains.map(() => LIVE.setAction.name),
        );
        assert.deepEqual(sets.map((s) => s.domains[0]).sort(), domains);
    });
});

describe("DCDN", () => {
    it("GIVEN concurrent DcdnDomainCertificate creates with one certificate THEN one BatchSetDcdnDomainCertificate call carries them, and turning them off another", async () => {
        const domains = [dcdnDomain(0), dcdnDomain(1), dcdnDomain(2), dcdnDomain(3)];
        const p = await provider("dcdn");
        await createAllOk(
            p,
            domains.map((d) => upload(d, shared)),
        );
        const log = await hooks.requests();
        assert.deepEqual(byAction(log, DCDN.setAction.name), [], "no per-domain set");
        assert.deepEqual(
            byAction(log, DCDN_BATCH_SET.name).map((b) => [b.status, [...b.domains].sort()]),
            [[200, domains]],
        );
        assert.deepEqual(throttled(log), []);
        await hooks.reset();
        await deleteAll(p, domains);
        assert.deepEqual(
            (await hooks.setCalls()).map((s) => [s.action, [...s.domains].sort()]),
            [[DCDN_BATCH_SET.name, domains]],
        );
    });
});

describe("pacing under bursts", () => {
    it(`GIVEN ${BURST} concurrent creates, then ${BURST} reads, then ${BURST} deletes THEN the emulator throttles nothing`, async () => {
        const domains = Array.from({ length: BURST }, (_, i) => cdnDomain(i));
        const p = await provider("cdn", { "alicloud-certs:cdnBatchWindowMs": "100" });
        await turnOffAll(domains);

        let started = performance.now();
        await createAllOk(
            p,
            domains.map((d) => upload(d, other)),
        );
        const createMs = performance.now() - started;

        started = performance.now();
        const reads = await Promise.all(domains.map((d) => p.read!(d, { domainName: d } as CertificateOutputs)));
        const readMs = performance.now() - started;
        assert.ok(reads.every((r) => r.id !== undefined && (r.props as CertificateOutputs).status === "on"));

        started = performance.now();
        await deleteAll(p, domains);
        const deleteMs = performance.now() - started;

        const log = await hooks.requests();
        assert.deepEqual(throttled(log), [], "no call was throttled");
        assert.ok(
            log.every((entry) => entry.status === 200),
            JSON.stringify(log.filter((entry) => entry.status !== 200).slice(0, 5)),
        );
        const sets = await hooks.setCalls();
        // Arrival timing decides the groups, so a straggler may go alone; nearly every set must share a call.
        assert.equal(
            sets.reduce((n, s) => n + s.domains.length, 0),
            2 * BURST,
            "each create and each delete set its domain once",
        );
        assert.ok(sets.length <= (2 * BURST) / 5, `${sets.length} set calls for ${2 * BURST} changes: ${JSON.stringify(sets.map((s) => s.domains.length))}`);
        assert.equal(byAction(log, CDN.describeDomainAction.name).length, 0, "confirmation and refresh read only the certificate");
        // Refresh is paced at the certificate read's limit (100/s): about BURST/100 s, where reading the
        // domain detail too (27/s) took BURST/27 s. The bound sits between the two, with room for a slow machine.
        assert.ok(readMs < (BURST / 27) * 1000 * 0.8, `refresh of ${BURST} took ${Math.round(readMs)} ms`);
        console.log(
            `# ${BURST} creates ${Math.round(createMs)} ms (${sets.length} set calls in all), ${BURST} reads ${Math.round(readMs)} ms, ` +
                `${BURST} deletes ${Math.round(deleteMs)} ms, ${log.length} requests, 0 throttled`,
        );
    });

    it("GIVEN 60 concurrent creates with 60 different certificates THEN the single-domain sets are paced and none is throttled", async () => {
        const domains = Array.from({ length: 60 }, (_, i) => cdnDomain(100 + i));
        await turnOffAll(domains);
        const certificates = await Promise.all(domains.map((d) => issueCertificate({ dnsNames: [d], key: "ec256" })));
        const p = await provider("cdn");
        const started = performance.now();
        await createAllOk(
            p,
            domains.map((d, i) => upload(d, certificates[i]!)),
        );
        const elapsed = performance.now() - started;
        const log = await hooks.requests();
        assert.deepEqual(throttled(log), []);
        assert.equal(byAction(log, CDN.setAction.name).length, 60);
        console.log(`# 60 distinct-certificate creates ${Math.round(elapsed)} ms`);
    });
});
