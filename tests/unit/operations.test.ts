// The lifecycle's operations against an in-memory CertificateService (the port), for what the emulator cannot be
// made to do on demand: a change that never takes effect, and a product that refuses to turn HTTPS off.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { CDN } from "../../provider/alicloud/products";
import { checkInputs } from "../../provider/lifecycle/check";
import type { CertificateInputs } from "../../provider/lifecycle/model";
import {
    ConfirmationTimeoutError,
    createCertificate,
    deleteCertificate,
    SettleTimeEstimate,
    updateCertificate,
} from "../../provider/lifecycle/operations";
import type { Clock } from "../../provider/clock";
import type { CertificateService, DeployedCertificate, SetCertificateRequest } from "../../provider/lifecycle/port";
import { issueCertificate, type Issued } from "../support/certs";
import { VirtualClock } from "../support/virtualClock";

const DOMAIN = "www.example.com";

/** A domain whose set calls are accepted; `applies` decides whether the change ever shows in describe. */
class InMemoryDomain implements CertificateService {
    readonly product = CDN;
    readonly sets: SetCertificateRequest[] = [];
    served: DeployedCertificate = { domainName: DOMAIN, status: "off", domainStatus: "online" };
    constructor(private readonly options: { applies: boolean; refuseOff?: boolean }) {}
    async describe(domainName: string) {
        return domainName === DOMAIN ? this.served : undefined;
    }
    async set(request: SetCertificateRequest) {
        this.sets.push(request);
        if (request.status === "off" && this.options.refuseOff) {
            throw Object.assign(new Error("SetCdnDomainSSLCertificate on www.example.com failed: Certificate.NotPermittedOff"), {
                code: "Certificate.NotPermittedOff",
            });
        }
        if (this.options.applies) {
            this.served = { domainName: DOMAIN, status: request.status, certificatePem: request.certificate, certType: request.certType, domainStatus: "online" };
        } else {
            this.served = { ...this.served, domainStatus: "configuring" };
        }
        return { requestId: "R1" };
    }
}

/** Time that passes only when the code sleeps. */
function fakeClock(): Clock & { slept: number } {
    let now = 0;
    const clock = {
        slept: 0,
        now: () => now,
        sleep: async (ms: number) => {
            now += ms;
            clock.slept += ms;
        },
    };
    return clock;
}

let cert: Issued;
let inputs: CertificateInputs;

before(async () => {
    cert = await issueCertificate({ dnsNames: [DOMAIN], key: "ec256" });
    const result = checkInputs(CDN, { domainName: DOMAIN, certificate: cert.chainPem, privateKey: cert.key.pkcs8, confirmTimeoutSeconds: 30, __provider: "serialized-stub" });
    inputs = result.inputs!;
});

describe("create", () => {
    it("sends every parameter in one set call", async () => {
        const service = new InMemoryDomain({ applies: true });
        await createCertificate({ product: CDN, service, clock: fakeClock() }, inputs);
        assert.equal(service.sets.length, 1);
        const sent = service.sets[0]!;
        assert.deepEqual(Object.keys(sent).filter((k) => sent[k as keyof SetCertificateRequest] !== undefined).sort(), [
            "certName",
            "certType",
            "certificate",
            "domainName",
            "forceSet",
            "privateKey",
            "status",
        ]);
        assert.equal(sent.certificate, inputs.certificate);
        assert.equal(sent.privateKey, inputs.privateKey);
    });

    it("GIVEN a change that never takes effect THEN it gives up after confirmTimeoutSeconds, keeping the resource as partially created", async () => {
        const service = new InMemoryDomain({ applies: false });
        const clock = fakeClock();
        const error = await createCertificate({ product: CDN, service, clock }, inputs).then(
            () => assert.fail("create should not succeed"),
            (e: unknown) => e,
        );
        assert.ok(error instanceof ConfirmationTimeoutError);
        assert.equal(error.id, DOMAIN);
        assert.equal(error.properties.__provider, "serialized-stub", "the partial state keeps the provider for later refresh/destroy");
        assert.equal(error.properties.domainName, DOMAIN);
        assert.match(error.message, /after 30 s the domain still serves no certificate \(HTTPS off\) \(domain status configuring\)/);
        assert.match(error.message, /run `pulumi up` again/);
        assert.ok(clock.now() <= 30_000, `waited ${clock.now()} ms`);
        assert.ok(clock.now() >= 25_000, `gave up early at ${clock.now()} ms`);
        assert.equal(service.sets.length, 1, "one set, then only reads");
        assert.ok(!JSON.stringify(error.message).includes("PRIVATE KEY"));
    });
});

