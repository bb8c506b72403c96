// SetDomainServerCertificate and BatchSetCdnDomainServerCertificate, which @alicloud/cdn20180510 5.x dropped:
// called through the generic callApi of @alicloud/openapi-core, with both signature versions.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { describe, test } from "node:test";
import { fingerprintOf, issueCertificate, leafFingerprint } from "../../harness/certs";
import { expectApiError } from "./support/assertions";
import { $Cdn, CDN_VERSION, cdnClient, genericClient, overlaid, SIGNATURES } from "./support/clients";
import { account, emulatorFor, errorTableCertificates, keysOf } from "./support/fixtures";

const A = "a.cdn.test";
const B = "b.cdn.test";
const OFFLINE = "off.cdn.test";
const LIVE = "stream.live.test";
const owner = account("Owner", { cdn: [A, B, OFFLINE], live: [LIVE], offline: [OFFLINE] });

async function deployedFingerprint(emulator: Parameters<typeof cdnClient>[0], domainName: string): Promise<string | undefined> {
    const info = await cdnClient(emulator, keysOf(owner)).describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName }));
    const pem = info.body?.certInfos?.certInfo?.[0]?.serverCertificate;
    return pem ? leafFingerprint(pem) : undefined;
}

for (const signature of SIGNATURES) {
    describe(`SetDomainServerCertificate (generic call, signature ${signature})`, () => {
        test("deploys an uploaded certificate", async (t) => {
            const emulator = await emulatorFor(t, { accounts: [owner] });
            const call = genericClient(emulator, keysOf(owner), signature);
            const leaf = await issueCertificate({ dnsNames: [A] });
            const body = await call("SetDomainServerCertificate", CDN_VERSION, {
                DomainName: A,
                ServerCertificateStatus: "on",
                CertName: "a-1",
                CertType: "upload",
                ServerCertificate: leaf.chainPem,
                PrivateKey: leaf.key.traditional,
            });
            assert.equal(typeof body.RequestId, "string");
            assert.equal(await deployedFingerprint(emulator, A), await fingerprintOf(leaf));
        });

        test("BatchSetCdnDomainServerCertificate deploys one certificate to several domains", async (t) => {
            const emulator = await emulatorFor(t, { accounts: [owner] });
            const call = genericClient(emulator, keysOf(owner), signature);
            const leaf = await issueCertificate({ dnsNames: [A, B] });
            await call("BatchSetCdnDomainServerCertificate", CDN_VERSION, {
                DomainName: `${A},${B}`,
                SSLProtocol: "on",
                CertName: "ab",
                CertType: "upload",
                SSLPub: leaf.chainPem,
                SSLPri: leaf.key.pkcs8,
            });
            assert.equal(await deployedFingerprint(emulator, A), await fingerprintOf(leaf));
            assert.equal(await deployedFingerprint(emulator, B), await fingerprintOf(leaf));
        });
    });
}

