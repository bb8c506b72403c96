// The certificate service through the provider, against the emulator (driven by the official SDK's wire): one
// upload per certificate for a whole run, every domain set by reference with no key, replaced certificates the
// package uploaded deleted and the user's own never, under each of the emulator's modes where the evidence is
// silent (a reused name refused or accepted when the content is the same; deleting a certificate in use refused or
// allowed; Live's upload-mode set landing in the service or not).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import Cas, * as $Cas from "@alicloud/cas20200407";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { defaultCertName, parseCertificateChain } from "../../provider/certificate";
import { CDN, LIVE, type ProductSpec } from "../../provider/products";
import { groupProvider } from "../../provider/lifecycle/group/provider";
import { certificateProvider } from "../../provider/lifecycle/provider";
import type { CertificateInputs, CertificateOutputs } from "../../provider/lifecycle/model";
import type { GroupInputs, GroupOutputs } from "../../provider/lifecycle/group/model";
import { fingerprintOf, issueCertificate, type Issued } from "../../harness/certs";
import { FastClock } from "../support/fastClock";
import { servicesOnClock } from "../support/serviceOnClock";
import { testCdnClient } from "../../harness/sdkClients";
import * as $Cdn from "@alicloud/cdn20180510";

const ACCOUNT = { accessKeyId: "LTAIcasLifecycle000001", accessKeySecret: "casLifecycleSecret000000001" };
const MINUTE = 60_000;

interface World {
    readonly emulator: RunningEmulator;
    /** The CDN domains it was seeded with. */
    readonly domains: readonly string[];
    readonly cdn: { single: dynamic.ResourceProvider; group: dynamic.ResourceProvider };
    readonly live: { single: dynamic.ResourceProvider; group: dynamic.ResourceProvider };
    /** Notes a preview would show, by URN. */
    readonly notes: { urn: string | undefined; message: string }[];
}

// Claims of domains are per process too: every call names domains of its own.
let batch = 0;
const cdnDomains = (n: number, prefix = "c") => {
    batch++;
    return Array.from({ length: n }, (_, i) => `${prefix}${batch}x${String(i).padStart(2, "0")}.cdn.cas.test`);
};

async function world(
    t: { after: (fn: () => Promise<void>) => void },
    domains: { cdn: readonly string[]; live?: readonly string[] },
    options: EmulatorOptions = {},
): Promise<World> {
    current = String(++stack);
    const clock = new FastClock(600);
    const emulator = await startEmulator({
        port: 0,
        configuringMs: 2 * MINUTE,
        clock,
        ...options,
        seed: {
            accounts: [
                {
                    ...ACCOUNT,
                    domains: [
                        ...domains.cdn.map((domainName) => ({ domainName, product: "cdn" as const })),
                        ...(domains.live ?? []).map((domainName) => ({ domainName, product: "live" as const })),
                    ],
                },
            ],
        },
    });
    t.after(() => emulator.close());
    const notes: { urn: string | undefined; message: string }[] = [];
    const sink = (urn: string | undefined) => ({ report: (message: string) => notes.push({ urn, message }), close: () => undefined });
    const providers = (product: ProductSpec) => {
        const services = servicesOnClock(product, emulator.endpoint, ACCOUNT, clock);
        return { single: certificateProvider({ product, ...services, notes: sink }), group: groupProvider({ product, ...services, notes: sink }) };
    };
    return { emulator, domains: domains.cdn, cdn: providers(CDN), live: providers(LIVE), notes };
}

async function checked<T>(provider: dynamic.ResourceProvider, raw: Record<string, unknown>, olds: Record<string, unknown> = {}): Promise<T> {
    const result = await provider.check!(olds, { confirmTimeoutSeconds: 3600, ...raw });
    assert.deepEqual(result.failures ?? [], []);
    return result.inputs as T;
}

