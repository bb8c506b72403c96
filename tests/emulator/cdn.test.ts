// SetCdnDomainSSLCertificate, DescribeDomainCertificateInfo and DescribeCdnDomainDetail through the typed client of
// @alicloud/cdn20180510, with both signature versions, and every error path of the set action.
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import type { SeedAccount } from "../../emulator";
import { fingerprintOf, issueCertificate, issueChain, type Issued, leafFingerprint } from "../../harness/certs";
import { eventually, expectApiError, picked, sortedCasField } from "./support/assertions";
import { $Cdn, cdnClient, type Client, SIGNATURES, type SignatureVersion } from "./support/clients";
import { account, accountWithCas, emulatorFor, errorTableCertificates, type ErrorTableCertificates, keysOf } from "./support/fixtures";

const CDN = "www.cdn.test";
const OTHER_CDN = "img.cdn.test";
const OFFLINE = "old.cdn.test";
const LIVE = "live.cdn.test";
const FOREIGN = "theirs.cdn.test";

const owner = account(
    "Owner",
    { cdn: [CDN, OTHER_CDN, OFFLINE], live: [LIVE], offline: [OFFLINE] },
    {
        casCertificates: [],
    },
);
const stranger = account("Stranger", { cdn: [FOREIGN] });

function set(fields: Partial<$Cdn.SetCdnDomainSSLCertificateRequest>) {
    return new $Cdn.SetCdnDomainSSLCertificateRequest({ domainName: CDN, SSLProtocol: "on", certType: "upload", ...fields });
}

function upload(leaf: Issued, certName: string, fields: Partial<$Cdn.SetCdnDomainSSLCertificateRequest> = {}) {
    return set({ certName, SSLPub: leaf.chainPem, SSLPri: leaf.key.pkcs8, ...fields });
}

/** The owner's typed client on a new emulator that serves `accounts`. */
async function ownerCdnOn(t: TestContext, accounts: SeedAccount[] = [owner], signature: SignatureVersion = "v3"): Promise<Client> {
    return cdnClient(await emulatorFor(t, { accounts }), keysOf(owner), signature);
}

/** The certificate with the first bytes of its body overwritten: still PEM, no longer a certificate. */
function garbled(certificatePem: string): string {
    return certificatePem.replace(/(-----BEGIN CERTIFICATE-----\n)(.{10})/, "$1AAAAAAAAAA");
}

function deployedFingerprint(pem: string | undefined): string {
    assert.ok(pem, "a PEM is deployed");
    return leafFingerprint(pem);
}

for (const signature of SIGNATURES) {
    describe(`CDN typed client, signature ${signature}`, () => {
        test("SetCdnDomainSSLCertificate deploys a chain that DescribeDomainCertificateInfo then shows", async (t) => {
            const cdn = await ownerCdnOn(t, [owner, stranger], signature);
            const { leaf } = await issueChain({ dnsNames: [CDN] });
            const response = await cdn.setCdnDomainSSLCertificate(upload(leaf, "www-1"));
            assert.equal(response.statusCode, 200);
            assert.match(response.body?.requestId ?? "", /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);

            const info = await cdn.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: CDN }));
            const certInfos = info.body?.certInfos?.certInfo ?? [];
            assert.equal(certInfos.length, 1);
            const cert = certInfos[0]!;
            assert.deepEqual(picked(cert, "domainName", "serverCertificateStatus", "certName", "certType", "certDomainName"), {
                domainName: CDN,
                serverCertificateStatus: "on",
                certName: "www-1",
                certType: "upload",
                certDomainName: CDN,
            });
            assert.equal(deployedFingerprint(cert.serverCertificate), await fingerprintOf(leaf));
            assert.equal(
                (cert.serverCertificate ?? "").match(/BEGIN CERTIFICATE/g)?.length,
                leaf.chainPem.match(/BEGIN CERTIFICATE/g)?.length,
                "the whole chain is kept",
            );
            assert.equal(cert.certExpireTime, leaf.cert.notAfter.toISOString().replace(/\.\d{3}Z$/, "Z"));
            assert.equal(cert.certStartTime, leaf.cert.notBefore.toISOString().replace(/\.\d{3}Z$/, "Z"));
        });

        test("DescribeCdnDomainDetail shows the domain, its SSL status and its origins as an array", async (t) => {
            const cdn = await ownerCdnOn(t, [owner], signature);
            const detail = await cdn.describeCdnDomainDetail(new $Cdn.DescribeCdnDomainDetailRequest({ domainName: CDN }));
            const model = detail.body?.getDomainDetailModel;
            assert.equal(model?.domainName, CDN);
            assert.equal(model?.domainStatus, "online");
            assert.equal(model?.serverCertificateStatus, "off");
            assert.ok(Array.isArray(model?.sourceModels?.sourceModel));
            const offline = await cdn.describeCdnDomainDetail(new $Cdn.DescribeCdnDomainDetailRequest({ domainName: OFFLINE }));
            assert.equal(offline.body?.getDomainDetailModel?.domainStatus, "offline");
        });

        test("SSLProtocol off clears the certificate", async (t) => {
            const cdn = await ownerCdnOn(t, [owner], signature);
            const leaf = await issueCertificate({ dnsNames: [CDN] });
            await cdn.setCdnDomainSSLCertificate(upload(leaf, "www-off", { SSLPri: leaf.key.traditional }));
            await cdn.setCdnDomainSSLCertificate(set({ SSLProtocol: "off", certType: undefined }));
            const info = await cdn.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: CDN }));
            const cert = info.body?.certInfos?.certInfo?.[0];
            assert.equal(cert?.serverCertificateStatus, "off");
            assert.equal(cert?.serverCertificate, undefined);
        });
    });
}

