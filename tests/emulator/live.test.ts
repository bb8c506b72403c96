// SetLiveDomainCertificate, DescribeLiveDomainCertificateInfo and DescribeLiveDomainDetail through the generic
// callApi of @alicloud/openapi-core (there is no Live SDK package), with both signature versions.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { describe, test } from "node:test";
import { fingerprintOf, issueCertificate, issueChain, leafFingerprint } from "../../harness/certs";
import { eventually, expectApiError, picked } from "./support/assertions";
import { CDN_VERSION, genericClient, liveClient, overlaid, setLiveUpload, SIGNATURES } from "./support/clients";
import { account, accountWithCas, emulatorFor, errorTableCertificates, keysOf } from "./support/fixtures";

const LIVE = "push.live.test";
const OTHER_LIVE = "pull.live.test";
const OFFLINE = "gone.live.test";
const CDN = "www.cdnside.test";
const owner = account("Live", { live: [LIVE, OTHER_LIVE, OFFLINE], cdn: [CDN], offline: [OFFLINE] });
const stranger = account("LiveStranger", { live: ["theirs.live.test"] });

type Json = Record<string, unknown>;
const certInfo = (body: Json) => ((body.CertInfos as Json).CertInfo as Json[])[0]!;
const fingerprint = (pem: unknown) => leafFingerprint(String(pem));

for (const signature of SIGNATURES) {
    describe(`Live (generic call, signature ${signature})`, () => {
        test("SetLiveDomainCertificate deploys; DescribeLiveDomainCertificateInfo and DescribeLiveDomainDetail show it", async (t) => {
            const emulator = await emulatorFor(t, { accounts: [owner] });
            const live = liveClient(emulator, keysOf(owner), signature);
            const { leaf } = await issueChain({ dnsNames: [LIVE] });
            const body = await live("SetLiveDomainCertificate", {
                DomainName: LIVE,
                SSLProtocol: "on",
                CertName: "push-1",
                CertType: "upload",
                SSLPub: leaf.chainPem,
                SSLPri: leaf.key.traditional,
            });
            assert.equal(typeof body.RequestId, "string");

            const info = await live("DescribeLiveDomainCertificateInfo", { DomainName: LIVE });
            assert.ok(Array.isArray((info.CertInfos as Json).CertInfo));
            const cert = certInfo(info);
            assert.deepEqual(picked(cert, "DomainName", "SSLProtocol", "CertName", "CertType", "CertDomainName"), {
                DomainName: LIVE,
                SSLProtocol: "on",
                CertName: "push-1",
                CertType: "upload",
                CertDomainName: LIVE,
            });
            assert.equal(fingerprint(cert.SSLPub), await fingerprintOf(leaf));

            const detail = (await live("DescribeLiveDomainDetail", { DomainName: LIVE })).DomainDetail as Json;
            assert.deepEqual(picked(detail, "DomainName", "DomainStatus", "SSLProtocol", "CertName"), {
                DomainName: LIVE,
                DomainStatus: "online",
                SSLProtocol: "on",
                CertName: "push-1",
            });
        });
    });
}

/** A Live domain of a new emulator configuring an uploaded certificate for the next minute, read as `readDuringConfiguring` says. */
async function configuringLive(t: Parameters<typeof emulatorFor>[0], readDuringConfiguring: "old" | "new") {
    const slow = await emulatorFor(t, { accounts: [owner] }, { configuringMs: 60_000, readDuringConfiguring });
    const live = liveClient(slow, keysOf(owner));
    const leaf = await issueCertificate({ dnsNames: [LIVE] });
    await setLiveUpload(live, LIVE, leaf, "p");
    assert.equal(((await live("DescribeLiveDomainDetail", { DomainName: LIVE })).DomainDetail as Json).DomainStatus, "configuring");
    return { live, leaf };
}

describe("Live asynchronous change", () => {
    test("configuring (read model old): old certificate described, ServiceBusy on a second set, then the new one", async (t) => {
        const { live, leaf } = await configuringLive(t, "old");
        assert.equal(certInfo(await live("DescribeLiveDomainCertificateInfo", { DomainName: LIVE })).SSLProtocol, "off");
        await expectApiError(live("SetLiveDomainCertificate", { DomainName: LIVE, SSLProtocol: "off" }), "ServiceBusy", 403);

        const quick = await emulatorFor(t, { accounts: [owner] }, { configuringMs: 50 });
        const liveQuick = liveClient(quick, keysOf(owner));
        await setLiveUpload(liveQuick, LIVE, leaf, "p");
        await eventually(async () => certInfo(await liveQuick("DescribeLiveDomainCertificateInfo", { DomainName: LIVE })).SSLProtocol === "on");
    });

    test("configuring (read model new): the new certificate described at once while the domain says configuring", async (t) => {
        const { live, leaf } = await configuringLive(t, "new");
        const during = certInfo(await live("DescribeLiveDomainCertificateInfo", { DomainName: LIVE }));
        assert.equal(during.SSLProtocol, "on");
        assert.equal(fingerprint(during.SSLPub), await fingerprintOf(leaf));
        await expectApiError(live("SetLiveDomainCertificate", { DomainName: LIVE, SSLProtocol: "off" }), "ServiceBusy", 403);
    });
});

