// Groups against the emulator, on one clock shared with the provider (600 times real time, two minutes of
// configuring per change): one certificate on many domains, batched, confirmed, partly failing, drifting, shrinking.
// One table of cases, run for every product of the table (provider/products.ts PRODUCTS), each judged by the
// product's official SDK (tests/support/productJudges.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import Cas, * as $Cas from "@alicloud/cas20200407";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { PRODUCTS, type ProductSpec } from "../../provider/products";
import { groupProvider } from "../../provider/lifecycle/group/provider";
import { certificateProvider } from "../../provider/lifecycle/provider";
import { processClaims } from "../../provider/lifecycle/claims";
import type { GroupInputs, GroupOutputs } from "../../provider/lifecycle/group/model";
import { fingerprintOf, issueCertificate, type Issued } from "../../harness/certs";
import { FastClock } from "../support/fastClock";
import { servicesOnClock } from "../support/serviceOnClock";
import { judgeOf, servedFingerprint as servedBy, type ProductJudge } from "../support/productJudges";

const ACCOUNT = { accessKeyId: "LTAIgroupTest0000000001", accessKeySecret: "groupTestSecret0000000000001" };
const MINUTE = 60_000;

interface World {
    readonly emulator: RunningEmulator;
    /** The product's official SDK on the emulator. */
    readonly judge: ProductJudge;
    readonly provider: dynamic.ResourceProvider;
    readonly domains: readonly string[];
    /** The progress lines the group reported, with the URN they were for. */
    readonly progress: { urn: string | undefined; message: string; at: number }[];
}

async function world(
    t: { after: (fn: () => Promise<void>) => void },
    product: ProductSpec,
    count: number,
    options: { casDeleteInUse?: "refuse" | "allow" } = {},
): Promise<World> {
    const clock = new FastClock(600);
    const domains = Array.from({ length: count }, (_, i) => `g${String(i).padStart(2, "0")}.${product.id}.group.test`);
    const emulator = await startEmulator({
        port: 0,
        configuringMs: 2 * MINUTE,
        clock,
        ...options,
        seed: { accounts: [{ ...ACCOUNT, domains: domains.map((domainName) => ({ domainName, product: product.id })) }] },
    });
    t.after(() => emulator.close());
    const progress: { urn: string | undefined; message: string; at: number }[] = [];
    const sink = (urn: string | undefined) => ({ report: (message: string) => progress.push({ urn, message, at: clock.now() }), close: () => undefined });
    return {
        emulator,
        judge: judgeOf(product.id, emulator.endpoint, ACCOUNT),
        provider: groupProvider({ product, ...servicesOnClock(product, emulator.endpoint, ACCOUNT, clock), progress: sink }),
        domains,
        progress,
    };
}

let issued: { current: Issued; renewed: Issued } | undefined;
async function certificates() {
    issued ??= {
        current: await issueCertificate({ dnsNames: Object.keys(PRODUCTS).map((id) => `*.${id}.group.test`), key: "ec256" }),
        renewed: await issueCertificate({ dnsNames: Object.keys(PRODUCTS).map((id) => `*.${id}.group.test`), key: "ec256" }),
    };
    return issued;
}

async function declared(w: World, domains: readonly string[], cert: Issued, extra: Record<string, unknown> = {}): Promise<GroupInputs> {
    const result = await w.provider.check!({}, { domains, certificate: cert.chainPem, privateKey: cert.key.pkcs8, confirmTimeoutSeconds: 3600, ...extra });
    assert.deepEqual(result.failures ?? [], []);
    return result.inputs as GroupInputs;
}

function sets(w: World): { action: string; domains: string[]; code?: string }[] {
    return w.emulator
        .requests()
        .filter((r) => /Set/.test(r.action ?? ""))
        .map((r) => ({ action: r.action!, domains: [...r.domains], ...(r.code ? { code: r.code } : {}) }));
}

function servedFingerprint(w: World, domainName: string): Promise<string | undefined> {
    return servedBy(w.judge, domainName);
}

