// The wire: both signature versions, STS tokens, clock skew, nonce replay, unknown keys, wrong secrets, unknown
// actions and versions, and a certificate chain long enough to need a large header limit.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fingerprintOf, issueChain, leafFingerprint } from "../../harness/certs";
import { expectApiError } from "./support/assertions";
import { $Cdn, cdnClient, CDN_VERSION, genericClient, LIVE_VERSION, SIGNATURES } from "./support/clients";
import { account, emulatorFor, keysOf } from "./support/fixtures";
import { rawRequest, signedLegacy, signedV3 } from "./support/rawRequests";

const CDN = "sig.cdn.test";
const sts = { accessKeyId: "STS.emulatorTemp0001", accessKeySecret: "sts-secret-not-real", securityToken: "token-for-temp-0001" };
const expiredSts = { accessKeyId: "STS.emulatorTemp0002", accessKeySecret: "sts-secret-2", securityToken: "token-2", expiration: "2020-01-01T00:00:00Z" };
const owner = account("Sig", { cdn: [CDN] }, { stsTokens: [sts, expiredSts] });
const describeDetail = new $Cdn.DescribeCdnDomainDetailRequest({ domainName: CDN });
// RSA-4096 keys take seconds to make: one chain serves both signature versions.
let longChain: ReturnType<typeof issueChain> | undefined;

for (const signature of SIGNATURES) {
    describe(`authentication, signature ${signature}`, () => {
        test("a correct signature is accepted", async (t) => {
            const emulator = await emulatorFor(t, { accounts: [owner] });
            const detail = await cdnClient(emulator, keysOf(owner), signature).describeCdnDomainDetail(describeDetail);
            assert.equal(detail.body?.getDomainDetailModel?.domainName, CDN);
        });

        test("a wrong secret: SignatureDoesNotMatch; an unknown key: InvalidAccessKeyId.NotFound", async (t) => {
            const emulator = await emulatorFor(t, { accounts: [owner] });
            await expectApiError(
                cdnClient(emulator, { accessKeyId: owner.accessKeyId, accessKeySecret: "wrong" }, signature).describeCdnDomainDetail(describeDetail),
                "SignatureDoesNotMatch",
                400,
            );
            await expectApiError(
                cdnClient(emulator, { accessKeyId: "LTAInobody", accessKeySecret: "x" }, signature).describeCdnDomainDetail(describeDetail),
                "InvalidAccessKeyId.NotFound",
                404,
            );
        });

        test("STS: accepted with its token; missing, wrong or expired token refused", async (t) => {
            const emulator = await emulatorFor(t, { accounts: [owner] });
            const ok = await cdnClient(emulator, sts, signature).describeCdnDomainDetail(describeDetail);
            assert.equal(ok.body?.getDomainDetailModel?.domainName, CDN);
            const live = genericClient(emulator, sts, signature);
            await expectApiError(live("DescribeLiveDomainDetail", LIVE_VERSION, { DomainName: CDN }), "InvalidDomain.NotFound", 404);
            await expectApiError(
                cdnClient(emulator, { accessKeyId: sts.accessKeyId, accessKeySecret: sts.accessKeySecret }, signature).describeCdnDomainDetail(describeDetail),
                "MissingSecurityToken",
                400,
            );
            await expectApiError(
                cdnClient(emulator, { ...sts, securityToken: "someone-else" }, signature).describeCdnDomainDetail(describeDetail),
                "InvalidSecurityToken.MismatchWithAccessKey",
                400,
            );
            await expectApiError(cdnClient(emulator, expiredSts, signature).describeCdnDomainDetail(describeDetail), "InvalidSecurityToken.Expired", 400);
        });

        test("certificate and key in a long URL: a three-certificate RSA-4096 chain plus its key", async (t) => {
            const emulator = await emulatorFor(t, { accounts: [owner] });
            longChain ??= issueChain({ dnsNames: [CDN], key: "rsa4096" });
            const { root, leaf } = await longChain;
            const chainPem = leaf.chainPem + (leaf.chainPem.match(/BEGIN CERTIFICATE/g)?.length === 3 ? "" : root.leafPem);
            assert.equal(chainPem.match(/BEGIN CERTIFICATE/g)?.length, 3);
            const cdn = cdnClient(emulator, keysOf(owner), signature);
            await cdn.setCdnDomainSSLCertificate(
                new $Cdn.SetCdnDomainSSLCertificateRequest({
                    domainName: CDN,
                    SSLProtocol: "on",
                    certType: "upload",
                    certName: `long-${signature}`,
                    SSLPub: chainPem,
                    SSLPri: leaf.key.traditional,
                }),
            );
            const info = await cdn.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: CDN }));
            const pem = info.body?.certInfos?.certInfo?.[0]?.serverCertificate ?? "";
            assert.equal(leafFingerprint(pem), await fingerprintOf(leaf));
        });
    });
}

describe("freshness", () => {
    test("a timestamp outside the tolerated skew: InvalidTimeStamp.Expired (both versions)", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
        const v3 = signedV3(emulator, keysOf(owner), "DescribeCdnDomainDetail", CDN_VERSION, { DomainName: CDN }, { date: anHourAgo });
        const v3Response = await rawRequest(emulator, v3);
        assert.equal(v3Response.status, 400);
        assert.equal(v3Response.json.Code, "InvalidTimeStamp.Expired");
        const legacy = signedLegacy(keysOf(owner), "DescribeCdnDomainDetail", CDN_VERSION, { DomainName: CDN }, { date: anHourAgo });
        const legacyResponse = await rawRequest(emulator, legacy);
        assert.equal(legacyResponse.status, 400);
        assert.equal(legacyResponse.json.Code, "InvalidTimeStamp.Expired");
    });

    test("a replayed nonce: SignatureNonceUsed (both versions)", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const v3 = signedV3(emulator, keysOf(owner), "DescribeCdnDomainDetail", CDN_VERSION, { DomainName: CDN });
        assert.equal((await rawRequest(emulator, v3)).status, 200);
        const replay = await rawRequest(emulator, v3);
        assert.equal(replay.status, 400);
        assert.equal(replay.json.Code, "SignatureNonceUsed");
        const legacy = signedLegacy(keysOf(owner), "DescribeCdnDomainDetail", CDN_VERSION, { DomainName: CDN });
        assert.equal((await rawRequest(emulator, legacy)).status, 200);
        assert.equal((await rawRequest(emulator, legacy)).json.Code, "SignatureNonceUsed");
    });

    test("a request altered after signing: SignatureDoesNotMatch", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const v3 = signedV3(emulator, keysOf(owner), "DescribeCdnDomainDetail", CDN_VERSION, { DomainName: CDN });
        const tampered = await rawRequest(emulator, { ...v3, path: v3.path.replace(CDN, "other.cdn.test") });
        assert.equal(tampered.status, 400);
        assert.equal(tampered.json.Code, "SignatureDoesNotMatch");
    });
});

describe("routing", () => {
    test("any other action: InvalidAction.NotFound; an unknown version: InvalidVersion", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        for (const signature of SIGNATURES) {
            const call = genericClient(emulator, keysOf(owner), signature);
            await expectApiError(call("DeleteCdnDomain", CDN_VERSION, { DomainName: CDN }), "InvalidAction.NotFound", 404);
            await expectApiError(call("DescribeDomainCertificateInfo", LIVE_VERSION, { DomainName: CDN }), "InvalidAction.NotFound", 404);
            await expectApiError(call("DescribeCdnDomainDetail", "2014-11-11", { DomainName: CDN }), "InvalidVersion", 400);
        }
    });
});