const pem = (cert: Issued) => ({ certificate: cert.chainPem, privateKey: cert.key.pkcs8 });
// Claims and declarations are per process: every test's resources get URNs of their own.
let stack = 0;
let current = "";
const urn = (name: string) => `urn:pulumi:dev::cas${current}::pulumi-nodejs:dynamic/alicloud-certs:DomainCertificate::${name}`;

function calls(w: World, action: string) {
    return w.emulator.requests().filter((r) => r.action === action);
}

function setCalls(w: World) {
    return w.emulator.requests().filter((r) => /Set/.test(r.action ?? "") && r.status === 200);
}

/** The official CAS client, at the emulator. */
function casClient(w: World): Cas {
    return new Cas(new $OpenApiUtil.Config({ ...ACCOUNT, endpoint: w.emulator.hostPort, protocol: "http" }));
}

describe("the certificate service: one upload, sets by reference", () => {
    it("GIVEN a group of 30, three DomainCertificates and a LiveDomainCertificate on one certificate THEN exactly one upload, one entry, and no key in any set", async (t) => {
        const group = cdnDomains(30, "g");
        const singles = cdnDomains(3, "s");
        const w = await world(t, { cdn: [...group, ...singles], live: ["l0.live.cas.test"] });
        const cert = await issueCertificate({ dnsNames: ["*.cdn.cas.test", "*.live.cas.test"], key: "ec256" });
        const created = await Promise.all([
            w.cdn.group.create(await checked<GroupInputs>(w.cdn.group, { ...pem(cert), domains: group, resourceUrn: urn("group") })),
            ...singles.map(async (domainName) =>
                w.cdn.single.create(await checked<CertificateInputs>(w.cdn.single, { ...pem(cert), domainName, resourceUrn: urn(domainName) })),
            ),
            w.live.single.create(await checked<CertificateInputs>(w.live.single, { ...pem(cert), domainName: "l0.live.cas.test", resourceUrn: urn("live") })),
        ]);
        assert.equal(calls(w, "UploadUserCertificate").length, 1, "one upload for the whole run");
        const entries = w.emulator.casCertificates();
        assert.equal(entries.length, 1, JSON.stringify(entries));
        assert.equal(entries[0]!.fingerprint, await fingerprintOf(cert));
        // The key travels in the upload alone: every set is a set by reference.
        assert.deepEqual([...new Set(setCalls(w).map((r) => r.certType))], ["cas"]);
        const stored = (created[0] as { outs: GroupOutputs }).outs.storedCertificate!;
        assert.deepEqual([stored.certId, stored.uploaded], [entries[0]!.certId, true]);
        for (const result of created.slice(1)) assert.equal((result.outs as CertificateOutputs).storedCertificate?.certId, entries[0]!.certId);
        // Batched by reference: 30 group domains and 3 singles in batch calls of at most 10.
        assert.ok(calls(w, "BatchSetCdnDomainServerCertificate").length >= 4, "the CDN sets went out in batch calls");
    });

    it("GIVEN the preview of a new resource THEN its note says under which name the certificate is uploaded (a check calls nothing); once the run stored it, that it is reused", async (t) => {
        const w = await world(t, { cdn: cdnDomains(2) });
        const cert = await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" });
        const name = defaultCertName(parseCertificateChain(cert.chainPem).info);
        const [firstDomain, secondDomain] = w.domains;
        const first = await checked<CertificateInputs>(w.cdn.single, { ...pem(cert), domainName: firstDomain, resourceUrn: urn("first") });
        assert.deepEqual(
            w.notes.map((n) => n.message),
            [`uploads the certificate to the certificate service (cn-hangzhou) as ${name}, unless the service already holds it, and deploys it from there`],
        );
        assert.deepEqual(w.emulator.requests(), [], "a check calls nothing");
        await w.cdn.single.create(first);
        const id = w.emulator.casCertificates()[0]!.certId;
        w.notes.length = 0;
        await checked<CertificateInputs>(w.cdn.single, { ...pem(cert), domainName: secondDomain, resourceUrn: urn("second") });
        assert.deepEqual(
            w.notes.map((n) => n.message),
            [`deploys ${name} (id ${id}, cn-hangzhou), which the certificate service already holds: nothing is uploaded`],
        );
    });
});