describe("delete", () => {
    it("GIVEN the product refuses to turn HTTPS off THEN the error names retainOnDelete", async () => {
        const service = new InMemoryDomain({ applies: true, refuseOff: true });
        await createCertificate({ product: CDN, service, clock: fakeClock() }, inputs);
        await assert.rejects(deleteCertificate({ product: CDN, service, clock: fakeClock() }, DOMAIN, inputs), (e: Error) => {
            assert.match(e.message, /Certificate\.NotPermittedOff/);
            assert.match(e.message, /`retainOnDelete: true`/);
            return true;
        });
    });

    it("GIVEN HTTPS already off THEN it makes no call", async () => {
        const service = new InMemoryDomain({ applies: true });
        await deleteCertificate({ product: CDN, service, clock: fakeClock() }, DOMAIN, inputs);
        assert.deepEqual(service.sets, []);
    });
});

/** A domain whose change shows `settleMs` after the set, on the given clock; counts reads. */
class SlowDomain implements CertificateService {
    readonly product = CDN;
    reads = 0;
    #pending?: { at: number; served: DeployedCertificate };
    served: DeployedCertificate = { domainName: DOMAIN, status: "off", domainStatus: "online" };
    /** Runs at each read, before it is answered: what other resources do meanwhile. */
    onRead?: () => void;
    constructor(private readonly clock: Clock, private readonly settleMs: number) {}
    async describe() {
        this.reads++;
        this.onRead?.();
        if (this.#pending && this.clock.now() >= this.#pending.at) {
            this.served = this.#pending.served;
            this.#pending = undefined;
        }
        return this.served;
    }
    async set(request: SetCertificateRequest) {
        this.#pending = {
            at: this.clock.now() + this.settleMs,
            served: { domainName: DOMAIN, status: request.status, certificatePem: request.certificate, certType: request.certType, domainStatus: "online" },
        };
        return {};
    }
}

describe("confirmation reads", () => {
    it("GIVEN changes have been taking 2 s to show THEN the next resource reads once, after about 2 s", async () => {
        const settle = new SettleTimeEstimate();
        const clock = fakeClock();
        const policy = { initialIntervalMs: 250, maxIntervalMs: 5000 };
        const first = new SlowDomain(clock, 2000);
        await updateCertificate({ product: CDN, service: first, clock, confirm: policy, settle }, inputs);
        assert.equal(first.reads, 4, "the first confirmation polls at 250, 625, 1188 and 2033 ms");
        assert.equal(settle.expectedMs(), 2033);

        const next = new SlowDomain(clock, 2000);
        const before = clock.now();
        await updateCertificate({ product: CDN, service: next, clock, confirm: policy, settle }, inputs);
        assert.equal(next.reads, 1, "one read, made once the change had time to show");
        assert.equal(clock.now() - before, 2033);
    });

    it("GIVEN another resource learns that changes take 2 s while this one confirms THEN its next read waits for that", async () => {
        const settle = new SettleTimeEstimate();
        const clock = fakeClock();
        const domain = new SlowDomain(clock, 2000);
        domain.onRead = () => {
            if (domain.reads === 1) settle.record(2000);
        };
        const before = clock.now();
        await updateCertificate({ product: CDN, service: domain, clock, confirm: { initialIntervalMs: 250, maxIntervalMs: 5000 }, settle }, inputs);
        assert.equal(domain.reads, 2, "a read at 250 ms, then one at 2 s: none at 625 or 1188 ms");
        assert.equal(clock.now() - before, 2000);
    });

    it("GIVEN a change slower than the estimate THEN it falls back to polling and still confirms", async () => {
        const settle = new SettleTimeEstimate();
        settle.record(500);
        const clock = fakeClock();
        const slow = new SlowDomain(clock, 3000);
        await updateCertificate({ product: CDN, service: slow, clock, confirm: { initialIntervalMs: 250, maxIntervalMs: 5000 }, settle }, inputs);
        assert.ok(slow.reads >= 2);
        assert.equal(slow.served.status, "on");
    });
});