describe("a change takes effect asynchronously", () => {
    for (const readDuringConfiguring of ["old", "new"] as const) {
        test(`while configuring (read model ${readDuringConfiguring}): DomainStatus configuring, the ${readDuringConfiguring} certificate described, further sets ServiceBusy`, async (t) => {
            const first = await issueCertificate({ dnsNames: [CDN] });
            // A long configuring time, so nothing here depends on timing.
            const slow = await emulatorFor(t, { accounts: [owner] }, { configuringMs: 60_000, readDuringConfiguring });
            const slowCdn = cdnClient(slow, keysOf(owner));
            await slowCdn.setCdnDomainSSLCertificate(upload(first, "first"));
            const detail = await slowCdn.describeCdnDomainDetail(new $Cdn.DescribeCdnDomainDetailRequest({ domainName: CDN }));
            assert.equal(detail.body?.getDomainDetailModel?.domainStatus, "configuring");
            const during = (await slowCdn.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: CDN }))).body?.certInfos
                ?.certInfo?.[0];
            if (readDuringConfiguring === "old") {
                assert.equal(during?.serverCertificateStatus, "off", "the old (empty) configuration");
                assert.equal(during?.serverCertificate, undefined);
            } else {
                assert.equal(during?.serverCertificateStatus, "on", "the new certificate, at once");
                assert.equal(deployedFingerprint(during?.serverCertificate), await fingerprintOf(first));
            }
            await expectApiError(slowCdn.setCdnDomainSSLCertificate(set({ SSLProtocol: "off" })), "ServiceBusy", 403);
            // Another domain of the account is not affected.
            const other = await issueCertificate({ dnsNames: [OTHER_CDN] });
            await slowCdn.setCdnDomainSSLCertificate(upload(other, "other", { domainName: OTHER_CDN }));
        });
    }

    test("after the configuring time the new certificate is described and the domain is online again", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] }, { configuringMs: 100 });
        const cdn = cdnClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        await cdn.setCdnDomainSSLCertificate(upload(leaf, "later"));
        await eventually(async () => {
            const detail = await cdn.describeCdnDomainDetail(new $Cdn.DescribeCdnDomainDetailRequest({ domainName: CDN }));
            return detail.body?.getDomainDetailModel?.domainStatus === "online";
        });
        const info = await cdn.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: CDN }));
        assert.equal(deployedFingerprint(info.body?.certInfos?.certInfo?.[0]?.serverCertificate), await fingerprintOf(leaf));
        await cdn.setCdnDomainSSLCertificate(set({ SSLProtocol: "off" }));
    });
});