describe("the certificate service: a stored certificate deleted behind the run's back", () => {
    it("GIVEN the certificate a resource uploaded deleted in the console THEN the next resource's set by reference is refused, and it uploads it again and serves it", async (t) => {
        const [first, second] = cdnDomains(2);
        const w = await world(t, { cdn: [first!, second!] }, { casDeleteInUse: "allow" });
        const cert = await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" });
        const created = (await w.cdn.single.create(await checked<CertificateInputs>(w.cdn.single, { ...pem(cert), domainName: first })))
            .outs as CertificateOutputs;
        await casClient(w).deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId: Number(created.storedCertificate!.certId) }));
        const outs = (await w.cdn.single.create(await checked<CertificateInputs>(w.cdn.single, { ...pem(cert), domainName: second })))
            .outs as CertificateOutputs;
        assert.equal(outs.fingerprint, await fingerprintOf(cert));
        assert.notEqual(outs.storedCertificate?.certId, created.storedCertificate!.certId);
        assert.deepEqual(
            calls(w, "SetCdnDomainSSLCertificate").map((r) => r.code ?? "ok"),
            ["ok", "Certificate.NotFind", "ok"],
        );
        assert.equal(calls(w, "UploadUserCertificate").length, 2);
    });
});

describe("the certificate service: cleanup", () => {
    it("GIVEN three resources on one certificate rotated together THEN the new one is uploaded once and the old one deleted: one entry after each of three rotations", async (t) => {
        const domains = cdnDomains(3);
        const w = await world(t, { cdn: domains });
        let state = await Promise.all(
            domains.map(async (domainName, i) => {
                const cert = i === 0 ? await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" }) : undefined;
                return { domainName, cert };
            }),
        ).then(async (list) => {
            const cert = list[0]!.cert!;
            return Promise.all(
                list.map(async ({ domainName }) => ({
                    domainName,
                    outs: (
                        await w.cdn.single.create(await checked<CertificateInputs>(w.cdn.single, { ...pem(cert), domainName, resourceUrn: urn(domainName) }))
                    ).outs as CertificateOutputs,
                })),
            );
        });
        for (let rotation = 1; rotation <= 3; rotation++) {
            const next = await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" });
            const news = await Promise.all(
                state.map(({ domainName, outs }) =>
                    checked<CertificateInputs>(
                        w.cdn.single,
                        { ...pem(next), domainName, resourceUrn: urn(domainName) },
                        outs as unknown as Record<string, unknown>,
                    ),
                ),
            );
            // The engine diffs every resource of the run before it applies them.
            for (const [i, { domainName, outs }] of state.entries()) assert.equal((await w.cdn.single.diff!(domainName, outs, news[i]!)).changes, true);
            const uploadsBefore = calls(w, "UploadUserCertificate").length;
            state = await Promise.all(
                state.map(async ({ domainName, outs }, i) => ({
                    domainName,
                    outs: (await w.cdn.single.update!(domainName, outs, news[i]!)).outs as CertificateOutputs,
                })),
            );
            assert.equal(calls(w, "UploadUserCertificate").length - uploadsBefore, 1, `rotation ${rotation}: one upload`);
            const entries = w.emulator.casCertificates();
            assert.deepEqual(
                entries.map((e) => e.fingerprint),
                [await fingerprintOf(next)],
                `rotation ${rotation}: one entry, the new one`,
            );
            assert.ok(
                state.every(({ outs }) => outs.pendingCleanup === undefined),
                "nothing left pending",
            );
        }
    });

    it("GIVEN a rotation to a certificate the user uploaded THEN it is reused, the package's old one deleted, and the user's is never deleted, by a later rotation or a destroy", async (t) => {
        const [domain] = cdnDomains(1);
        const w = await world(t, { cdn: [domain!] });
        const mine = await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" });
        const theirs = await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" });
        const later = await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" });
        const created = (await w.cdn.single.create(await checked<CertificateInputs>(w.cdn.single, { ...pem(mine), domainName: domain, resourceUrn: urn("r") })))
            .outs as CertificateOutputs;
        const users = await casClient(w).uploadUserCertificate(
            new $Cas.UploadUserCertificateRequest({ name: "users-own-upload", cert: theirs.chainPem, key: theirs.key.pkcs8 }),
        );
        const usersId = String(users.body!.certId);
        const toTheirs = await checked<CertificateInputs>(
            w.cdn.single,
            { ...pem(theirs), domainName: domain, resourceUrn: urn("r") },
            created as unknown as Record<string, unknown>,
        );
        // The rotation's preview (diff) looks: it names the user's certificate it deploys, and the one it deletes.
        w.notes.length = 0;
        assert.equal((await w.cdn.single.diff!(domain!, created, toTheirs)).changes, true);
        assert.deepEqual(
            w.notes.map((n) => n.message),
            [
                `deploys users-own-upload (id ${String(users.body!.certId)}, cn-hangzhou), which the certificate service already holds: nothing is uploaded; ` +
                    `then deletes the replaced ${created.storedCertificate!.name} (id ${created.storedCertificate!.certId}, cn-hangzhou) from the certificate service once nothing of this stack uses it`,
            ],
        );
        const uploads = calls(w, "UploadUserCertificate").length;
        const rotated = (await w.cdn.single.update!(domain!, created, toTheirs)).outs as CertificateOutputs;
        assert.equal(calls(w, "UploadUserCertificate").length, uploads, "reused, not uploaded");
        assert.deepEqual([rotated.storedCertificate?.certId, rotated.storedCertificate?.uploaded], [usersId, false]);
        assert.deepEqual(
            w.emulator.casCertificates().map((e) => e.certId),
            [usersId],
            "the package's old one deleted, the user's kept",
        );
        const toLater = await checked<CertificateInputs>(
            w.cdn.single,
            { ...pem(later), domainName: domain, resourceUrn: urn("r") },
            rotated as unknown as Record<string, unknown>,
        );
        const last = (await w.cdn.single.update!(domain!, rotated, toLater)).outs as CertificateOutputs;
        assert.ok(
            w.emulator.casCertificates().some((e) => e.certId === usersId),
            "the user's kept after a later rotation",
        );
        await w.cdn.single.delete!(domain!, last);
        assert.deepEqual(
            w.emulator.casCertificates().map((e) => e.certId),
            [usersId],
            "destroy: the package's upload deleted, the user's untouched",
        );
        const info = await testCdnClient(w.emulator.endpoint, ACCOUNT).describeDomainCertificateInfo(
            new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: domain }),
        );
        assert.equal(info.body?.certInfos?.certInfo?.[0]?.serverCertificateStatus, "off");
    });

    it("GIVEN keepReplacedCertificates THEN a rotation keeps the replaced certificate", async (t) => {
        const [domain] = cdnDomains(1);
        const w = await world(t, { cdn: [domain!] });
        const first = await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" });
        const second = await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" });
        const created = (
            await w.cdn.single.create(
                await checked<CertificateInputs>(w.cdn.single, { ...pem(first), domainName: domain, keepReplacedCertificates: true, resourceUrn: urn("k") }),
            )
        ).outs as CertificateOutputs;
        const news = await checked<CertificateInputs>(
            w.cdn.single,
            { ...pem(second), domainName: domain, keepReplacedCertificates: true, resourceUrn: urn("k") },
            created as unknown as Record<string, unknown>,
        );
        await w.cdn.single.update!(domain!, created, news);
        assert.equal(w.emulator.casCertificates().length, 2);
    });
});

