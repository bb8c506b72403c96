// DCDN (Dynamic Route for CDN, 2018-01-15) through the official typed client @alicloud/dcdn20180115 2.5.0, unchanged:
// the older client generation (@alicloud/openapi-client 0.4.x), every parameter in the query of a POST, no
// content type, with both signatures. Every action, the error table the emulator models for it, the batch limit,
// the rate limits, the refusals across products, the RAM policy and the certificate service's side effects.
// The domain states' refusals are in realCloud.test.ts's table, with the other products' set actions.
process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = "true";

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, test } from "node:test";
import { DEFAULT_ACCOUNT, startEmulator, validateSeed } from "../../emulator";
import { fingerprintOf, issueCertificate, issueChain, type Issued, leafFingerprint } from "../../harness/certs";
import { expectApiError, picked } from "./support/assertions";
import { $Cdn, cdnClient, $Dcdn, dcdnClient, liveClient, SIGNATURES } from "./support/clients";
import { account, accountWithCas, emulatorFor, errorTableCertificates, keysOf } from "./support/fixtures";

const DCDN = "www.dcdn.test";
const API = "api.dcdn.test";
const CDN = "www.cdn-beside-dcdn.test";
const LIVE = "live.cdn-beside-dcdn.test";
const FOREIGN = "theirs.dcdn.test";

const owner = account("Dcdn", { dcdn: [DCDN, API], cdn: [CDN], live: [LIVE] });
const stranger = account("DcdnStranger", { dcdn: [FOREIGN] });

const deployedFingerprint = (pem: string | undefined) => {
    assert.ok(pem, "a PEM is deployed");
    return leafFingerprint(pem);
};
const acsTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

/** An SDK call failed with exactly this code and HTTP status, and (when given) DCDN's own wording of it. */
async function expectDcdnError(promise: Promise<unknown>, code: string, status: number, message?: string): Promise<void> {
    await expectApiError(promise, code, status);
    if (message === undefined) return;
    await promise.catch((error: { message?: string }) => {
        assert.ok(error.message?.includes(`code: ${status}, ${message} request id: `), `expected "${message}" in: ${error.message}`);
    });
}

function set(fields: Partial<$Dcdn.SetDcdnDomainSSLCertificateRequest>) {
    return new $Dcdn.SetDcdnDomainSSLCertificateRequest({ domainName: DCDN, SSLProtocol: "on", certType: "upload", ...fields });
}

function upload(leaf: Issued, certName: string, fields: Partial<$Dcdn.SetDcdnDomainSSLCertificateRequest> = {}) {
    return set({ certName, SSLPub: leaf.chainPem, SSLPri: leaf.key.pkcs8, ...fields });
}

function batch(fields: Partial<$Dcdn.BatchSetDcdnDomainCertificateRequest>) {
    return new $Dcdn.BatchSetDcdnDomainCertificateRequest({ SSLProtocol: "on", certType: "upload", ...fields });
}

/** A clock the test moves: configuring and the rate limits run on it. */
function manualClock(start = 1_000_000) {
    let time = start;
    return { now: () => time, advance: (ms: number) => (time += ms) };
}

