// The lifecycle's operations against an in-memory CertificateService (the port), for what the emulator cannot be
// made to do on demand: a change that never takes effect, a product that refuses to turn HTTPS off, a state that
// disagrees with a refusal; and the confirmation's pure decision, state by state.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { AlicloudApiError } from "../../provider/apiErrors";
import { CDN } from "../../provider/products";
import { checkInputs } from "../../provider/lifecycle/check";
import type { CertificateInputs } from "../../provider/lifecycle/model";
import { alignedWake, decide, type Observation, type Phase } from "../../provider/lifecycle/confirmation";
import { CloudStateError, ConfirmationTimeoutError } from "../../provider/lifecycle/errors";
import { createCertificate, deleteCertificate, updateCertificate } from "../../provider/lifecycle/operations";
import type { Clock } from "../../provider/clock";
import type { CertificateService, DeployedCertificate, SetCertificateRequest } from "../../provider/lifecycle/port";
import { issueCertificate, type Issued } from "../../harness/certs";
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
    async domainStatus(domainName: string) {
        return domainName === DOMAIN ? this.served.domainStatus : undefined;
    }
    async listDomains() {
        return [{ domainName: DOMAIN, domainStatus: this.served.domainStatus ?? "online" }];
    }
    async set(request: SetCertificateRequest) {
        this.sets.push(request);
        if (request.status === "off" && this.options.refuseOff) {
            // As the adapter throws it: the set's error, which the delete rewords.
            throw new AlicloudApiError({
                action: "SetCdnDomainSSLCertificate",
                actionKind: "set",
                domainNames: [DOMAIN],
                code: "Certificate.NotPermittedOff",
                statusCode: 400,
                apiMessage: "The certificate is not permitted to be turned off.",
            });
        }
        if (this.options.applies) {
            this.served = {
                domainName: DOMAIN,
                status: request.status,
                certificatePem: request.certificate,
                certType: request.certType,
                domainStatus: "online",
            };
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
    const result = checkInputs(CDN, {
        domainName: DOMAIN,
        certificate: cert.chainPem,
        privateKey: cert.key.pkcs8,
        confirmTimeoutSeconds: 30,
        __provider: "serialized-stub",
    });
    inputs = result.inputs!;
});