describe("SetCdnDomainSSLCertificate errors", () => {
    type Refusal = [request: $Cdn.SetCdnDomainSSLCertificateRequest, code: string, status: number];
    // A test a row: its title, and the requests it makes of the error-table certificates, each refused with its code and status.
    const refusals: [title: string, cases: (certificates: ErrorTableCertificates) => Refusal[]][] = [
        [
            "parameters: missing DomainName, missing or invalid SSLProtocol, unsupported CertType",
            () => [
                [set({ domainName: undefined }), "MissingParameter", 400],
                [set({ SSLProtocol: undefined }), "MissingParameter", 400],
                [set({ SSLProtocol: "yes" }), "InvalidSSLProtocol.ValueNotSupported", 400],
                [set({ certType: "free", certName: "f" }), "SetDomainCertificate.ParameterError", 400],
                [set({ certType: "bogus", certName: "f" }), "SetDomainCertificate.ParameterError", 400],
            ],
        ],
        [
            "missing certificate or key, malformed certificate or key, key of another certificate",
            ({ leaf, other }) => [
                [set({ certName: "n", SSLPri: leaf.key.pkcs8 }), "SSLPub.MissingParameter", 400],
                [set({ certName: "n", SSLPub: leaf.chainPem }), "SSLPri.MissingParameter", 400],
                [upload(leaf, "n", { SSLPub: garbled(leaf.leafPem) }), "InvalidSSLPub", 400],
                [upload(leaf, "n", { SSLPub: "not a certificate" }), "InvalidSSLPub", 400],
                [upload(leaf, "n", { SSLPri: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" }), "InvalidSSLPri", 400],
                [upload(leaf, "n", { SSLPri: other.key.pkcs8 }), "Certificate.MissMatch", 400],
            ],
        ],
        ["expired certificate", ({ expired }) => [[upload(expired, "old"), "Certificate.Expired", 400]]],
    ];
    for (const [title, cases] of refusals) {
        test(title, async (t) => {
            const cdn = await ownerCdnOn(t);
            for (const [request, code, status] of cases(await errorTableCertificates([CDN]))) {
                await expectApiError(cdn.setCdnDomainSSLCertificate(request), code, status);
            }
        });
    }

    test("certificate name: over 128 characters, missing, same name with other content (no ForceSet here)", async (t) => {
        const cdn = await ownerCdnOn(t);
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        const renewed = await issueCertificate({ dnsNames: [CDN] });
        await expectApiError(cdn.setCdnDomainSSLCertificate(upload(leaf, "x".repeat(129))), "InvalidCertName.TooLong", 400);
        await expectApiError(cdn.setCdnDomainSSLCertificate(set({ SSLPub: leaf.chainPem, SSLPri: leaf.key.pkcs8 })), "CertName.MissingParameter", 404);
        await cdn.setCdnDomainSSLCertificate(upload(leaf, "x".repeat(128)));
        await expectApiError(cdn.setCdnDomainSSLCertificate(upload(renewed, "x".repeat(128))), "Certificate.Duplicated", 400);
    });

    // The name goes to the account's certificate service, where names are unique: one certificate deployed to a
    // second domain under the same name is refused as on the real cloud (netcccyun/dnsmgr #165), unless the
    // emulator runs with casNameReuse same-content, which takes the same leaf as the stored entry.
    for (const casNameReuse of ["refuse", "same-content"] as const) {
        test(`the same certificate under the same name on a second domain (casNameReuse ${casNameReuse})`, async (t) => {
            const emulator = await emulatorFor(t, { accounts: [owner] }, { casNameReuse });
            const cdn = cdnClient(emulator, keysOf(owner));
            const leaf = await issueCertificate({ dnsNames: [CDN, OTHER_CDN] });
            const renewed = await issueCertificate({ dnsNames: [CDN, OTHER_CDN] });
            await cdn.setCdnDomainSSLCertificate(upload(leaf, "both"));
            const again = cdn.setCdnDomainSSLCertificate(upload(leaf, "both", { domainName: OTHER_CDN }));
            if (casNameReuse === "refuse") await expectApiError(again, "Certificate.Duplicated", 400);
            else await again;
            // Another certificate under a held name is refused in both modes.
            await expectApiError(cdn.setCdnDomainSSLCertificate(upload(renewed, "both", { domainName: OTHER_CDN })), "Certificate.Duplicated", 400);
            // What a client must do in refuse mode: a name of its own per upload.
            await cdn.setCdnDomainSSLCertificate(upload(renewed, "both-2", { domainName: OTHER_CDN }));
            assert.deepEqual(sortedCasField(emulator, owner.accessKeyId, "certName"), ["both", "both-2"]);
        });
    }

    test("domain: not found, of another account, offline, of the other product", async (t) => {
        const cdn = await ownerCdnOn(t, [owner, stranger]);
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        await expectApiError(cdn.setCdnDomainSSLCertificate(upload(leaf, "d", { domainName: "nowhere.cdn.test" })), "InvalidDomain.NotFound", 404);
        await expectApiError(cdn.setCdnDomainSSLCertificate(upload(leaf, "d", { domainName: FOREIGN })), "InvalidDomain.NotFound", 404);
        await expectApiError(cdn.setCdnDomainSSLCertificate(upload(leaf, "d", { domainName: OFFLINE })), "InvalidDomain.Offline", 404);
        await expectApiError(cdn.setCdnDomainSSLCertificate(upload(leaf, "d", { domainName: LIVE })), "InvalidDomain.NotFound", 404);
        await expectApiError(
            cdn.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: LIVE })),
            "InvalidDomain.NotFound",
            404,
        );
        await expectApiError(
            cdn.describeCdnDomainDetail(new $Cdn.DescribeCdnDomainDetailRequest({ domainName: "nowhere.cdn.test" })),
            "InvalidDomain.NotFound",
            404,
        );
        await expectApiError(
            cdn.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: FOREIGN })),
            "InvalidDomain.NotFound",
            404,
        );
    });
});