for (const signature of SIGNATURES) {
    describe(`DCDN typed client, signature ${signature}`, () => {
        test("SetDcdnDomainSSLCertificate deploys a chain that the certificate read, the domain read and the listing then show", async (t) => {
            const emulator = await emulatorFor(t, { accounts: [owner, stranger] });
            const dcdn = dcdnClient(emulator, keysOf(owner), signature);
            const { leaf } = await issueChain({ dnsNames: [DCDN] });
            const response = await dcdn.setDcdnDomainSSLCertificate(upload(leaf, "www-1"));
            assert.equal(response.statusCode, 200);
            assert.match(response.body?.requestId ?? "", /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);

            const infos =
                (await dcdn.describeDcdnDomainCertificateInfo(new $Dcdn.DescribeDcdnDomainCertificateInfoRequest({ domainName: DCDN }))).body?.certInfos
                    ?.certInfo ?? [];
            assert.equal(infos.length, 1);
            const info = infos[0]!;
            assert.deepEqual(picked(info, "domainName", "SSLProtocol", "certName", "certType", "status", "certDomainName", "certExpireTime"), {
                domainName: DCDN,
                SSLProtocol: "on",
                certName: "www-1",
                certType: "upload",
                status: "success",
                certDomainName: DCDN,
                certExpireTime: acsTime(leaf.cert.notAfter),
            });
            assert.equal(deployedFingerprint(info.SSLPub), await fingerprintOf(leaf));
            assert.equal(info.SSLPub?.match(/BEGIN CERTIFICATE/g)?.length, 2, "the whole chain is kept");

            const detail = (await dcdn.describeDcdnDomainDetail(new $Dcdn.DescribeDcdnDomainDetailRequest({ domainName: DCDN }))).body?.domainDetail;
            assert.equal(detail?.domainName, DCDN);
            assert.equal(detail?.domainStatus, "online");
            assert.equal(detail?.SSLProtocol, "on");
            assert.equal(deployedFingerprint(detail?.SSLPub), await fingerprintOf(leaf));
            assert.equal(detail?.cname, `${DCDN}.w.kunluncan.com`);
            assert.ok(Array.isArray(detail?.sources?.source));

            const listing = (await dcdn.describeDcdnUserDomains(new $Dcdn.DescribeDcdnUserDomainsRequest({}))).body;
            assert.equal(listing?.totalCount, 2);
            assert.deepEqual(
                listing?.domains?.pageData?.map((entry) => [entry.domainName, entry.domainStatus, entry.SSLProtocol]),
                [
                    [API, "online", "off"],
                    [DCDN, "online", "on"],
                ],
            );

            // The upload went into the account's certificate service, once, as a DCDN set's.
            assert.deepEqual(
                emulator.casCertificates(owner.accessKeyId).map((entry) => [entry.certName, entry.source, entry.fingerprint]),
                [["www-1", "dcdn-set", await fingerprintOf(leaf)]],
            );
            assert.deepEqual(
                emulator.requests().map((entry) => [entry.action, entry.domains, entry.certType, entry.status]),
                [
                    ["SetDcdnDomainSSLCertificate", [DCDN], "upload", 200],
                    ["DescribeDcdnDomainCertificateInfo", [DCDN], undefined, 200],
                    ["DescribeDcdnDomainDetail", [DCDN], undefined, 200],
                    ["DescribeDcdnUserDomains", [], undefined, 200],
                ],
            );
        });

        test("SSLProtocol off clears the certificate; Env staging is accepted", async (t) => {
            const emulator = await emulatorFor(t, { accounts: [owner] });
            const dcdn = dcdnClient(emulator, keysOf(owner), signature);
            const leaf = await issueCertificate({ dnsNames: [DCDN] });
            await dcdn.setDcdnDomainSSLCertificate(upload(leaf, "www-off", { SSLPri: leaf.key.traditional, env: "staging" }));
            await dcdn.setDcdnDomainSSLCertificate(set({ SSLProtocol: "off", certType: undefined }));
            const info = (await dcdn.describeDcdnDomainCertificateInfo(new $Dcdn.DescribeDcdnDomainCertificateInfoRequest({ domainName: DCDN }))).body
                ?.certInfos?.certInfo?.[0];
            assert.equal(info?.SSLProtocol, "off");
            assert.equal(info?.SSLPub, undefined);
            const detail = (await dcdn.describeDcdnDomainDetail(new $Dcdn.DescribeDcdnDomainDetailRequest({ domainName: DCDN }))).body?.domainDetail;
            assert.equal(detail?.SSLProtocol, "off");
            assert.equal(detail?.SSLPub, "");
        });

        test("BatchSetDcdnDomainCertificate: 10 domains in one call are accepted, 11 are refused and nothing changes", async (t) => {
            const names = Array.from({ length: 11 }, (_, i) => `b${i}.dcdn.test`);
            const many = account("DcdnBatch", { dcdn: names });
            // The CDN batch limit option does not apply: DCDN's limit is documented.
            const emulator = await emulatorFor(t, { accounts: [many] }, { batchLimit: 50 });
            const dcdn = dcdnClient(emulator, keysOf(many), signature);
            const leaf = await issueCertificate({ dnsNames: ["*.dcdn.test"] });
            const send = (domains: string[], certName: string) =>
                dcdn.batchSetDcdnDomainCertificate(batch({ domainName: domains.join(","), certName, SSLPub: leaf.chainPem, SSLPri: leaf.key.pkcs8 }));
            await expectDcdnError(send(names, "eleven"), "DomainNameOverLimit", 400);
            assert.deepEqual(emulator.casCertificates(many.accessKeyId), [], "nothing stored");
            const untouched = await dcdn.describeDcdnDomainCertificateInfo(new $Dcdn.DescribeDcdnDomainCertificateInfoRequest({ domainName: names[0] }));
            assert.equal(untouched.body?.certInfos?.certInfo?.[0]?.SSLProtocol, "off");

            await send(names.slice(0, 10), "ten");
            for (const domainName of names) {
                const info = (await dcdn.describeDcdnDomainCertificateInfo(new $Dcdn.DescribeDcdnDomainCertificateInfoRequest({ domainName }))).body?.certInfos
                    ?.certInfo?.[0];
                assert.equal(info?.SSLProtocol, domainName === names[10] ? "off" : "on", domainName);
            }
            // One entry for the whole batch.
            assert.deepEqual(
                emulator.casCertificates(many.accessKeyId).map((entry) => [entry.certName, entry.source]),
                [["ten", "dcdn-set"]],
            );
            assert.deepEqual(
                emulator
                    .requests()
                    .filter((entry) => entry.action === "BatchSetDcdnDomainCertificate")
                    .map((entry) => [entry.action, entry.domains.length, entry.certType, entry.status, entry.code]),
                [
                    ["BatchSetDcdnDomainCertificate", 11, "upload", 400, "DomainNameOverLimit"],
                    ["BatchSetDcdnDomainCertificate", 10, "upload", 200, undefined],
                ],
            );
        });
    });
}