for (const product of Object.values(PRODUCTS)) {
    // Known when the file loads: test names say what each product's case checks.
    const JUDGE = judgeOf(product.id, "127.0.0.1:1", ACCOUNT);

    describe(`${product.resourceTypeName}Group`, () => {
        const batched = JUDGE.batchSetAction !== undefined;
        it(`GIVEN 25 domains THEN ${batched ? "three batch calls carry them" : "one set call each"}, each domain is confirmed, and the outputs say what each serves`, async (t) => {
            const w = await world(t, product, 25);
            const { current } = await certificates();
            const { id, outs } = (await w.provider.create(await declared(w, w.domains, current))) as { id: string; outs: GroupOutputs };
            assert.match(id, /^[0-9a-f-]{36}$/);
            const calls = sets(w);
            const action = JUDGE.batchSetAction ?? JUDGE.setAction;
            assert.ok(
                calls.every((b) => b.action === action && b.code === undefined),
                JSON.stringify(calls),
            );
            assert.deepEqual(
                calls.map((b) => b.domains.length).sort((a, b) => b - a),
                batched ? [10, 10, 5] : w.domains.map(() => 1),
            );
            const fingerprint = await fingerprintOf(current);
            assert.deepEqual(outs.domainNames, [...w.domains]);
            assert.deepEqual(Object.keys(outs.served).sort(), [...w.domains]);
            assert.ok(Object.values(outs.served).every((s) => s.status === "on" && s.fingerprint === fingerprint && s.failure === undefined));
            assert.equal(outs.fingerprint, fingerprint);
            for (const domain of w.domains.slice(0, 3)) assert.equal(await servedFingerprint(w, domain), fingerprint);
            assert.equal(w.emulator.requests().filter((r) => r.action === product.describeDomainAction.name).length, 0, "states in bulk");
        });

        it("GIVEN one domain offline THEN the others converge, the error names it with its state, the group is kept, and the next update works on it alone", async (t) => {
            const w = await world(t, product, 6);
            const { current } = await certificates();
            const offline = w.domains[2]!;
            w.emulator.setDomainStatus(offline, "offline");
            const inputs = await declared(w, w.domains, current);
            const error = await w.provider.create(inputs).then(
                () => assert.fail("create should report the offline domain"),
                (e: Error & { id?: string; properties?: GroupOutputs }) => e,
            );
            assert.match(
                error.message,
                new RegExp(
                    String.raw`^The group did not take the certificate on 1 of its 6 domains \(the other 5 are done\):\n- g02\.${product.id}\.group\.test is offline: it is stopped`,
                ),
            );
            assert.match(error.message, /run `pulumi up` again: it works only on the domains that differ/);
            assert.ok(error.id, "kept in state");
            const kept = error.properties!;
            assert.match(kept.served[offline]!.failure ?? "", /is offline/);
            assert.ok(w.domains.filter((d) => d !== offline).every((d) => kept.served[d]!.status === "on"));

            // Someone starts the domain; the next up sets the certificate on it, and only on it.
            w.emulator.setDomainStatus(offline, "online");
            w.emulator.reset();
            const diff = await w.provider.diff!(error.id!, kept, inputs);
            assert.equal(diff.changes, true);
            const { outs } = (await w.provider.update!(error.id!, kept, inputs)) as { outs: GroupOutputs };
            assert.deepEqual(
                sets(w).flatMap((s) => s.domains),
                [offline],
            );
            assert.equal(outs.served[offline]!.fingerprint, await fingerprintOf(current));
            assert.equal(outs.served[offline]!.failure, undefined);
        });

        it("GIVEN create, a rotation and a refresh of a state an older version wrote with the key THEN no output holds the private key", async (t) => {
            const w = await world(t, product, 2);
            const { current, renewed } = await certificates();
            const { id, outs } = (await w.provider.create(await declared(w, w.domains, current))) as { id: string; outs: GroupOutputs };
            const rotated = (await w.provider.update!(id, outs, await declared(w, w.domains, renewed))).outs as GroupOutputs;
            const read = (await w.provider.read!(id, { ...rotated, privateKey: renewed.key.pkcs8 } as GroupOutputs)).props as GroupOutputs;
            for (const [name, o] of [
                ["create", outs],
                ["update", rotated],
                ["read", read],
            ] as const) {
                assert.equal("privateKey" in o, false, `${name}: ${Object.keys(o).join(", ")}`);
                assert.ok(!JSON.stringify(o).includes("PRIVATE KEY"), name);
            }
            assert.equal(await servedFingerprint(w, w.domains[0]!), await fingerprintOf(renewed));
        });

        it("GIVEN drift on one domain THEN refresh shows it, and the update restores only that domain", async (t) => {
            const w = await world(t, product, 4);
            const { current, renewed } = await certificates();
            const inputs = await declared(w, w.domains, current);
            const { id, outs } = (await w.provider.create(inputs)) as { id: string; outs: GroupOutputs };
            // Someone deploys another certificate on one domain.
            const drifted = w.domains[1]!;
            await w.judge.replace(drifted, renewed, "theirs");
            const refreshed = (await w.provider.read!(id, outs)).props as GroupOutputs;
            assert.equal(refreshed.served[drifted]!.fingerprint, await fingerprintOf(renewed));
            assert.equal((await w.provider.diff!(id, refreshed, inputs)).changes, true);
            w.emulator.reset();
            await w.provider.update!(id, refreshed, inputs);
            // Only the drifted domain. Their change was still configuring: ours was refused as busy, then sent once more
            // when the domain was online again.
            assert.deepEqual(
                sets(w).map((s) => [s.domains, s.code ?? "ok"]),
                [
                    [[drifted], "ServiceBusy"],
                    [[drifted], "ok"],
                ],
            );
            assert.equal(await servedFingerprint(w, drifted), await fingerprintOf(current));
        });

        it("GIVEN a domain removed THEN HTTPS is turned off on it, unless retainRemovedDomains; delete turns off the rest", async (t) => {
            const w = await world(t, product, 4);
            const { current } = await certificates();
            const all = await declared(w, w.domains, current);
            const { id, outs } = (await w.provider.create(all)) as { id: string; outs: GroupOutputs };
            const fewer = await declared(w, w.domains.slice(0, 3), current);
            const shrunk = ((await w.provider.update!(id, outs, fewer)) as { outs: GroupOutputs }).outs;
            assert.equal(await servedFingerprint(w, w.domains[3]!), undefined, "removed: HTTPS off");
            assert.deepEqual(shrunk.domainNames, w.domains.slice(0, 3));
            const retaining = await declared(w, w.domains.slice(0, 2), current, { retainRemovedDomains: true });
            const kept = ((await w.provider.update!(id, shrunk, retaining)) as { outs: GroupOutputs }).outs;
            assert.equal(await servedFingerprint(w, w.domains[2]!), await fingerprintOf(current), "retained: still served");
            await w.provider.delete!(id, kept);
            for (const domain of w.domains.slice(0, 2)) assert.equal(await servedFingerprint(w, domain), undefined);
        });

        it("GIVEN domains already serving the certificate (migration from DomainCertificate resources) THEN the group adopts them with no set call", async (t) => {
            const w = await world(t, product, 5);
            const { current } = await certificates();
            const inputs = await declared(w, w.domains, current);
            await w.provider.create(inputs);
            w.emulator.reset();
            const { outs } = (await w.provider.create(inputs)) as { outs: GroupOutputs };
            assert.deepEqual(sets(w), []);
            assert.ok(Object.values(outs.served).every((s) => s.status === "on"));
        });
    });

    describe(`${product.resourceTypeName}Group and its stored certificate deleted behind the run's back`, () => {
        const batched = JUDGE.batchSetAction !== undefined;
        it(`GIVEN the entry deleted in the console THEN a refresh reports no drift, and a second group's sets by reference are refused, it is uploaded once again for the whole group and ${batched ? "one batch call" : "one set call each"} serves it`, async (t) => {
            const w = await world(t, product, 6, { casDeleteInUse: "allow" });
            const { current } = await certificates();
            const fingerprint = await fingerprintOf(current);
            const firstInputs = await declared(w, w.domains.slice(0, 2), current);
            const first = (await w.provider.create(firstInputs)) as { id: string; outs: GroupOutputs };
            const stale = first.outs.storedCertificate!;
            const cas = new Cas(new $OpenApiUtil.Config({ ...ACCOUNT, endpoint: w.emulator.hostPort, protocol: "http" }));
            await cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId: Number(stale.certId) }));

            // The domains still serve the certificate: a refresh shows what they serve, and nothing differs.
            const refreshed = (await w.provider.read!(first.id, first.outs)).props as GroupOutputs;
            assert.ok(Object.values(refreshed.served).every((s) => s.status === "on" && s.fingerprint === fingerprint && s.failure === undefined));
            assert.equal((await w.provider.diff!(first.id, refreshed, firstInputs)).changes, false);

            w.emulator.reset();
            const second = w.domains.slice(2);
            const { outs } = (await w.provider.create(await declared(w, second, current))) as { outs: GroupOutputs };
            assert.ok(
                Object.values(outs.served).every((s) => s.status === "on" && s.fingerprint === fingerprint && s.failure === undefined),
                JSON.stringify(outs.served),
            );
            for (const domain of second) assert.equal(await servedFingerprint(w, domain), fingerprint);
            assert.equal(w.emulator.requests().filter((r) => r.action === "UploadUserCertificate").length, 1, "one upload for the whole group");
            const entries = w.emulator.casCertificates();
            assert.deepEqual(
                entries.map((e) => e.fingerprint),
                [fingerprint],
            );
            assert.equal(outs.storedCertificate?.certId, String(entries[0]!.certId), "the state records the new entry");
            assert.notEqual(outs.storedCertificate?.certId, stale.certId);
            // Every domain's set by reference was refused once, and made once more with the new entry. A batch call's
            // refusal is the whole chunk's (the entry is the same for all): the sets made again go out together.
            const refusedAndServed = sets(w).map((c) => [c.action, c.domains.length, c.code ?? "ok"]);
            assert.deepEqual(
                batched ? refusedAndServed : refusedAndServed.sort((a, b) => String(a[2]).localeCompare(String(b[2]))),
                batched
                    ? [
                          [JUDGE.batchSetAction, 4, "Certificate.NotFind"],
                          [JUDGE.batchSetAction, 4, "ok"],
                      ]
                    : [...second.map(() => [JUDGE.setAction, 1, "Certificate.NotFind"]), ...second.map(() => [JUDGE.setAction, 1, "ok"])],
            );
            assert.deepEqual(
                sets(w)
                    .flatMap((c) => c.domains)
                    .sort(),
                [...second, ...second].sort(),
            );
        });

        it("GIVEN the entry deleted and one domain drifted THEN the refresh shows that domain alone, and the update stores the certificate again, restores it and records the new entry", async (t) => {
            const w = await world(t, product, 3, { casDeleteInUse: "allow" });
            const { current, renewed } = await certificates();
            const fingerprint = await fingerprintOf(current);
            const inputs = await declared(w, w.domains, current);
            const { id, outs } = (await w.provider.create(inputs)) as { id: string; outs: GroupOutputs };
            const stale = outs.storedCertificate!;
            const cas = new Cas(new $OpenApiUtil.Config({ ...ACCOUNT, endpoint: w.emulator.hostPort, protocol: "http" }));
            await cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId: Number(stale.certId) }));
            const drifted = w.domains[1]!;
            await w.judge.replace(drifted, renewed, "theirs");

            const refreshed = (await w.provider.read!(id, outs)).props as GroupOutputs;
            assert.deepEqual(
                Object.entries(refreshed.served)
                    .filter(([, s]) => s.fingerprint !== fingerprint)
                    .map(([domain]) => domain),
                [drifted],
            );
            assert.equal((await w.provider.diff!(id, refreshed, inputs)).changes, true);
            w.emulator.reset();
            const updated = ((await w.provider.update!(id, refreshed, inputs)) as { outs: GroupOutputs }).outs;
            assert.ok(
                Object.values(updated.served).every((s) => s.status === "on" && s.fingerprint === fingerprint && s.failure === undefined),
                JSON.stringify(updated.served),
            );
            assert.equal(await servedFingerprint(w, drifted), fingerprint);
            assert.equal(w.emulator.requests().filter((r) => r.action === "UploadUserCertificate").length, 1);
            // The other entry is the drifted domain's certificate, which their set put in the service.
            const entries = w.emulator.casCertificates().filter((e) => e.fingerprint === fingerprint);
            assert.equal(entries.length, 1);
            assert.equal(updated.storedCertificate?.certId, String(entries[0]!.certId));
            // Only the drifted domain was set: refused for the missing entry once, then served with the new one.
            const calls = sets(w);
            assert.deepEqual(
                calls.flatMap((c) => c.domains),
                calls.map(() => drifted),
            );
            assert.equal(calls.filter((c) => c.code === "Certificate.NotFind").length, 1, JSON.stringify(calls));
            assert.equal(calls.at(-1)?.code, undefined, JSON.stringify(calls));
            assert.equal(updated.pendingCleanup, undefined, "the missing entry is nothing to delete");
        });
    });

    describe(`${product.resourceTypeName}Group with matchDomains`, () => {
        it("GIVEN the account's domains THEN the covered ones are taken, the excluded and uncovered are not, failed states are left out with why; a domain added later comes in on refresh and update", async (t) => {
            const w = await world(t, product, 6);
            const { current } = await certificates();
            // Outside the wildcard: not the group's.
            w.emulator.addDomain(ACCOUNT.accessKeyId, "other.example.org", product.id);
            w.emulator.setDomainStatus(w.domains[4]!, "offline");
            w.emulator.setDomainStatus(w.domains[5]!, "check_failed");
            const result = await w.provider.check!(
                {},
                {
                    matchDomains: true,
                    excludeDomains: [w.domains[3]],
                    certificate: current.chainPem,
                    privateKey: current.key.pkcs8,
                    confirmTimeoutSeconds: 3600,
                },
            );
            assert.deepEqual(result.failures ?? [], []);
            const inputs = result.inputs as GroupInputs;
            const { id, outs } = (await w.provider.create(inputs)) as { id: string; outs: GroupOutputs };
            assert.deepEqual(outs.domains, w.domains.slice(0, 3));
            // A domain that failed review is listed only where the listing shows such domains (CheckDomainShow).
            assert.deepEqual(Object.keys(outs.leftOut ?? {}), JUDGE.listsFailedReview ? [w.domains[4], w.domains[5]] : [w.domains[4]]);
            assert.match(outs.leftOut![w.domains[4]!]!, /^offline: it is stopped/);
            if (JUDGE.listsFailedReview) assert.match(outs.leftOut![w.domains[5]!]!, /^check_failed: it did not pass Alibaba Cloud's review/);
            assert.deepEqual(
                sets(w)
                    .flatMap((s) => s.domains)
                    .sort(),
                w.domains.slice(0, 3),
            );

            // A domain added to the account later, and one started again: a refresh shows the change, the update takes them.
            const added = `late.${product.id}.group.test`;
            w.emulator.addDomain(ACCOUNT.accessKeyId, added, product.id);
            w.emulator.setDomainStatus(w.domains[4]!, "online");
            assert.equal((await w.provider.diff!(id, outs, inputs)).changes, false, "without a refresh nothing is known");
            const refreshed = (await w.provider.read!(id, outs)).props as GroupOutputs;
            assert.deepEqual(refreshed.matchedDomains, [...w.domains.slice(0, 3), w.domains[4]!, added].sort());
            assert.equal((await w.provider.diff!(id, refreshed, inputs)).changes, true);
            w.emulator.reset();
            const updated = ((await w.provider.update!(id, refreshed, inputs)) as { outs: GroupOutputs }).outs;
            assert.deepEqual(
                sets(w)
                    .flatMap((s) => s.domains)
                    .sort(),
                [w.domains[4]!, added].sort(),
                "only the new ones",
            );
            assert.deepEqual(updated.domains, [...w.domains.slice(0, 3), w.domains[4]!, added].sort());
            assert.equal(await servedFingerprint(w, added), await fingerprintOf(current));
        });
    });

    describe(`a ${product.displayName} matchDomains group and a resource that names one of its domains`, () => {
        it(`GIVEN a ${product.resourceTypeName} of the stack declaring a covered domain THEN the group leaves it out, saying by whom, and hands it over without turning it off`, async (t) => {
            const w = await world(t, product, 4);
            const { current, renewed } = await certificates();
            const groupUrn = `urn:pulumi:dev::p::pulumi-nodejs:dynamic/alicloud-certs:${product.resourceTypeName}Group::matched`;
            const group = await w.provider.check!(
                {},
                { matchDomains: true, certificate: current.chainPem, privateKey: current.key.pkcs8, confirmTimeoutSeconds: 3600, resourceUrn: groupUrn },
            );
            const inputs = group.inputs as GroupInputs;
            const { id, outs } = (await w.provider.create(inputs)) as { id: string; outs: GroupOutputs };
            assert.deepEqual(outs.domains, w.domains, "nothing claims them yet: the group takes all four");

            // The same stack now also declares one of them by name, with another certificate (the single resource's check
            // runs in this process, as the engine runs every check of a stack in one provider process).
            const single = certificateProvider({
                product,
                service: () => {
                    throw new Error("check calls nothing");
                },
            });
            const singleUrn = `urn:pulumi:dev::p::pulumi-nodejs:dynamic/alicloud-certs:${product.resourceTypeName}::special`;
            t.after(() => void processClaims().claim(singleUrn, [])); // the registry is the process's: release for later tests
            const checked = await single.check!(
                {},
                { domainName: w.domains[2], certificate: renewed.chainPem, privateKey: renewed.key.pkcs8, resourceUrn: singleUrn },
            );
            assert.deepEqual(checked.failures ?? [], []);

            w.emulator.reset();
            const updated = ((await w.provider.update!(id, outs, inputs)) as { outs: GroupOutputs }).outs;
            assert.deepEqual(updated.domains, [w.domains[0], w.domains[1], w.domains[3]]);
            assert.equal(
                updated.leftOut?.[w.domains[2]!],
                `declared by the ${product.resourceTypeName} \`special\`, which keeps its certificate; add it to excludeDomains to say so`,
            );
            assert.deepEqual(sets(w), [], "handed over: not turned off, nothing else set");
            assert.equal(await servedFingerprint(w, w.domains[2]!), await fingerprintOf(current), "still serving until the DomainCertificate sets its own");
        });
    });

    describe(`a ${product.displayName} group's progress`, () => {
        it("GIVEN 12 domains configuring for two minutes THEN the group says how far it is every 10 s, on its URN, and ends with the count", async (t) => {
            const w = await world(t, product, 12);
            const { current } = await certificates();
            const urn = `urn:pulumi:dev::p::pulumi-nodejs:dynamic/alicloud-certs:${product.resourceTypeName}Group::all`;
            await w.provider.create(await declared(w, w.domains, current, { resourceUrn: urn }));
            const lines = w.progress.map((p) => p.message);
            assert.ok(w.progress.every((p) => p.urn === urn));
            // A line every 10 s of the clock, never more often (the last, the final count, comes when it ends). How many
            // lines two minutes give depends on how late the fast clock's timers fire on a loaded machine (each late
            // tick stretches the next 10 s), so the test holds the spacing, and that the wait was told as it went.
            const gaps = w.progress.slice(1, -1).map((p, i) => p.at - w.progress[i]!.at);
            // Node's timers may fire up to a millisecond early against performance.now(): 600 ms on this clock.
            assert.ok(
                gaps.every((gap) => gap >= 9_000),
                `every line about 10 s after the one before: ${JSON.stringify(gaps)}`,
            );
            assert.ok(lines.length >= 5, `${lines.length} lines over two minutes of configuring: ${JSON.stringify(lines)}`);
            assert.ok(
                lines.some((line) => /^0\/12 domains serve the certificate; 12 set and confirming \(12 configuring\)$/.test(line)),
                JSON.stringify(lines),
            );
            assert.equal(lines.at(-1), "12/12 domains serve the certificate");
        });
    });
}