describe("SetDomainServerCertificate errors (its own vocabulary)", () => {
    test("parameters, content and domain", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const call = genericClient(emulator, keysOf(owner));
        const { leaf, other } = await errorTableCertificates([A]);
        const base = { DomainName: A, ServerCertificateStatus: "on", CertName: "n", ServerCertificate: leaf.chainPem, PrivateKey: leaf.key.pkcs8 };
        const set = (fields: Record<string, string | undefined>) => call("SetDomainServerCertificate", CDN_VERSION, overlaid(base, fields));
        await expectApiError(set({ ServerCertificateStatus: "maybe" }), "InvalidServerCertificateStatus.ValueNotSupported", 400);
        await expectApiError(set({ ServerCertificate: undefined }), "ServerCertificate.MissingParameter", 400);
        await expectApiError(set({ PrivateKey: undefined }), "PrivateKey.MissingParameter", 400);
        await expectApiError(set({ ServerCertificate: "garbage" }), "InvalidCertificate", 400);
        await expectApiError(set({ PrivateKey: "garbage" }), "InvalidPrivateKey", 400);
        await expectApiError(set({ PrivateKey: other.key.pkcs8 }), "Certificate.MissMatch", 400);
        await expectApiError(set({ CertType: "bogus" }), "SetDomainServerCertificate.ParameterError", 400);
        await expectApiError(set({ ServerCertificate: "x".repeat(70 * 1024) }), "InvalidCertificate.TooLong", 400);
        await expectApiError(set({ DomainName: OFFLINE }), "InvalidDomain.Offline", 400);
        await expectApiError(set({ DomainName: LIVE }), "InvalidDomain.NotFound", 404);
    });

    test("same name with other content: Certificate.Duplicated, unless ForceSet=1", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const call = genericClient(emulator, keysOf(owner));
        const first = await issueCertificate({ dnsNames: [A] });
        const renewed = await issueCertificate({ dnsNames: [A] });
        const set = (leaf: typeof first, extra: Record<string, string> = {}) =>
            call("SetDomainServerCertificate", CDN_VERSION, {
                DomainName: A,
                ServerCertificateStatus: "on",
                CertName: "same",
                ServerCertificate: leaf.chainPem,
                PrivateKey: leaf.key.pkcs8,
                ...extra,
            });
        await set(first);
        await expectApiError(set(renewed), "Certificate.Duplicated", 400);
        await set(renewed, { ForceSet: "1" });
        assert.equal(await deployedFingerprint(emulator, A), await fingerprintOf(renewed));
    });

    test("CertType free issues a certificate for the domain", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const call = genericClient(emulator, keysOf(owner));
        await call("SetDomainServerCertificate", CDN_VERSION, { DomainName: A, ServerCertificateStatus: "on", CertType: "free" });
        const info = await cdnClient(emulator, keysOf(owner)).describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: A }));
        const cert = info.body?.certInfos?.certInfo?.[0];
        assert.equal(cert?.certType, "free");
        assert.equal(cert?.certDomainName, A);
        assert.ok(new X509Certificate(cert?.serverCertificate ?? "").checkHost(A));
    });
});

describe("BatchSetCdnDomainServerCertificate errors", () => {
    test("over the batch limit: DomainNameOverLimit", async (t) => {
        const many = Array.from({ length: 51 }, (_, i) => `d${i}.batch.test`);
        const big = account("Big", { cdn: many });
        const emulator = await emulatorFor(t, { accounts: [big] });
        const call = genericClient(emulator, keysOf(big));
        const leaf = await issueCertificate({ dnsNames: ["*.batch.test"] });
        const query = { SSLProtocol: "on", CertName: "wild", SSLPub: leaf.chainPem, SSLPri: leaf.key.pkcs8 };
        await expectApiError(call("BatchSetCdnDomainServerCertificate", CDN_VERSION, { ...query, DomainName: many.join(",") }), "DomainNameOverLimit", 400);
        await call("BatchSetCdnDomainServerCertificate", CDN_VERSION, { ...query, DomainName: many.slice(0, 50).join(",") });
    });

    test("a Live domain, an unknown domain, an offline domain or free: the whole batch is refused", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const call = genericClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [A, B] });
        const query = { SSLProtocol: "on", CertName: "ab", SSLPub: leaf.chainPem, SSLPri: leaf.key.pkcs8 };
        await expectApiError(call("BatchSetCdnDomainServerCertificate", CDN_VERSION, { ...query, DomainName: `${A},${LIVE}` }), "InvalidDomain.NotFound", 404);
        await expectApiError(
            call("BatchSetCdnDomainServerCertificate", CDN_VERSION, { ...query, DomainName: `${A},nowhere.test` }),
            "InvalidDomain.NotFound",
            404,
        );
        await expectApiError(
            call("BatchSetCdnDomainServerCertificate", CDN_VERSION, { ...query, DomainName: `${A},${OFFLINE}` }),
            "InvalidDomain.Offline",
            404,
        );
        await expectApiError(
            call("BatchSetCdnDomainServerCertificate", CDN_VERSION, { ...query, DomainName: A, CertType: "free" }),
            "SetDomainCertificate.ParameterError",
            400,
        );
        await expectApiError(call("BatchSetCdnDomainServerCertificate", CDN_VERSION, { ...query, DomainName: A, SSLPub: "bad" }), "InvalidSSLPub", 400);
        assert.equal(await deployedFingerprint(emulator, A), undefined, "nothing was applied");
    });
});