describe("certificates from the certificate service (CertType cas)", () => {
    test("SetDcdnDomainSSLCertificate names the stored certificate by CertId and CertRegion; the store is unchanged", async (t) => {
        const hangzhou = await issueCertificate({ dnsNames: [DCDN] });
        const singapore = await issueCertificate({ dnsNames: [DCDN] });
        const seeded = accountWithCas("DcdnCas", { dcdn: [DCDN] }, [
            { certId: "8089870", certName: "hz", certificate: hangzhou.chainPem },
            { certId: "584561", certName: "sg", certificate: singapore.chainPem, region: "ap-southeast-1" },
        ]);
        const emulator = await emulatorFor(t, { accounts: [seeded] });
        const dcdn = dcdnClient(emulator, keysOf(seeded));
        const before = emulator.casCertificates(seeded.accessKeyId);
        const read = async () =>
            (await dcdn.describeDcdnDomainCertificateInfo(new $Dcdn.DescribeDcdnDomainCertificateInfoRequest({ domainName: DCDN }))).body?.certInfos
                ?.certInfo?.[0];

        // CertRegion defaults to cn-hangzhou.
        await dcdn.setDcdnDomainSSLCertificate(set({ certType: "cas", certId: 8089870 }));
        let info = await read();
        assert.deepEqual([info?.certType, info?.certId, info?.certRegion, info?.certName], ["cas", "8089870", "cn-hangzhou", "hz"]);
        assert.equal(deployedFingerprint(info?.SSLPub), await fingerprintOf(hangzhou));

        await dcdn.setDcdnDomainSSLCertificate(set({ certType: "cas", certId: 584561, certRegion: "ap-southeast-1" }));
        info = await read();
        assert.deepEqual([info?.certType, info?.certId, info?.certRegion], ["cas", "584561", "ap-southeast-1"]);
        assert.equal(deployedFingerprint(info?.SSLPub), await fingerprintOf(singapore));
        assert.deepEqual(emulator.casCertificates(seeded.accessKeyId), before, "a cas set adds nothing to the store");
        assert.equal(emulator.requests().at(-2)?.certType, "cas");

        // The id in the other centre, an unknown id, a region that is not one.
        await expectDcdnError(
            dcdn.setDcdnDomainSSLCertificate(set({ certType: "cas", certId: 584561 })),
            "Certificate.NotFind",
            400,
            "The certificate does not exist.",
        );
        await expectDcdnError(
            dcdn.setDcdnDomainSSLCertificate(set({ certType: "cas", certId: 1 })),
            "Certificate.NotFind",
            400,
            "The certificate does not exist.",
        );
        await expectDcdnError(dcdn.setDcdnDomainSSLCertificate(set({ certType: "cas", certId: 8089870, certRegion: "cn-shanghai" })), "InvalidParameter", 400);
    });

    test("BatchSetDcdnDomainCertificate names it by CertName, in the centre Region names", async (t) => {
        const stored = await issueCertificate({ dnsNames: [DCDN, API] });
        const seeded = accountWithCas("DcdnCasBatch", { dcdn: [DCDN, API] }, [
            { certId: "31337", certName: "shared", certificate: stored.chainPem, region: "ap-southeast-1" },
        ]);
        const emulator = await emulatorFor(t, { accounts: [seeded] });
        const dcdn = dcdnClient(emulator, keysOf(seeded));
        // The account's own centre (cn-hangzhou) does not hold it.
        await expectDcdnError(
            dcdn.batchSetDcdnDomainCertificate(batch({ domainName: `${DCDN},${API}`, certType: "cas", certName: "shared" })),
            "Certificate.NotFind",
            400,
        );
        await dcdn.batchSetDcdnDomainCertificate(batch({ domainName: `${DCDN},${API}`, certType: "cas", certName: "shared", region: "ap-southeast-1" }));
        for (const domainName of [DCDN, API]) {
            const info = (await dcdn.describeDcdnDomainCertificateInfo(new $Dcdn.DescribeDcdnDomainCertificateInfoRequest({ domainName }))).body?.certInfos
                ?.certInfo?.[0];
            assert.deepEqual([info?.certType, info?.certId, info?.certRegion, info?.certName], ["cas", "31337", "ap-southeast-1", "shared"]);
        }
        assert.equal(emulator.casCertificates(seeded.accessKeyId).length, 1);
    });
});