for (const casDeleteInUse of ["refuse", "allow"] as const) {
    describe(`the certificate service: deleting a certificate still in use (--cas-delete-in-use ${casDeleteInUse})`, () => {
        it("GIVEN the replaced certificate still served by a domain outside the stack THEN the rotation succeeds; refused, it is pending and the next up deletes it once free", async (t) => {
            const [domain, outside] = cdnDomains(2);
            const w = await world(t, { cdn: [domain!, outside!] }, { casDeleteInUse });
            const first = await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" });
            const second = await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" });
            const created = (
                await w.cdn.single.create(await checked<CertificateInputs>(w.cdn.single, { ...pem(first), domainName: domain, resourceUrn: urn("p") }))
            ).outs as CertificateOutputs;
            // Someone deploys the package's upload to a domain the stack does not manage.
            const cdn = testCdnClient(w.emulator.endpoint, ACCOUNT);
            await cdn.setCdnDomainSSLCertificate(
                new $Cdn.SetCdnDomainSSLCertificateRequest({
                    domainName: outside,
                    SSLProtocol: "on",
                    certType: "cas",
                    certId: Number(created.storedCertificate!.certId),
                    certRegion: "cn-hangzhou",
                }),
            );
            const news = await checked<CertificateInputs>(
                w.cdn.single,
                { ...pem(second), domainName: domain, resourceUrn: urn("p") },
                created as unknown as Record<string, unknown>,
            );
            const rotated = (await w.cdn.single.update!(domain!, created, news)).outs as CertificateOutputs;
            assert.equal(rotated.fingerprint, await fingerprintOf(second));
            if (casDeleteInUse === "allow") {
                assert.equal(rotated.pendingCleanup, undefined);
                assert.deepEqual(
                    w.emulator.casCertificates().map((e) => e.fingerprint),
                    [await fingerprintOf(second)],
                );
                return;
            }
            assert.deepEqual(
                rotated.pendingCleanup?.map((p) => [p.certId, p.attempts]),
                [[created.storedCertificate!.certId, 1]],
            );
            // The next up: nothing else differs, but the diff says the resource changes, to try again.
            assert.equal((await w.cdn.single.diff!(domain!, rotated, news)).changes, true);
            await cdn.setCdnDomainSSLCertificate(new $Cdn.SetCdnDomainSSLCertificateRequest({ domainName: outside, SSLProtocol: "off" }));
            await new Promise((resolve) => setTimeout(resolve, 400)); // the outside domain's change configures (2 min at 600x)
            const sets = setCalls(w).length;
            const retried = (await w.cdn.single.update!(domain!, rotated, news)).outs as CertificateOutputs;
            assert.equal(setCalls(w).length, sets, "no set: only the cleanup was due");
            assert.equal(retried.pendingCleanup, undefined);
            assert.deepEqual(
                w.emulator.casCertificates().map((e) => e.fingerprint),
                [await fingerprintOf(second)],
            );
            assert.equal((await w.cdn.single.diff!(domain!, retried, news)).changes, false, "and then nothing to change");
        });
    });
}