/** Many domains of one account; each shows a set `settleMs(domain)` after it (never when that is Infinity). */
class Fleet implements CertificateService {
    readonly product = CDN;
    readonly reads = new Map<string, number>();
    readonly #pending = new Map<string, { at: number; served: DeployedCertificate }>();
    readonly #served = new Map<string, DeployedCertificate>();
    constructor(private readonly clock: Clock, private readonly settleMs: (domain: string) => number) {}
    async describe(domainName: string) {
        this.reads.set(domainName, (this.reads.get(domainName) ?? 0) + 1);
        const pending = this.#pending.get(domainName);
        if (pending && this.clock.now() >= pending.at) {
            this.#served.set(domainName, pending.served);
            this.#pending.delete(domainName);
        }
        return this.#served.get(domainName) ?? { domainName, status: "off" as const, domainStatus: "online" };
    }
    async set(request: SetCertificateRequest) {
        const served = { domainName: request.domainName, status: request.status, certificatePem: request.certificate, certType: request.certType };
        this.#pending.set(request.domainName, { at: this.clock.now() + this.settleMs(request.domainName), served });
        return {};
    }
}

describe("confirmations before any change has been seen", () => {
    let wildcard: Issued;
    const domains = Array.from({ length: 30 }, (_, i) => `d${i}.fleet.test`);
    const inputsFor = (domainName: string) =>
        checkInputs(CDN, { domainName, certificate: wildcard.chainPem, privateKey: wildcard.key.pkcs8, confirmTimeoutSeconds: 30 }).inputs!;

    before(async () => {
        wildcard = await issueCertificate({ dnsNames: ["*.fleet.test"], key: "ec256" });
    });

    /** Every domain updated at once; settles with each outcome (the outputs, or the error). */
    async function rollout(fleet: Fleet, clock: VirtualClock, settle: SettleTimeEstimate) {
        const policy = { initialIntervalMs: 250, maxIntervalMs: 5000 };
        const all = domains.map((domain) => updateCertificate({ product: CDN, service: fleet, clock, confirm: policy, settle }, inputsFor(domain)));
        const outcomes = Promise.allSettled(all);
        await clock.run();
        return outcomes;
    }

    it("GIVEN 30 resources confirming at once THEN 10 poll to learn how long changes take, and the other 20 read once", async () => {
        const clock = new VirtualClock();
        const fleet = new Fleet(clock, () => 2000);
        const outcomes = await rollout(fleet, clock, new SettleTimeEstimate());
        assert.deepEqual(outcomes.map((o) => o.status), domains.map(() => "fulfilled"));
        const reads = domains.map((domain) => fleet.reads.get(domain));
        assert.deepEqual(reads.slice(0, 10), Array(10).fill(4), "the probes read at 250, 625, 1188 and 2033 ms");
        assert.deepEqual(reads.slice(10), Array(20).fill(1), "the others read once, when the probes have seen the change");
        assert.equal(clock.now(), 2033);
    });

    it("GIVEN the probes' own domains never take the change THEN the others take their places and still confirm in time", async () => {
        const clock = new VirtualClock();
        const probes = new Set(domains.slice(0, 10));
        const fleet = new Fleet(clock, (domain) => (probes.has(domain) ? Number.POSITIVE_INFINITY : 2000));
        const outcomes = await rollout(fleet, clock, new SettleTimeEstimate());
        outcomes.slice(0, 10).forEach((outcome) => {
            assert.equal(outcome.status, "rejected");
            assert.ok((outcome as PromiseRejectedResult).reason instanceof ConfirmationTimeoutError);
        });
        assert.deepEqual(outcomes.slice(10).map((o) => o.status), Array(20).fill("fulfilled"));
        assert.ok(clock.now() <= 30_000, `all done within the 30 s allowed (${clock.now()} ms)`);
        assert.deepEqual(domains.slice(10).map((domain) => fleet.reads.get(domain)), Array(20).fill(1));
    });
});