describe("SetDcdnDomainSSLCertificate's error table, in DCDN's words", () => {
    test("each malformed request answers its code, status and message, and changes nothing", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const dcdn = dcdnClient(emulator, keysOf(owner));
        const { leaf, other, expired } = await errorTableCertificates([DCDN]);
        const cases: [string, $Dcdn.SetDcdnDomainSSLCertificateRequest, string, number, string?][] = [
            ["no DomainName", upload(leaf, "n", { domainName: undefined }), "MissingParameter", 400],
            ["no SSLProtocol", upload(leaf, "n", { SSLProtocol: undefined }), "MissingParameter", 400],
            [
                "SSLProtocol maybe",
                upload(leaf, "n", { SSLProtocol: "maybe" }),
                "InvalidSSLProtocol.ValueNotSupported",
                400,
                "The specified SSLProtocol is invalid.",
            ],
            ["no SSLPub", upload(leaf, "n", { SSLPub: undefined }), "SSLPub.MissingParameter", 400, "The SSLPub parameter is required."],
            ["no SSLPri", upload(leaf, "n", { SSLPri: undefined }), "SSLPri.MissingParameter", 400, "The SSLPri parameter is required."],
            ["SSLPub not PEM", upload(leaf, "n", { SSLPub: "not a certificate" }), "InvalidSSLPub", 400, "The specified SSLPub is invalid."],
            ["SSLPri not PEM", upload(leaf, "n", { SSLPri: "not a key" }), "InvalidSSLPri", 400, "The specified SSLPri is invalid."],
            ["another key", upload(leaf, "n", { SSLPri: other.key.pkcs8 }), "Certificate.MissMatch", 400, "The SSLPri does not match the certificate."],
            [
                "CertName of 129",
                upload(leaf, "x".repeat(129)),
                "InvalidCertName.TooLong",
                400,
                "The length of the certificate name cannot exceed 128 characters.",
            ],
            [
                "a certificate over 64 KiB",
                upload(leaf, "n", { SSLPub: leaf.chainPem + "\n".repeat(64 * 1024) }),
                "InvalidCertificate.TooLong",
                400,
                "The maximum length of the certificate is exceeded.",
            ],
            ["an expired certificate", upload(expired, "n"), "Certificate.Expired", 400, "The certificate has expired."],
            ["CertType free", upload(leaf, "n", { certType: "free" }), "SetDomainCertificate.ParameterError", 400, "The specified parameters are invalid."],
            ["cas without CertId", set({ certType: "cas" }), "MissingParameter", 400],
        ];
        for (const [name, request, code, status, message] of cases) {
            await t.test(name, () => expectDcdnError(dcdn.setDcdnDomainSSLCertificate(request), code, status, message));
        }
        const info = (await dcdn.describeDcdnDomainCertificateInfo(new $Dcdn.DescribeDcdnDomainCertificateInfoRequest({ domainName: DCDN }))).body?.certInfos
            ?.certInfo?.[0];
        assert.equal(info?.SSLProtocol, "off");
        assert.deepEqual(emulator.casCertificates(owner.accessKeyId), []);
    });

    test("a name the certificate service already holds is Certificate.Duplicated, on both set actions", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const dcdn = dcdnClient(emulator, keysOf(owner));
        const first = await issueCertificate({ dnsNames: [DCDN, API] });
        const second = await issueCertificate({ dnsNames: [DCDN, API] });
        await dcdn.setDcdnDomainSSLCertificate(upload(first, "taken"));
        await expectDcdnError(
            dcdn.setDcdnDomainSSLCertificate(upload(second, "taken", { domainName: API })),
            "Certificate.Duplicated",
            400,
            "The certificate name already exists.",
        );
        await expectDcdnError(
            dcdn.batchSetDcdnDomainCertificate(batch({ domainName: API, certName: "taken", SSLPub: second.chainPem, SSLPri: second.key.pkcs8 })),
            "Certificate.Duplicated",
            400,
            "The certificate name already exists.",
        );
        assert.equal(emulator.casCertificates(owner.accessKeyId).length, 1);
    });

    test("a domain in a change answers ServiceBusy (403) in DCDN's words until the change ends", async (t) => {
        const clock = manualClock();
        const emulator = await emulatorFor(t, { accounts: [owner] }, { configuringMs: 90_000, clock });
        const dcdn = dcdnClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [DCDN] });
        await dcdn.setDcdnDomainSSLCertificate(upload(leaf, "busy"));
        const status = async () =>
            (await dcdn.describeDcdnDomainDetail(new $Dcdn.DescribeDcdnDomainDetailRequest({ domainName: DCDN }))).body?.domainDetail?.domainStatus;
        assert.equal(await status(), "configuring");
        await expectDcdnError(
            dcdn.setDcdnDomainSSLCertificate(set({ SSLProtocol: "off" })),
            "ServiceBusy",
            403,
            "The specified domain is being configured; please try again later.",
        );
        clock.advance(90_000);
        assert.equal(await status(), "online");
        await dcdn.setDcdnDomainSSLCertificate(set({ SSLProtocol: "off" }));
    });
});