for (const casNameReuse of ["refuse", "same-content"] as const) {
    describe(`the certificate service: names (--cas-name-reuse ${casNameReuse})`, () => {
        it("GIVEN a stack of the release before, whose upload-mode set left the certificate under the derived name THEN the domain needs no set and that entry is reused, then deleted by the next rotation", async (t) => {
            const [domain] = cdnDomains(1);
            const w = await world(t, { cdn: [domain!] }, { casNameReuse });
            const cert = await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" });
            const name = defaultCertName(parseCertificateChain(cert.chainPem).info);
            // What the earlier release did: the certificate and key with the set, under the derived name.
            await testCdnClient(w.emulator.endpoint, ACCOUNT).setCdnDomainSSLCertificate(
                new $Cdn.SetCdnDomainSSLCertificateRequest({
                    domainName: domain,
                    SSLProtocol: "on",
                    certType: "upload",
                    certName: name,
                    SSLPub: cert.chainPem,
                    SSLPri: cert.key.pkcs8,
                }),
            );
            await new Promise((resolve) => setTimeout(resolve, 400));
            w.emulator.reset();
            const created = (
                await w.cdn.single.create(await checked<CertificateInputs>(w.cdn.single, { ...pem(cert), domainName: domain, resourceUrn: urn("u") }))
            ).outs as CertificateOutputs;
            assert.deepEqual(setCalls(w), [], "no set: the domain serves it already");
            assert.equal(calls(w, "UploadUserCertificate").length, 0, "no upload: the entry is there");
            assert.deepEqual([created.storedCertificate?.name, created.storedCertificate?.uploaded], [name, true]);
            const next = await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" });
            const news = await checked<CertificateInputs>(
                w.cdn.single,
                { ...pem(next), domainName: domain, resourceUrn: urn("u") },
                created as unknown as Record<string, unknown>,
            );
            await w.cdn.single.update!(domain!, created, news);
            assert.deepEqual(
                w.emulator.casCertificates().map((e) => e.fingerprint),
                [await fingerprintOf(next)],
            );
        });

        it("GIVEN a certName that another certificate holds in the service THEN create fails naming the name and what to do, before any set", async (t) => {
            const [domain] = cdnDomains(1);
            const w = await world(t, { cdn: [domain!] }, { casNameReuse });
            const other = await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" });
            const mine = await issueCertificate({ dnsNames: ["*.cdn.cas.test"], key: "ec256" });
            await casClient(w).uploadUserCertificate(new $Cas.UploadUserCertificateRequest({ name: "taken", cert: other.chainPem, key: other.key.pkcs8 }));
            await assert.rejects(
                w.cdn.single.create(await checked<CertificateInputs>(w.cdn.single, { ...pem(mine), certName: "taken", domainName: domain })),
                /already holds a different certificate named "taken".*set certName to a name of your own/,
            );
            assert.deepEqual(setCalls(w), []);
        });
    });
}