describe("SetLiveDomainCertificate errors", () => {
    test("parameters and content", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const live = liveClient(emulator, keysOf(owner));
        const { leaf, other, expired } = await errorTableCertificates([LIVE]);
        const base = { DomainName: LIVE, SSLProtocol: "on", CertName: "n", SSLPub: leaf.chainPem, SSLPri: leaf.key.pkcs8 };
        const set = (fields: Record<string, string | undefined>) => live("SetLiveDomainCertificate", overlaid(base, fields));
        await expectApiError(set({ DomainName: undefined }), "MissingParameter", 400);
        await expectApiError(set({ SSLProtocol: "enabled" }), "InvalidSSLProtocol.ValueNotSupported", 400);
        await expectApiError(set({ SSLPub: undefined }), "SSLPub.MissingParameter", 400);
        await expectApiError(set({ SSLPri: undefined }), "SSLPri.MissingParameter", 400);
        await expectApiError(set({ SSLPub: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----" }), "InvalidSSLPub", 400);
        await expectApiError(set({ SSLPri: "-----BEGIN RSA PRIVATE KEY-----\nnope\n-----END RSA PRIVATE KEY-----" }), "InvalidSSLPri", 400);
        await expectApiError(set({ SSLPri: other.key.pkcs8 }), "Certificate.MissMatch", 400);
        await expectApiError(set({ SSLPub: expired.chainPem, SSLPri: expired.key.pkcs8 }), "Certificate.Expired", 400);
        await expectApiError(set({ CertName: "n".repeat(129) }), "InvalidCertName.TooLong", 400);
        await expectApiError(set({ CertName: undefined }), "CertName.MissingParameter", 404);
        await expectApiError(set({ CertType: "bogus" }), "SetDomainCertificate.ParameterError", 400);
        await set({});
        await expectApiError(set({ DomainName: OTHER_LIVE, SSLPub: other.chainPem, SSLPri: other.key.pkcs8 }), "Certificate.Duplicated", 400);
        await set({ DomainName: OTHER_LIVE, SSLPub: other.chainPem, SSLPri: other.key.pkcs8, ForceSet: "1" });
    });

    test("domains: unknown, another account's, offline, a CDN domain; describe of an unknown domain", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner, stranger] });
        const live = liveClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [LIVE] });
        const query = { SSLProtocol: "on", CertName: "n", SSLPub: leaf.chainPem, SSLPri: leaf.key.pkcs8 };
        await expectApiError(live("SetLiveDomainCertificate", { ...query, DomainName: "none.live.test" }), "InvalidDomain.NotFound", 404);
        await expectApiError(live("SetLiveDomainCertificate", { ...query, DomainName: "theirs.live.test" }), "InvalidDomain.NotFound", 404);
        await expectApiError(live("SetLiveDomainCertificate", { ...query, DomainName: OFFLINE }), "InvalidDomain.Offline", 404);
        await expectApiError(live("SetLiveDomainCertificate", { ...query, DomainName: CDN }), "InvalidDomain.NotFound", 404);
        await expectApiError(live("DescribeLiveDomainCertificateInfo", { DomainName: "none.live.test" }), "InvalidDomain.NotFound", 404);
        await expectApiError(live("DescribeLiveDomainDetail", { DomainName: CDN }), "InvalidDomain.NotFound", 404);
    });

    test("a Live domain sent to a CDN-only action is not found there", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const call = genericClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [LIVE] });
        await expectApiError(
            call("SetDomainServerCertificate", CDN_VERSION, {
                DomainName: LIVE,
                ServerCertificateStatus: "on",
                CertName: "n",
                ServerCertificate: leaf.chainPem,
                PrivateKey: leaf.key.pkcs8,
            }),
            "InvalidDomain.NotFound",
            404,
        );
        // And a Live action name under the CDN version does not exist.
        await expectApiError(call("SetLiveDomainCertificate", CDN_VERSION, { DomainName: LIVE, SSLProtocol: "off" }), "InvalidAction.NotFound", 404);
    });

    test("cas by name (the account's stored certificate), cas unknown, cas without a name; free", async (t) => {
        const stored = await issueCertificate({ dnsNames: ["cas.live.test"] });
        const withCas = accountWithCas("LiveCas", { live: ["cas.live.test"] }, [{ certId: "4242", certName: "live-cas", certificate: stored.chainPem }]);
        const emulator = await emulatorFor(t, { accounts: [withCas] });
        const live = liveClient(emulator, keysOf(withCas));
        await expectApiError(
            live("SetLiveDomainCertificate", { DomainName: "cas.live.test", SSLProtocol: "on", CertType: "cas" }),
            "CertName.MissingParameter",
            404,
        );
        await expectApiError(
            live("SetLiveDomainCertificate", { DomainName: "cas.live.test", SSLProtocol: "on", CertType: "cas", CertName: "nope" }),
            "Certificate.NotFind",
            400,
        );
        await live("SetLiveDomainCertificate", { DomainName: "cas.live.test", SSLProtocol: "on", CertType: "cas", CertName: "live-cas" });
        const cert = certInfo(await live("DescribeLiveDomainCertificateInfo", { DomainName: "cas.live.test" }));
        assert.equal(cert.CertType, "cas");
        assert.equal(cert.CertName, "live-cas");
        assert.equal(fingerprint(cert.SSLPub), await fingerprintOf(stored));

        await live("SetLiveDomainCertificate", { DomainName: "cas.live.test", SSLProtocol: "on", CertType: "free" });
        const free = certInfo(await live("DescribeLiveDomainCertificateInfo", { DomainName: "cas.live.test" }));
        assert.equal(free.CertType, "free");
        assert.ok(new X509Certificate(String(free.SSLPub)).checkHost("cas.live.test"));
    });
});