describe("a DCDN domain is not a CDN domain", () => {
    test("each product's actions answer InvalidDomain.NotFound (404), in their own words, for the other's domains and another account's", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner, stranger] });
        const dcdn = dcdnClient(emulator, keysOf(owner));
        const cdn = cdnClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [DCDN, CDN, FOREIGN] });
        const dcdnNotFound = "The domain does not exist, or it does not belong to you.";
        for (const domainName of [CDN, LIVE, FOREIGN, "nowhere.dcdn.test"]) {
            await t.test(`DCDN actions on ${domainName}`, async () => {
                await expectDcdnError(dcdn.setDcdnDomainSSLCertificate(upload(leaf, "x", { domainName })), "InvalidDomain.NotFound", 404, dcdnNotFound);
                await expectDcdnError(
                    dcdn.batchSetDcdnDomainCertificate(
                        batch({ domainName: `${DCDN},${domainName}`, certName: "x", SSLPub: leaf.chainPem, SSLPri: leaf.key.pkcs8 }),
                    ),
                    "InvalidDomain.NotFound",
                    404,
                    dcdnNotFound,
                );
                await expectDcdnError(
                    dcdn.describeDcdnDomainCertificateInfo(new $Dcdn.DescribeDcdnDomainCertificateInfoRequest({ domainName })),
                    "InvalidDomain.NotFound",
                    404,
                    dcdnNotFound,
                );
                await expectDcdnError(
                    dcdn.describeDcdnDomainDetail(new $Dcdn.DescribeDcdnDomainDetailRequest({ domainName })),
                    "InvalidDomain.NotFound",
                    404,
                    dcdnNotFound,
                );
            });
        }
        const body = await dcdn
            .describeDcdnDomainDetail(new $Dcdn.DescribeDcdnDomainDetailRequest({ domainName: CDN }))
            .catch((error: { data?: Record<string, unknown> }) => error.data);
        assert.equal(body?.HostId, "dcdn.aliyuncs.com");
        assert.equal(body?.Recommend, "https://api.aliyun.com/troubleshoot?q=InvalidDomain.NotFound&product=dcdn");
        // The reverse: CDN's and Live's actions on a DCDN domain, in their own words.
        await expectDcdnError(
            cdn.setCdnDomainSSLCertificate(
                new $Cdn.SetCdnDomainSSLCertificateRequest({
                    domainName: DCDN,
                    SSLProtocol: "on",
                    certName: "x",
                    SSLPub: leaf.chainPem,
                    SSLPri: leaf.key.pkcs8,
                }),
            ),
            "InvalidDomain.NotFound",
            404,
            "The domain provided does not belong to you.",
        );
        await expectDcdnError(
            cdn.describeCdnDomainDetail(new $Cdn.DescribeCdnDomainDetailRequest({ domainName: DCDN })),
            "InvalidDomain.NotFound",
            404,
            "The domain provided does not belong to you.",
        );
        await expectApiError(liveClient(emulator, keysOf(owner))("DescribeLiveDomainDetail", { DomainName: DCDN }), "InvalidDomain.NotFound", 404);
        // Nor does either listing show the other's domains.
        const cdnListing = (await cdn.describeUserDomains(new $Cdn.DescribeUserDomainsRequest({}))).body?.domains?.pageData?.map((entry) => entry.domainName);
        assert.deepEqual(cdnListing, [CDN]);
        const dcdnListing = (await dcdn.describeDcdnUserDomains(new $Dcdn.DescribeDcdnUserDomainsRequest({}))).body?.domains?.pageData?.map(
            (entry) => entry.domainName,
        );
        assert.deepEqual(dcdnListing, [API, DCDN]);
        assert.equal(emulator.requests().filter((entry) => entry.status === 200).length, 2, "only the listings succeeded: nothing was set");
    });
});