describe("create", () => {
    it("sends every parameter in one set call", async () => {
        const service = new InMemoryDomain({ applies: true });
        await createCertificate({ product: CDN, service, clock: fakeClock() }, inputs);
        assert.equal(service.sets.length, 1);
        const sent = service.sets[0]!;
        assert.deepEqual(
            Object.keys(sent)
                .filter((k) => sent[k as keyof SetCertificateRequest] !== undefined)
                .sort(),
            ["certName", "certType", "certificate", "domainName", "forceSet", "privateKey", "status"],
        );
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

describe("decide: the next step of a convergence, given what was read", () => {
    const on = (fingerprintOf: "declared" | "other"): DeployedCertificate => ({
        domainName: DOMAIN,
        status: "on",
        certificatePem: fingerprintOf === "declared" ? cert.chainPem : otherCert.chainPem,
        certType: "upload",
    });
    let otherCert: Issued;
    before(async () => {
        otherCert = await issueCertificate({ dnsNames: [DOMAIN], key: "ec256" });
    });
    const cases: [Phase, string | undefined, "declared" | "other" | "unread", string][] = [
        ["confirm", undefined, "unread", "gone"],
        ["confirm", "configuring", "unread", "wait confirm"],
        ["confirm", "checking", "unread", "wait confirm"],
        ["confirm", "online", "unread", "read-certificate"],
        ["confirm", "online", "declared", "done"],
        ["confirm", "online", "other", "wait confirm"],
        ["await-idle", "online", "other", "set"],
        ["await-idle", "online", "declared", "done"],
        ["await-idle", "configuring", "other", "wait await-idle"],
        ["await-idle", "configuring", "declared", "wait confirm"],
        ["confirm", "a_state_from_the_future", "unread", "wait confirm"],
        ...(["configure_failed", "check_failed", "offline", "stopping", "deleting"] as const).flatMap(
            (state): [Phase, string, "declared" | "other" | "unread", string][] => [
                ["confirm", state, "unread", "fail domain"],
                ["await-idle", state, "declared", "fail domain"],
            ],
        ),
    ];
    for (const [phase, domainStatus, certificate, expected] of cases) {
        it(`GIVEN phase ${phase}, the domain ${domainStatus ?? "gone"}, the certificate ${certificate} THEN ${expected}`, () => {
            const observation: Observation = { domainStatus, ...(certificate === "unread" ? {} : { certificate: on(certificate) }) };
            const decision = decide(phase, inputs, observation);
            const said = decision.next === "wait" ? `wait ${decision.phase}` : decision.next === "fail" ? `fail ${decision.cause}` : decision.next;
            assert.equal(said, expected);
        });
    }

    const free = checkInputs(CDN, { domainName: DOMAIN, certType: "free" }).inputs!;
    for (const [status, expected] of [
        ["success", "done"],
        [undefined, "done"],
        ["applying", "wait confirm"],
        ["checking", "wait confirm"],
        ["cname_error", "fail certificate"],
        ["unsupport_wildcard", "fail certificate"],
        ["get_cert_timeout", "fail certificate"],
        ["failed", "fail certificate"],
    ] as const) {
        it(`GIVEN a free certificate with Status ${status ?? "(none)"} on an online domain THEN ${expected}`, () => {
            const certificate: DeployedCertificate = { domainName: DOMAIN, status: "on", certType: "free", ...(status ? { certificateStatus: status } : {}) };
            const decision = decide("confirm", free, { domainStatus: "online", certificate });
            assert.equal(decision.next === "wait" ? `wait ${decision.phase}` : decision.next === "fail" ? `fail ${decision.cause}` : decision.next, expected);
        });
    }
});

/** Domains whose changes configure for `configuringMs` on a virtual clock; counts every read. */
class Fleet implements CertificateService {
    readonly product = CDN;
    readonly certificateReads = new Map<string, number>();
    readonly stateReads = new Map<string, number>();
    readonly sets: SetCertificateRequest[] = [];
    private readonly domains = new Map<string, { served: DeployedCertificate; pending?: { served: DeployedCertificate; at: number } }>();
    /** Make the next set's answer get lost after it took effect. */
    loseNextAnswer = false;

    constructor(
        private readonly clock: Clock,
        private readonly configuringMs: number,
        names: readonly string[],
    ) {
        for (const name of names) this.domains.set(name, { served: { domainName: name, status: "off" } });
    }

    private settle(name: string) {
        const domain = this.domains.get(name)!;
        if (domain.pending && domain.pending.at <= this.clock.now()) {
            domain.served = domain.pending.served;
            delete domain.pending;
        }
        return domain;
    }

    async describe(name: string) {
        this.certificateReads.set(name, (this.certificateReads.get(name) ?? 0) + 1);
        return this.settle(name).served;
    }

    async domainStatus(name: string) {
        this.stateReads.set(name, (this.stateReads.get(name) ?? 0) + 1);
        return this.settle(name).pending ? "configuring" : "online";
    }

    async listDomains() {
        return [...this.domains.keys()].map((domainName) => ({ domainName, domainStatus: this.settle(domainName).pending ? "configuring" : "online" }));
    }

    async set(request: SetCertificateRequest) {
        this.sets.push(request);
        const domain = this.settle(request.domainName);
        if (domain.pending) throw Object.assign(new Error("ServiceBusy"), { code: "ServiceBusy" });
        domain.pending = {
            served: { domainName: request.domainName, status: request.status, certificatePem: request.certificate, certType: request.certType },
            at: this.clock.now() + this.configuringMs,
        };
        if (this.loseNextAnswer) {
            this.loseNextAnswer = false;
            throw Object.assign(new Error("socket hang up"), { code: "ConnectionFailed", outcomeUnknown: true });
        }
        return {};
    }
}

describe("converge on virtual time", () => {
    const names = Array.from({ length: 30 }, (_, i) => `d${i}.example.com`);
    let wildcard: Issued;
    before(async () => {
        wildcard = await issueCertificate({ dnsNames: ["*.example.com"], key: "ec256" });
    });
    const declared = (domainName: string) =>
        checkInputs(CDN, { domainName, certificate: wildcard.chainPem, privateKey: wildcard.key.pkcs8, confirmTimeoutSeconds: 1800 }).inputs!;

    it("GIVEN 30 domains configuring for 3 minutes THEN each reads its certificate once after the set, and polls only its state until online", async () => {
        const clock = new VirtualClock();
        const fleet = new Fleet(clock, 180_000, names);
        const created = Promise.all(names.map((name) => createCertificate({ product: CDN, service: fleet, clock }, declared(name))));
        await clock.run();
        await created;
        for (const name of names) {
            assert.equal(fleet.certificateReads.get(name), 2, `${name}: one read to decide on adopting, one once online`);
            const polls = fleet.stateReads.get(name)!;
            assert.ok(polls >= 18 && polls <= 25, `${name}: ${polls} state polls over 3 minutes (every 10 s at most)`);
        }
        assert.ok(clock.now() >= 180_000 && clock.now() <= 190_000, `done ${clock.now() - 180_000} ms after the domains came online`);
    });

    it("GIVEN a set whose answer is lost after it took effect THEN it is not sent again", async () => {
        const clock = new VirtualClock();
        const fleet = new Fleet(clock, 120_000, names);
        fleet.loseNextAnswer = true;
        const created = createCertificate({ product: CDN, service: fleet, clock }, declared(names[0]!));
        await clock.run();
        await created;
        assert.equal(fleet.sets.length, 1);
    });

    it("GIVEN an update while another change configures THEN ServiceBusy is waited out on the state, and the set sent once more", async () => {
        const clock = new VirtualClock();
        const fleet = new Fleet(clock, 300_000, names);
        await fleet.set({ domainName: names[0]!, status: "off", certType: "upload" }); // someone else's change
        const updated = updateCertificate({ product: CDN, service: fleet, clock }, declared(names[0]!));
        await clock.run();
        const outs = await updated;
        assert.equal(outs.status, "on");
        assert.equal(fleet.sets.length, 3, "theirs, ours refused as busy, ours again once online");
        assert.ok(clock.now() >= 600_000, "their five minutes, then ours");
    });

    it("GIVEN a set refused as offline THEN the domain's state is read and reported with its meaning and fix", async () => {
        const service = new InMemoryDomain({ applies: true });
        service.served = { ...service.served, domainStatus: "online" };
        service.set = async () => {
            service.served = { ...service.served, domainStatus: "offline" };
            throw Object.assign(new Error("InvalidDomain.Offline"), { code: "InvalidDomain.Offline" });
        };
        const error = await updateCertificate({ product: CDN, service, clock: fakeClock() }, inputs).then(
            () => assert.fail("update should fail"),
            (e: unknown) => e as Error,
        );
        assert.match(error.message, /^www\.example\.com is offline: it is stopped: it serves nothing and takes no change\. Fix: start it in the console/);
        assert.ok(!(error instanceof CloudStateError), "nothing was changed, so nothing is kept as partially done");
    });
});

describe("aligned polling", () => {
    it("GIVEN reads due at different moments THEN they wake on the same whole second, so their state reads share a call", () => {
        assert.deepEqual(
            [10_120, 10_480, 10_999, 11_000].map((now) => alignedWake(now, 10_000, 1000)),
            [21_000, 21_000, 21_000, 21_000],
        );
        assert.equal(alignedWake(10_120, 10_000, 0), 20_120);
    });

    it("GIVEN 30 domains set at different moments THEN their polls meet: far fewer distinct read instants than polls", async () => {
        const clock = new VirtualClock();
        const names = Array.from({ length: 30 }, (_, i) => `a${i}.example.com`);
        const fleet = new Fleet(clock, 120_000, names);
        const wildcard = await issueCertificate({ dnsNames: ["*.example.com"], key: "ec256" });
        const instants = new Set<number>();
        const polled = fleet.domainStatus.bind(fleet);
        fleet.domainStatus = async (name: string) => {
            instants.add(clock.now());
            return polled(name);
        };
        const created = Promise.all(
            names.map(async (domainName, i) => {
                await clock.sleep(i * 137); // set at different moments, as checkpointed creates are
                const inputs = checkInputs(CDN, { domainName, certificate: wildcard.chainPem, privateKey: wildcard.key.pkcs8, confirmTimeoutSeconds: 1800 })
                    .inputs!;
                return createCertificate({ product: CDN, service: fleet, clock }, inputs);
            }),
        );
        await clock.run();
        await created;
        const polls = [...fleet.stateReads.values()].reduce((a, b) => a + b, 0);
        assert.ok(instants.size * 5 < polls, `${polls} polls at ${instants.size} distinct instants`);
    });
});