for (const liveUploadToCas of ["yes", "no"] as const) {
    describe(`Live and the certificate service (--live-upload-to-cas ${liveUploadToCas})`, () => {
        it("GIVEN a LiveDomainCertificate THEN it is uploaded once and set by name; a cas one by certId is looked up and served", async (t) => {
            const w = await world(t, { cdn: [], live: ["l0.live.cas.test", "l1.live.cas.test"] }, { liveUploadToCas: liveUploadToCas === "yes" });
            const cert = await issueCertificate({ dnsNames: ["*.live.cas.test"], key: "ec256" });
            const outs = (await w.live.single.create(await checked<CertificateInputs>(w.live.single, { ...pem(cert), domainName: "l0.live.cas.test" })))
                .outs as CertificateOutputs;
            assert.equal(outs.fingerprint, await fingerprintOf(cert));
            assert.deepEqual(
                calls(w, "SetLiveDomainCertificate").map((r) => r.certType),
                ["cas"],
            );
            assert.equal(w.emulator.casCertificates().length, 1);
            const users = await issueCertificate({ dnsNames: ["*.live.cas.test"], key: "ec256" });
            const uploaded = await casClient(w).uploadUserCertificate(
                new $Cas.UploadUserCertificateRequest({ name: "users-live", cert: users.chainPem, key: users.key.pkcs8 }),
            );
            const cas = (
                await w.live.single.create(
                    await checked<CertificateInputs>(w.live.single, { domainName: "l1.live.cas.test", certType: "cas", certId: String(uploaded.body!.certId) }),
                )
            ).outs as CertificateOutputs;
            assert.deepEqual(
                [cas.fingerprint, cas.certId, cas.storedCertificate?.name],
                [await fingerprintOf(users), String(uploaded.body!.certId), "users-live"],
            );
            const refreshed = (await w.live.single.read!("l1.live.cas.test", cas)).props as CertificateOutputs;
            const declared = await checked<CertificateInputs>(
                w.live.single,
                { domainName: "l1.live.cas.test", certType: "cas", certId: String(uploaded.body!.certId) },
                cas as unknown as Record<string, unknown>,
            );
            assert.equal((await w.live.single.diff!("l1.live.cas.test", refreshed, declared)).changes, false, "no drift");
        });
    });
}