describe("DescribeDcdnUserDomains", () => {
    const names = Array.from({ length: 25 }, (_, i) => `d${String(i).padStart(2, "0")}.list.dcdn.test`);
    const lister = account(
        "DcdnList",
        {},
        {
            domains: [
                ...names.map((domainName) => ({ domainName, product: "dcdn" as const })),
                { domainName: "off.list.dcdn.test", product: "dcdn" as const, domainStatus: "offline" as const },
                { domainName: "review.list.dcdn.test", product: "dcdn" as const, domainStatus: "checking" as const },
            ],
        },
    );
    const list = (emulator: Parameters<typeof dcdnClient>[0], fields: Partial<$Dcdn.DescribeDcdnUserDomainsRequest>) =>
        dcdnClient(emulator, keysOf(lister)).describeDcdnUserDomains(new $Dcdn.DescribeDcdnUserDomainsRequest(fields));

    test("pages of 20 by default and up to 500, in name order, TotalCount at the top level", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [lister] });
        const first = (await list(emulator, {})).body;
        assert.deepEqual([first?.pageNumber, first?.pageSize, first?.totalCount, first?.domains?.pageData?.length], [1, 20, 26, 20]);
        assert.equal(first?.domains?.pageData?.[0]?.domainName, names[0]);
        const second = (await list(emulator, { pageNumber: 2 })).body;
        assert.deepEqual(
            second?.domains?.pageData?.map((entry) => entry.domainName),
            [...names.slice(20), "off.list.dcdn.test"],
        );
        assert.equal((await list(emulator, { pageSize: 500 })).body?.domains?.pageData?.length, 26);
        const entry = first?.domains?.pageData?.[0];
        assert.deepEqual([entry?.domainStatus, entry?.SSLProtocol, entry?.cname], ["online", "off", `${names[0]}.w.kunluncan.com`]);
    });

    test("DomainName with DomainSearchType (exact by default), the DomainStatus filter, CheckDomainShow", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [lister] });
        const found = async (fields: Partial<$Dcdn.DescribeDcdnUserDomainsRequest>) =>
            (await list(emulator, fields)).body?.domains?.pageData?.map((entry) => entry.domainName) ?? [];
        assert.deepEqual(await found({ domainName: "d01.list.dcdn.test" }), ["d01.list.dcdn.test"]);
        assert.deepEqual(await found({ domainName: "d01" }), []);
        assert.deepEqual(await found({ domainName: "d01", domainSearchType: "fuzzy_match" }), ["d01.list.dcdn.test"]);
        assert.deepEqual(await found({ domainName: "d2", domainSearchType: "pre_match" }), names.slice(20));
        assert.deepEqual(await found({ domainName: "off.list.dcdn.test", domainSearchType: "suf_match" }), ["off.list.dcdn.test"]);
        assert.deepEqual(await found({ domainStatus: "offline" }), ["off.list.dcdn.test"]);
        assert.deepEqual(await found({ domainStatus: "checking" }), []);
        assert.deepEqual(await found({ domainStatus: "checking", checkDomainShow: true }), ["review.list.dcdn.test"]);
    });

    test("values out of range answer the codes of DCDN's own table", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [lister] });
        await expectDcdnError(list(emulator, { pageSize: 501 }), "InvalidPageSize.ValueNotSupported", 400, "The specified value of PageSize is invalid.");
        await expectDcdnError(list(emulator, { pageSize: 0 }), "InvalidPageSize.ValueNotSupported", 400);
        await expectDcdnError(
            list(emulator, { pageNumber: 100_001 }),
            "InvalidPageNumber.ValueNotSupported",
            400,
            "The specified value of PageNumber is not supported.",
        );
        await expectDcdnError(
            list(emulator, { domainStatus: "sleeping" }),
            "InvalidDomainStatus.ValueNotSupported",
            400,
            "The specified value of DomainStatus is invalid.",
        );
        await expectDcdnError(
            list(emulator, { domainName: "a", domainSearchType: "regex" }),
            "InvalidDomainSearchType.ValueNotSupported",
            400,
            "The specified value of DomainSearchType is invalid.",
        );
        const fiftyOne = Array.from({ length: 51 }, (_, i) => `n${i}.dcdn.test`).join(",");
        await expectDcdnError(list(emulator, { domainName: fiftyOne }), "InvalidDomainName.Malformed", 400, "The specified DomainName is invalid.");
    });
});