describe("CertType cas", () => {
    test("deploys the stored certificate by CertId and CertRegion; describe shows its PEM, type and id", async (t) => {
        const CAS = "cas.cdn.test";
        const stored = await issueChain({ dnsNames: [CAS] });
        const withCas = accountWithCas("Cas", { cdn: [CAS] }, [
            { certId: "12345", certName: "cas-www", certificate: stored.leaf.chainPem, region: "cn-hangzhou" },
            { certId: "777", certName: "cas-sg", certificate: stored.leaf.chainPem, region: "ap-southeast-1" },
        ]);
        const emulator = await emulatorFor(t, { accounts: [withCas, owner] });
        const cdn = cdnClient(emulator, keysOf(withCas));
        await expectApiError(cdn.setCdnDomainSSLCertificate(set({ domainName: CAS, certType: "cas" })), "MissingParameter", 400);
        await expectApiError(cdn.setCdnDomainSSLCertificate(set({ domainName: CAS, certType: "cas", certId: 99999 })), "Certificate.NotFind", 400);
        await expectApiError(cdn.setCdnDomainSSLCertificate(set({ domainName: CAS, certType: "cas", certId: 777 })), "Certificate.NotFind", 400);
        await expectApiError(
            cdn.setCdnDomainSSLCertificate(set({ domainName: CAS, certType: "cas", certId: 777, certRegion: "mars-1" })),
            "InvalidParameter",
            400,
        );
        // Another account's certificate id is not the caller's.
        await expectApiError(
            cdnClient(emulator, keysOf(owner)).setCdnDomainSSLCertificate(set({ domainName: CDN, certType: "cas", certId: 12345 })),
            "Certificate.NotFind",
            400,
        );

        await cdn.setCdnDomainSSLCertificate(set({ domainName: CAS, certType: "cas", certId: 12345 }));
        const info = await cdn.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: CAS }));
        const cert = info.body?.certInfos?.certInfo?.[0];
        assert.deepEqual(picked(cert, "certType", "certId", "certRegion", "certName"), {
            certType: "cas",
            certId: "12345",
            certRegion: "cn-hangzhou",
            certName: "cas-www",
        });
        assert.equal(deployedFingerprint(cert?.serverCertificate), await fingerprintOf(stored.leaf));
    });
});
