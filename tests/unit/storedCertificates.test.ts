// The certificate service's decisions, against an in-memory store: one upload per certificate for a whole run, a
// set by reference with no key, and who deletes a replaced certificate (the last resource of the run to leave it;
// never one the package did not upload; a refusal kept pending, not an error). The emulator-backed tests run the
// same against the official SDK's wire (tests/lifecycle/certificateStore.test.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AlicloudApiError, hintFor } from "../../provider/apiErrors";
import { isBatchable } from "../../provider/alicloud/batchSet";
import type { CertRegion } from "../../provider/products";
import { setRequestFor } from "../../provider/lifecycle/setRequest";
import type { CertificateInputs } from "../../provider/lifecycle/model";
import type { CertificateStore, StoredCertificate } from "../../provider/lifecycle/port";
import { cleanUp, declareCertificates, ensureStored, movingAway, replacedBy, type StoredReference } from "../../provider/lifecycle/storedCertificates";
import { fingerprintOf, issueCertificate } from "../../harness/certs";

/** A certificate service in memory: names unique, deletes refused for the ids in `inUse`. */
class MemoryStore implements CertificateStore {
    readonly region: CertRegion = "cn-hangzhou";
    readonly entries = new Map<string, StoredCertificate & { pem: string }>();
    readonly calls: string[] = [];
    readonly inUse = new Set<string>();
    private next = 1000;
    constructor(private readonly account = "LTAImemory") {}
    async owner() {
        return this.account;
    }
    async find(keyword: string) {
        this.calls.push(`find ${keyword}`);
        return [...this.entries.values()].map(({ pem: _pem, ...stored }) => stored);
    }
    async get(certId: string) {
        this.calls.push(`get ${certId}`);
        const entry = this.entries.get(certId);
        return entry ? { ...entry, certificatePem: entry.pem } : undefined;
    }
    async upload(name: string, certificatePem: string, _key: string) {
        this.calls.push(`upload ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        if ([...this.entries.values()].some((e) => e.name === name)) {
            throw new AlicloudApiError({
                action: "UploadUserCertificate",
                actionKind: "set",
                domainNames: [],
                code: "NameRepeat",
                statusCode: 400,
                apiMessage: "The certificate name already exists.",
            });
        }
        const certId = String(this.next++);
        const { X509Certificate, createHash } = await import("node:crypto");
        const fingerprint = createHash("sha256").update(new X509Certificate(certificatePem).raw).digest("hex");
        this.entries.set(certId, { certId, name, region: this.region, fingerprint, pem: certificatePem });
        return { certId, name, region: this.region, fingerprint };
    }
    async remove(certId: string) {
        this.calls.push(`remove ${certId}`);
        if (this.inUse.has(certId)) {
            throw new AlicloudApiError({
                action: "DeleteUserCertificate",
                actionKind: "set",
                domainNames: [],
                code: "CertificateInUse",
                statusCode: 400,
                apiMessage: "in use",
            });
        }
        return this.entries.delete(certId) ? ("removed" as const) : ("gone" as const);
    }
}

const clock = { now: () => 0, sleep: async () => undefined };

describe("ensureStored", () => {
    it("GIVEN five resources of one run asking for one certificate at once THEN one upload between them, and each gets it", async () => {
        const store = new MemoryStore("LTAIonce");
        const cert = await issueCertificate({ dnsNames: ["once.store.test"], key: "ec256" });
        const refs = await Promise.all(
            Array.from({ length: 5 }, () =>
                ensureStored({ store, clock, deadline: 60_000 }, { certificatePem: cert.chainPem, privateKeyPem: cert.key.pkcs8, name: "once" }),
            ),
        );
        assert.deepEqual(
            store.calls.filter((c) => c.startsWith("upload")),
            ["upload once"],
        );
        assert.equal(new Set(refs.map((r) => r.certId)).size, 1);
        assert.deepEqual(
            { ...refs[0]!, certId: "x" },
            { certId: "x", name: "once", region: "cn-hangzhou", fingerprint: await fingerprintOf(cert), uploaded: true },
        );
    });

    it("GIVEN the service already holds the certificate under the user's own name THEN it is reused, not uploaded, and not ours", async () => {
        const store = new MemoryStore("LTAIreuse");
        const cert = await issueCertificate({ dnsNames: ["reuse.store.test"], key: "ec256" });
        await store.upload("users-own", cert.chainPem, cert.key.pkcs8);
        store.calls.length = 0;
        const ref = await ensureStored({ store, clock, deadline: 60_000 }, { certificatePem: cert.chainPem, privateKeyPem: cert.key.pkcs8, name: "derived" });
        assert.deepEqual([ref.name, ref.uploaded], ["users-own", false]);
        assert.deepEqual(
            store.calls.filter((c) => c.startsWith("upload")),
            [],
        );
    });

    it("GIVEN the name held by another certificate THEN the error says the name is taken and what to do", async () => {
        const store = new MemoryStore("LTAItaken");
        const other = await issueCertificate({ dnsNames: ["taken.store.test"], key: "ec256" });
        const mine = await issueCertificate({ dnsNames: ["taken.store.test"], key: "ec256" });
        await store.upload("wanted", other.chainPem, other.key.pkcs8);
        await assert.rejects(
            ensureStored({ store, clock, deadline: 60_000 }, { certificatePem: mine.chainPem, privateKeyPem: mine.key.pkcs8, name: "wanted" }),
            /already holds a different certificate named "wanted".*set certName to a name of your own/,
        );
    });
});

describe("the set of a stored certificate", () => {
    const stored: StoredReference = {
        certId: "8089870",
        name: "www-20270101-1a2b3c4d",
        region: "ap-southeast-1",
        fingerprint: "ab".repeat(32),
        uploaded: true,
    };
    const declared = {
        domainName: "www.example.com",
        status: "on",
        certType: "upload",
        certificate: "PEM",
        privateKey: "KEY",
        forceSet: false,
        confirmTimeoutSeconds: 60,
        keepReplacedCertificates: false,
        storedCertificate: stored,
    } as CertificateInputs;

    it("GIVEN an uploaded certificate the service holds THEN the set is cas by id, region and own name, with no certificate and no key", () => {
        assert.deepEqual(setRequestFor(declared), {
            domainName: "www.example.com",
            status: "on",
            certType: "cas",
            certId: "8089870",
            certRegion: "ap-southeast-1",
            certName: "www-20270101-1a2b3c4d",
            namesStoredCertificate: true,
        });
    });

    it("GIVEN a set by reference THEN CDN's batch takes it; a user's cas by id alone, it does not", () => {
        assert.equal(isBatchable(setRequestFor(declared)), true);
        assert.equal(isBatchable({ domainName: "w", status: "on", certType: "cas", certId: "1", certName: "users" }), false);
    });

    it("GIVEN Forbidden.RAM from an upload THEN the hint names the policy line to add", () => {
        assert.match(
            hintFor("Forbidden.RAM", "set", "yundun-cert:UploadUserCertificate"),
            /add "yundun-cert:UploadUserCertificate" to the Action list of its RAM policy/,
        );
    });
});

describe("cleanUp: who deletes a replaced certificate", () => {
    const reference = (store: MemoryStore, certId: string, fingerprint: string, uploaded = true): StoredReference => ({
        certId,
        name: `n${certId}`,
        region: store.region,
        fingerprint,
        uploaded,
    });
    const seed = (store: MemoryStore, ref: StoredReference) => store.entries.set(ref.certId, { ...ref, pem: "" });

    it("GIVEN three resources of a run leaving one certificate THEN the first two hand it over and the last deletes it", async () => {
        const store = new MemoryStore();
        const old = reference(store, "1", "f1".repeat(32));
        seed(store, old);
        for (const urn of ["urn:a", "urn:b", "urn:c"]) movingAway(urn, old.fingerprint);
        const first = await cleanUp(() => store, "urn:a", [old], false);
        const second = await cleanUp(() => store, "urn:b", [old], false);
        assert.deepEqual(
            [first, second],
            [
                { pending: [], deleted: [] },
                { pending: [], deleted: [] },
            ],
        );
        assert.deepEqual(store.calls, [], "nothing deleted while another resource still moves away from it");
        const last = await cleanUp(() => store, "urn:c", [old], false);
        assert.deepEqual(
            last.deleted.map((d) => d.certId),
            ["1"],
        );
        assert.equal(store.entries.has("1"), false);
    });

    it("GIVEN a resource of the run that still declares it THEN it is kept (handed over); one not uploaded is never deleted", async () => {
        const store = new MemoryStore();
        const declared = reference(store, "2", "f2".repeat(32));
        const users = reference(store, "3", "f3".repeat(32), false);
        seed(store, declared);
        seed(store, users);
        declareCertificates("urn:still-on-it", [declared.fingerprint]);
        const result = await cleanUp(() => store, "urn:d", [declared, users], false);
        assert.deepEqual(result, { pending: [], deleted: [] });
        assert.deepEqual(store.calls, []);
    });

    it("GIVEN a delete refused (in use outside the stack) THEN it is pending with the refusal, not an error; keep deletes nothing", async () => {
        const store = new MemoryStore();
        const used = reference(store, "4", "f4".repeat(32));
        seed(store, used);
        store.inUse.add("4");
        const refused = await cleanUp(() => store, "urn:e", [used], false);
        assert.deepEqual(refused.pending, [{ ...used, attempts: 1, lastRefusal: "CertificateInUse" }]);
        const again = await cleanUp(() => store, "urn:e", refused.pending, false);
        assert.deepEqual(
            again.pending.map((p) => p.attempts),
            [2],
        );
        store.calls.length = 0;
        assert.deepEqual(await cleanUp(() => store, "urn:f", [used], true), { pending: [], deleted: [] });
        assert.deepEqual(store.calls, []);
    });

    it("GIVEN state edited by hand THEN replacedBy reads what is well formed and ignores the rest", () => {
        const good: StoredReference = { certId: "5", name: "n5", region: "cn-hangzhou", fingerprint: "f5".repeat(32), uploaded: true };
        assert.deepEqual(replacedBy({ storedCertificate: good, pendingCleanup: [42, { certId: 6 }, { ...good, certId: "7", attempts: "x" }] }, undefined), [
            good,
            { ...good, certId: "7", attempts: 0 },
        ]);
        assert.deepEqual(replacedBy({ storedCertificate: good }, good), []);
    });
});