describe("rate limits per account and action", () => {
    // The SDK's doc comments: BatchSetDcdnDomainCertificate 10/s, DescribeDcdnDomainCertificateInfo 100/s,
    // DescribeDcdnUserDomains 80/s, DescribeDcdnDomainDetail 30/s; SetDcdnDomainSSLCertificate documents none: CDN's 30/s.
    const LIMITS: [action: string, perSecond: number][] = [
        ["SetDcdnDomainSSLCertificate", 30],
        ["BatchSetDcdnDomainCertificate", 10],
        ["DescribeDcdnDomainCertificateInfo", 100],
        ["DescribeDcdnUserDomains", 80],
        ["DescribeDcdnDomainDetail", 30],
    ];
    for (const [action, perSecond] of LIMITS) {
        test(`${action}: ${perSecond} calls in a second, the next answers Throttling.User until the second has passed`, async (t) => {
            const clock = manualClock();
            const emulator = await emulatorFor(t, { accounts: [owner, stranger] }, { clock });
            const client = dcdnClient(emulator, keysOf(owner));
            const calls: Record<string, () => Promise<unknown>> = {
                // SSL off: a change each time, over at once (configuringMs 0).
                SetDcdnDomainSSLCertificate: () => client.setDcdnDomainSSLCertificate(set({ SSLProtocol: "off" })),
                BatchSetDcdnDomainCertificate: () => client.batchSetDcdnDomainCertificate(batch({ domainName: `${DCDN},${API}`, SSLProtocol: "off" })),
                DescribeDcdnDomainCertificateInfo: () =>
                    client.describeDcdnDomainCertificateInfo(new $Dcdn.DescribeDcdnDomainCertificateInfoRequest({ domainName: DCDN })),
                DescribeDcdnUserDomains: () => client.describeDcdnUserDomains(new $Dcdn.DescribeDcdnUserDomainsRequest({})),
                DescribeDcdnDomainDetail: () => client.describeDcdnDomainDetail(new $Dcdn.DescribeDcdnDomainDetailRequest({ domainName: DCDN })),
            };
            const call = calls[action]!;
            for (let i = 0; i < perSecond; i++) await call();
            await expectDcdnError(call(), "Throttling.User", 400, "Request was denied due to user flow control.");
            // Another account is not held up.
            await dcdnClient(emulator, keysOf(stranger)).describeDcdnDomainDetail(new $Dcdn.DescribeDcdnDomainDetailRequest({ domainName: FOREIGN }));
            clock.advance(999);
            await expectDcdnError(call(), "Throttling.User", 400);
            clock.advance(1);
            await call();
        });
    }
});

describe("RAM policy", () => {
    test("DCDN's actions are dcdn:<Action>: cdn:* allows none of them, dcdn:Describe* only the reads", async (t) => {
        const leaf = await issueCertificate({ dnsNames: [DCDN] });
        const cdnOnly = account("DcdnRamCdn", { dcdn: ["ram1.dcdn.test"] }, { ramPolicy: { Statement: [{ Effect: "Allow", Action: "cdn:*" }] } });
        const readsOnly = account("DcdnRamRead", { dcdn: [DCDN] }, { ramPolicy: { Statement: [{ Effect: "Allow", Action: ["dcdn:Describe*"] }] } });
        const emulator = await emulatorFor(t, { accounts: [cdnOnly, readsOnly] });
        await expectDcdnError(
            dcdnClient(emulator, keysOf(cdnOnly)).describeDcdnDomainDetail(new $Dcdn.DescribeDcdnDomainDetailRequest({ domainName: "ram1.dcdn.test" })),
            "Forbidden.RAM",
            400,
            "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
        );
        const reader = dcdnClient(emulator, keysOf(readsOnly));
        await reader.describeDcdnDomainDetail(new $Dcdn.DescribeDcdnDomainDetailRequest({ domainName: DCDN }));
        await reader.describeDcdnUserDomains(new $Dcdn.DescribeDcdnUserDomainsRequest({}));
        await expectDcdnError(reader.setDcdnDomainSSLCertificate(upload(leaf, "ram")), "Forbidden.RAM", 400);
        await expectDcdnError(
            reader.batchSetDcdnDomainCertificate(batch({ domainName: DCDN, certName: "ram", SSLPub: leaf.chainPem, SSLPri: leaf.key.pkcs8 })),
            "Forbidden.RAM",
            400,
        );
        assert.deepEqual(emulator.casCertificates(readsOnly.accessKeyId), []);
    });
});

describe("the emulator's surface for DCDN", () => {
    test("seeds take product dcdn; addDomain and setDomainStatus work on DCDN domains", async (t) => {
        assert.equal(
            validateSeed({ accounts: [{ accessKeyId: "LTAIx", accessKeySecret: "s", domains: [{ domainName: "a.test", product: "dcdn" }] }] }).accounts[0]!
                .domains[0]!.product,
            "dcdn",
        );
        assert.throws(
            () => validateSeed({ accounts: [{ accessKeyId: "LTAIx", accessKeySecret: "s", domains: [{ domainName: "a.test", product: "scdn" }] }] }),
            /accounts\[0\]\.domains\[0\]\.product must be one of "cdn", "live", "dcdn"/,
        );
        const emulator = await emulatorFor(t, { accounts: [owner] });
        emulator.addDomain(owner.accessKeyId, "added.dcdn.test", "dcdn", "offline");
        const dcdn = dcdnClient(emulator, keysOf(owner));
        const status = async (domainName: string) =>
            (await dcdn.describeDcdnDomainDetail(new $Dcdn.DescribeDcdnDomainDetailRequest({ domainName }))).body?.domainDetail?.domainStatus;
        assert.equal(await status("added.dcdn.test"), "offline");
        emulator.setDomainStatus("added.dcdn.test", "online");
        assert.equal(await status("added.dcdn.test"), "online");
        emulator.setDomainStatus(DCDN, "check_failed");
        assert.equal(await status(DCDN), "check_failed");
    });

    test("the default account has two DCDN domains, and the command lists them at start", async (t) => {
        assert.deepEqual(DEFAULT_ACCOUNT.dcdnDomains, ["www.example-dcdn.test", "api.example-dcdn.test"]);
        const emulator = await startEmulator({ port: 0, configuringMs: 0 });
        t.after(() => emulator.close());
        const listing = await dcdnClient(emulator, DEFAULT_ACCOUNT).describeDcdnUserDomains(new $Dcdn.DescribeDcdnUserDomainsRequest({}));
        assert.deepEqual(
            listing.body?.domains?.pageData?.map((entry) => entry.domainName),
            ["api.example-dcdn.test", "www.example-dcdn.test"],
        );

        const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "../../emulator/cli.ts"), "--port", "0"], {
            stdio: ["ignore", "pipe", "inherit"],
        });
        t.after(() => {
            child.kill("SIGTERM");
        });
        const lines: string[] = [];
        for await (const line of createInterface({ input: child.stdout! })) {
            lines.push(line);
            if (lines.length === 1) assert.match(line, /^listening on http:\/\/127\.0\.0\.1:\d+$/);
            if (line.includes("api.example-dcdn.test")) break;
        }
        assert.ok(lines.includes("  dcdn www.example-dcdn.test"), lines.join("\n"));
        assert.ok(lines.includes("  dcdn api.example-dcdn.test"), lines.join("\n"));
    });
});
