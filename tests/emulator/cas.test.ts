// The certificate service (CAS 2020-04-07) through the official typed client @alicloud/cas20200407 3.0.0: its five
// actions and their errors, the store they share with CDN's and Live's upload-mode sets, `cas` sets by CertId (CDN)
// and by CertName (Live), and each of the emulator's modes (casNameReuse, casDeleteInUse, casQuota,
// liveUploadToCas). Plus RAM (yundun-cert:*), the legacy signature, the rate limit, the hooks and a state file of
// the previous format.
import { OpenApiUtil } from "@alicloud/openapi-core";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, test } from "node:test";
import { startEmulator, validateSeed, type EmulatorOptions, type RunningEmulator, type SeedAccount } from "../../emulator";
import { EmulatorHooks } from "../../harness/emulatorHooks";
import { encryptedKeyOf, fingerprintOf, issueCertificate, issueChain, type Issued, leafFingerprint } from "../../harness/certs";
import { expectApiError, sortedCasField } from "./support/assertions";
import { $Cas, $Cdn, CAS_VERSION, casClient, cdnClient, CDN_VERSION, genericClient, liveClient, setLiveUpload, SIGNATURES } from "./support/clients";
import { account, accountWithCas, emulatorFor, keysOf } from "./support/fixtures";
import { hook, rawRequest, signedLegacy } from "./support/rawRequests";

const CDN = "www.cas.test";
const CDN_2 = "img.cas.test";
const CDN_3 = "static.cas.test";
const LIVE = "push.cas.test";
const LIVE_2 = "pull.cas.test";
const owner = account("CasOwner", { cdn: [CDN, CDN_2, CDN_3], live: [LIVE, LIVE_2] });
const other = account("CasOther", { cdn: ["theirs.cas.test"] });

type Json = Record<string, unknown>;

function upload(name: string, leaf: Issued, key: string = leaf.key.pkcs8) {
    return new $Cas.UploadUserCertificateRequest({ name, cert: leaf.chainPem, key });
}

function sha1Upper(issued: Issued): string {
    return new X509Certificate(issued.leafPem).fingerprint.replace(/:/g, "");
}

function sha256Upper(issued: Issued): string {
    return new X509Certificate(issued.leafPem).fingerprint256.replace(/:/g, "");
}

async function start(
    t: Parameters<typeof emulatorFor>[0],
    options: Omit<EmulatorOptions, "seed"> = {},
    accounts: SeedAccount[] = [owner, other],
): Promise<RunningEmulator> {
    return emulatorFor(t, { accounts }, options);
}

/** The raw JSON body of a CAS call (the generic client: no model cast), to see the wire's types. */
function casRaw(emulator: RunningEmulator, keys = keysOf(owner)) {
    const call = genericClient(emulator, keys);
    return (action: string, query: Record<string, string> = {}) => call(action, CAS_VERSION, query);
}

function cdnUploadSet(domainName: string, certName: string, leaf: Issued) {
    return new $Cdn.SetCdnDomainSSLCertificateRequest({
        domainName,
        SSLProtocol: "on",
        certType: "upload",
        certName,
        SSLPub: leaf.chainPem,
        SSLPri: leaf.key.pkcs8,
    });
}

async function cdnCertInfo(emulator: RunningEmulator, domainName: string) {
    const info = await cdnClient(emulator, keysOf(owner)).describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName }));
    return info.body?.certInfos?.certInfo?.[0];
}

const leafSha256 = (pem: unknown) => leafFingerprint(String(pem));

for (const signature of SIGNATURES) {
    describe(`UploadUserCertificate and GetUserCertificateDetail (typed client, signature ${signature})`, () => {
        test("an upload answers a numeric CertId and a ResourceId; the detail describes the certificate, never a key", async (t) => {
            const emulator = await start(t);
            const cas = casClient(emulator, keysOf(owner), signature);
            const { leaf, intermediate } = await issueChain({ dnsNames: [CDN, CDN_2], key: "rsa2048", serialNumber: "0a1b2c3d4e" });
            const uploaded = await cas.uploadUserCertificate(upload("my-cert_1.2-x", leaf));
            const certId = uploaded.body?.certId;
            assert.equal(typeof certId, "number");
            assert.match(String(certId), /^\d{8}$/);
            assert.match(uploaded.body?.resourceId ?? "", /^cas-upload-[0-9a-z]{6}$/);
            assert.match(uploaded.body?.requestId ?? "", /^[0-9A-F-]{36}$/);

            const detail = (await cas.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId }))).body!;
            assert.equal(detail.id, certId);
            assert.equal(detail.name, "my-cert_1.2-x", "- and . kept verbatim");
            assert.equal(detail.cert, leaf.chainPem, "the chain as uploaded, leaf first");
            assert.equal(detail.certIdentifier, `${certId}-cn-hangzhou`);
            assert.equal(detail.common, CDN);
            assert.equal(detail.sans, `${CDN},${CDN_2}`);
            assert.equal(detail.issuer, "Test Intermediate CA");
            assert.equal(detail.orgName, "");
            assert.equal(detail.serialNo, "0a1b2c3d4e", "lowercase, the leading zero nibble kept");
            assert.equal(detail.fingerprint, sha1Upper(leaf));
            assert.equal(detail.sha2, sha256Upper(leaf));
            assert.equal(detail.notAfter, leaf.cert.notAfter.getTime());
            assert.equal(detail.notBefore, leaf.cert.notBefore.getTime());
            assert.equal(detail.startDate, leaf.cert.notBefore.toISOString().slice(0, 10));
            assert.equal(detail.endDate, leaf.cert.notAfter.toISOString().slice(0, 10));
            assert.equal(detail.expired, false);
            assert.equal(detail.instanceId, uploaded.body?.resourceId);
            assert.equal(detail.algorithm, "RSA");
            assert.equal(detail.buyInAliyun, false);
            assert.equal(detail.key, undefined, "never a private key");
            assert.deepEqual(
                detail.certChain?.map((link) => [link.commonName, link.issuerCommonName, link.notAfter]),
                [
                    [CDN, "Test Intermediate CA", leaf.cert.notAfter.getTime()],
                    ["Test Intermediate CA", "Test Root CA", intermediate.cert.notAfter.getTime()],
                ],
            );
            assert.ok((detail.certChain?.[0]?.remainDay ?? 0) >= 88);

            const filtered = (await cas.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId, certFilter: true }))).body!;
            assert.equal(filtered.cert, undefined, "CertFilter=true leaves the certificate out");
            assert.equal(filtered.sha2, sha256Upper(leaf));
        });
    });
}

describe("the wire: JSON types, the log, the hooks", () => {
    test("numbers are JSON numbers, lists are arrays, every answer has a RequestId, and no key is ever answered", async (t) => {
        const emulator = await start(t);
        const raw = casRaw(emulator);
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        const uploaded = await raw("UploadUserCertificate", { Name: "wire", Cert: leaf.chainPem, Key: leaf.key.pkcs8 });
        assert.equal(typeof uploaded.CertId, "number");
        assert.equal(typeof uploaded.RequestId, "string");
        const detail = await raw("GetUserCertificateDetail", { CertId: String(uploaded.CertId) });
        for (const field of ["Id", "NotAfter", "NotBefore"]) assert.equal(typeof detail[field], "number", field);
        for (const field of ["Expired", "BuyInAliyun"]) assert.equal(typeof detail[field], "boolean", field);
        assert.ok(Array.isArray(detail.CertChain));
        assert.equal(detail.Algorithm, "ECC");
        assert.ok(!("Key" in detail) && !("EncryptPrivateKey" in detail) && !("SignPrivateKey" in detail));
        const list = await raw("ListUserCertificateOrder", { OrderType: "UPLOAD" });
        assert.ok(Array.isArray(list.CertificateOrderList));
        for (const field of ["CurrentPage", "ShowSize", "TotalCount"]) assert.equal(typeof list[field], "number", field);
        const item = (list.CertificateOrderList as Json[])[0]!;
        assert.equal(typeof item.CertificateId, "number");
        assert.equal(typeof item.Upload, "boolean");
        const empty = await raw("ListUserCertificateOrder", {});
        assert.deepEqual(empty.CertificateOrderList, [], "an empty list is an array too");
        const quota = await raw("GetCertWarehouseQuota");
        assert.deepEqual([typeof quota.TotalQuota, typeof quota.UseCount, typeof quota.RequestId], ["number", "number", "string"]);
        assert.deepEqual(Object.keys(await raw("DeleteUserCertificate", { CertId: String(uploaded.CertId) })), ["RequestId"]);
    });

    test("an error answers JSON {RequestId, HostId cas.aliyuncs.com, Code, Message, Recommend}", async (t) => {
        const emulator = await start(t);
        const request = signedLegacy(keysOf(owner), "GetUserCertificateDetail", CAS_VERSION, { CertId: "1" });
        const answer = await rawRequest(emulator, { path: request.path });
        assert.equal(answer.status, 404);
        assert.deepEqual(Object.keys(answer.json).sort(), ["Code", "HostId", "Message", "Recommend", "RequestId"]);
        assert.equal(answer.json.Code, "NotFound");
        assert.equal(answer.json.HostId, "cas.aliyuncs.com");
        assert.match(String(answer.json.Recommend), /q=NotFound&product=cas$/);
    });

    test("the request log names each action; a set's entry names the CertType it sent", async (t) => {
        const emulator = await start(t);
        const cas = casClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        const { body } = await cas.uploadUserCertificate(upload("logged", leaf));
        await cas.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId: body?.certId }));
        await cas.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ orderType: "CERT" }));
        await cas.getCertWarehouseQuota();
        const cdn = cdnClient(emulator, keysOf(owner));
        await cdn.setCdnDomainSSLCertificate(
            new $Cdn.SetCdnDomainSSLCertificateRequest({ domainName: CDN, SSLProtocol: "on", certType: "cas", certId: body?.certId }),
        );
        await cdn.setCdnDomainSSLCertificate(cdnUploadSet(CDN_2, "logged-2", leaf));
        await cdn.setCdnDomainSSLCertificate(new $Cdn.SetCdnDomainSSLCertificateRequest({ domainName: CDN_3, SSLProtocol: "off" }));
        await expectApiError(cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId: body?.certId })), "CertificateInUse", 400);
        const log = emulator.requests();
        assert.deepEqual(
            log.map((e) => [e.action, e.status, e.certType]),
            [
                ["UploadUserCertificate", 200, undefined],
                ["GetUserCertificateDetail", 200, undefined],
                ["ListUserCertificateOrder", 200, undefined],
                ["GetCertWarehouseQuota", 200, undefined],
                ["SetCdnDomainSSLCertificate", 200, "cas"],
                ["SetCdnDomainSSLCertificate", 200, "upload"],
                ["SetCdnDomainSSLCertificate", 200, undefined],
                ["DeleteUserCertificate", 400, undefined],
            ],
        );
        assert.equal(log.at(-1)?.code, "CertificateInUse");
        const text = JSON.stringify(log);
        for (const secret of ["BEGIN", "logged", leaf.key.pkcs8.split("\n")[1]!])
            assert.ok(!text.includes(secret), `the log must not contain ${secret.slice(0, 12)}`);
    });

    test("GET /__emulator/cas-certificates and casCertificates(): the entries without their PEM, per account or all", async (t) => {
        const stored = await issueCertificate({ dnsNames: ["theirs.cas.test"] });
        const seeded = accountWithCas("CasOther", { cdn: ["theirs.cas.test"] }, [{ certId: "4242", certName: "seeded", certificate: stored.chainPem }]);
        const emulator = await start(t, {}, [owner, seeded]);
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        const certId = (await casClient(emulator, keysOf(owner)).uploadUserCertificate(upload("mine", leaf))).body!.certId!;
        const mine = await hook(emulator, "GET", `/__emulator/cas-certificates?accessKeyId=${owner.accessKeyId}`);
        assert.equal(mine.status, 200);
        const entries = mine.json as unknown as Json[];
        assert.equal(entries.length, 1);
        const { createdAt, ...rest } = entries[0]!;
        assert.ok(!Number.isNaN(Date.parse(String(createdAt))));
        assert.deepEqual(rest, {
            accessKeyId: owner.accessKeyId,
            certId: String(certId),
            certName: "mine",
            region: "cn-hangzhou",
            source: "upload",
            fingerprint: await fingerprintOf(leaf),
            notAfter: leaf.cert.notAfter.toISOString(),
        });
        assert.ok(!mine.text.includes("BEGIN"), "no PEM");
        const all = (await hook(emulator, "GET", "/__emulator/cas-certificates")).json as unknown as Json[];
        assert.deepEqual(all.map((e) => [e.certName, e.source]).sort(), [
            ["mine", "upload"],
            ["seeded", "seed"],
        ]);
        assert.deepEqual(emulator.casCertificates(owner.accessKeyId), entries);
        assert.deepEqual(emulator.casCertificates(), all);
        const hooks = new EmulatorHooks(emulator.endpoint);
        assert.deepEqual(await hooks.casCertificates(owner.accessKeyId), entries);
        assert.deepEqual(await hooks.casCertificates(), all);
        assert.equal((await hook(emulator, "GET", "/__emulator/cas-certificates?accessKeyId=LTAInobody")).status, 400);
    });
});

describe("UploadUserCertificate errors", () => {
    test("missing Name, Cert or Key; a Name over 64 characters; a certificate that is not PEM", async (t) => {
        const emulator = await start(t);
        const raw = casRaw(emulator);
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        const base = { Name: "n", Cert: leaf.chainPem, Key: leaf.key.pkcs8 };
        for (const missing of ["Name", "Cert", "Key"] as const) {
            const query: Record<string, string> = { ...base };
            delete query[missing];
            await assert.rejects(raw("UploadUserCertificate", query), (error: { code?: string; statusCode?: number; data?: { Message?: string } }) => {
                assert.equal(error.code, "MissingParameter");
                assert.equal(error.statusCode, 400);
                assert.match(String(error.data?.Message), new RegExp(`"${missing}"`));
                return true;
            });
        }
        await expectApiError(raw("UploadUserCertificate", { ...base, Name: "n".repeat(65) }), "InvalidParameter", 400);
        await expectApiError(raw("UploadUserCertificate", { ...base, Cert: "not a certificate" }), "CertificateFormatException", 400);
        await expectApiError(
            raw("UploadUserCertificate", { ...base, Cert: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" }),
            "CertificateFormatException",
            400,
        );
        await raw("UploadUserCertificate", { ...base, Name: "n".repeat(64) });
    });

    test("a key that does not parse or is encrypted: PrivateKeyFormatException, checked before the pairing", async (t) => {
        const emulator = await start(t);
        const cas = casClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [CDN], key: "rsa2048" });
        const stranger = await issueCertificate({ dnsNames: [CDN] });
        const encrypted = encryptedKeyOf(leaf);
        await expectApiError(
            cas.uploadUserCertificate(upload("k", leaf, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")),
            "PrivateKeyFormatException",
            400,
        );
        await expectApiError(cas.uploadUserCertificate(upload("k", leaf, encrypted.pkcs8)), "PrivateKeyFormatException", 400);
        assert.match(encrypted.traditional, /Proc-Type: 4,ENCRYPTED/);
        await expectApiError(cas.uploadUserCertificate(upload("k", leaf, encrypted.traditional)), "PrivateKeyFormatException", 400);
        // An encrypted key of another certificate: the format is what is reported.
        await expectApiError(cas.uploadUserCertificate(upload("k", stranger, encrypted.pkcs8)), "PrivateKeyFormatException", 400);
        // PKCS#1, SEC1 and PKCS#8 are all accepted.
        await cas.uploadUserCertificate(upload("pkcs1", leaf, leaf.key.traditional));
        await cas.uploadUserCertificate(upload("sec1", stranger, stranger.key.traditional));
        await cas.uploadUserCertificate(upload("pkcs8", stranger, stranger.key.pkcs8));
    });

    test("a key of another certificate, or a chain with the CA first: NotMatch.CertificateAndPrivateKey", async (t) => {
        const emulator = await start(t);
        const cas = casClient(emulator, keysOf(owner));
        const { leaf, intermediate } = await issueChain({ dnsNames: [CDN] });
        const stranger = await issueCertificate({ dnsNames: [CDN] });
        await expectApiError(cas.uploadUserCertificate(upload("m", leaf, stranger.key.pkcs8)), "NotMatch.CertificateAndPrivateKey", 400);
        const caFirst = new $Cas.UploadUserCertificateRequest({ name: "m", cert: intermediate.leafPem + leaf.leafPem, key: leaf.key.pkcs8 });
        await expectApiError(cas.uploadUserCertificate(caFirst), "NotMatch.CertificateAndPrivateKey", 400);
        // Leaf only and leaf + CA are both accepted.
        await cas.uploadUserCertificate(new $Cas.UploadUserCertificateRequest({ name: "leaf-only", cert: leaf.leafPem, key: leaf.key.pkcs8 }));
        await cas.uploadUserCertificate(upload("leaf-and-ca", leaf));
    });

    test("an expired certificate is stored (it lists as EXPIRED)", async (t) => {
        const emulator = await start(t);
        const cas = casClient(emulator, keysOf(owner));
        const expired = await issueCertificate({ dnsNames: [CDN], notBeforeDays: -100, notAfterDays: -1 });
        const certId = (await cas.uploadUserCertificate(upload("old", expired))).body!.certId;
        const detail = (await cas.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId }))).body!;
        assert.equal(detail.expired, true);
        assert.equal(detail.certChain?.[0]?.remainDay, 0);
    });
});

describe("casNameReuse: names are unique within the account's centre", () => {
    test("refuse (the default): a held name is NameRepeat, same content or not; the same content under a new name is a new entry", async (t) => {
        const emulator = await start(t);
        const cas = casClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        const renewed = await issueCertificate({ dnsNames: [CDN] });
        const first = (await cas.uploadUserCertificate(upload("name", leaf))).body!.certId;
        await assert.rejects(
            cas.uploadUserCertificate(upload("name", leaf)),
            (error: { code?: string; statusCode?: number; data?: { Message?: string }; name?: string }) => {
                assert.equal(error.code, "NameRepeat");
                assert.equal(error.statusCode, 400);
                assert.equal(error.name, "ClientError");
                assert.equal(error.data?.Message, "The certificate name already exists.");
                return true;
            },
        );
        await expectApiError(cas.uploadUserCertificate(upload("name", renewed)), "NameRepeat", 400);
        const second = (await cas.uploadUserCertificate(upload("name-2", leaf))).body!.certId;
        assert.notEqual(second, first, "the same content twice: two entries (certd #700, Certimate #885)");
        assert.equal((await cas.getCertWarehouseQuota()).body?.useCount, 2);
        // Names are per account: another account may use the same one.
        await casClient(emulator, keysOf(other)).uploadUserCertificate(upload("name", leaf));
    });

    test("same-content: the identical leaf under a held name answers the existing CertId and adds nothing; another leaf is NameRepeat", async (t) => {
        const emulator = await start(t, { casNameReuse: "same-content" });
        const cas = casClient(emulator, keysOf(owner));
        const { leaf } = await issueChain({ dnsNames: [CDN] });
        const renewed = await issueCertificate({ dnsNames: [CDN] });
        const first = (await cas.uploadUserCertificate(upload("name", leaf))).body!;
        // The same leaf, even sent without its intermediate, is the same content.
        const again = (await cas.uploadUserCertificate(new $Cas.UploadUserCertificateRequest({ name: "name", cert: leaf.leafPem, key: leaf.key.traditional })))
            .body!;
        assert.deepEqual([again.certId, again.resourceId], [first.certId, first.resourceId]);
        assert.equal((await cas.getCertWarehouseQuota()).body?.useCount, 1);
        await expectApiError(cas.uploadUserCertificate(upload("name", renewed)), "NameRepeat", 400);
    });
});

describe("GetUserCertificateDetail errors", () => {
    test("an unknown CertId, another account's, one of the other centre: NotFound 404; a CertId that is no number: InvalidParameter", async (t) => {
        const stored = await issueCertificate({ dnsNames: [CDN] });
        const seeded = accountWithCas("CasOwner", { cdn: [CDN] }, [{ certId: "777", certName: "sg", certificate: stored.chainPem, region: "ap-southeast-1" }]);
        const emulator = await start(t, {}, [seeded, other]);
        const cas = casClient(emulator, keysOf(seeded));
        const detail = (certId: number) => cas.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId }));
        await expectApiError(detail(12345678), "NotFound", 404);
        await expectApiError(detail(777), "NotFound", 404); // the account's centre is cn-hangzhou
        const theirs = (await casClient(emulator, keysOf(other)).uploadUserCertificate(upload("theirs", stored))).body!.certId!;
        await expectApiError(detail(theirs), "NotFound", 404);
        await expectApiError(casRaw(emulator, keysOf(seeded))("GetUserCertificateDetail", { CertId: "12-cn-hangzhou" }), "InvalidParameter", 400);
        await expectApiError(casRaw(emulator, keysOf(seeded))("GetUserCertificateDetail", {}), "MissingParameter", 400);
    });

    test("SerialNo is the DER INTEGER's bytes: a 0x00 sign byte is kept", async (t) => {
        const emulator = await start(t);
        const cas = casClient(emulator, keysOf(owner));
        for (const [serialNumber, expected] of [
            ["80ff0011", "0080ff0011"],
            ["0f0e", "0f0e"],
            ["7f01", "7f01"],
        ] as const) {
            const leaf = await issueCertificate({ dnsNames: [CDN], serialNumber });
            const certId = (await cas.uploadUserCertificate(upload(`serial-${serialNumber}`, leaf))).body!.certId;
            assert.equal((await cas.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId }))).body?.serialNo, expected);
        }
    });
});

describe("ListUserCertificateOrder", () => {
    test("OrderType CPACK (the default) and BUY list no orders; UPLOAD and CERT list every stored certificate by id", async (t) => {
        const stored = await issueCertificate({ dnsNames: ["seeded.cas.test"] });
        const seeded = accountWithCas("CasOwner", { cdn: [CDN], live: [LIVE] }, [{ certId: "99", certName: "from-seed", certificate: stored.chainPem }]);
        const emulator = await start(t, {}, [seeded]);
        const cas = casClient(emulator, keysOf(seeded));
        const uploaded = await issueCertificate({ dnsNames: ["up.cas.test"] });
        const viaCdn = await issueCertificate({ dnsNames: [CDN] });
        const viaLive = await issueCertificate({ dnsNames: [LIVE] });
        await cas.uploadUserCertificate(upload("from-upload", uploaded));
        await cdnClient(emulator, keysOf(seeded)).setCdnDomainSSLCertificate(cdnUploadSet(CDN, "from-cdn", viaCdn));
        await setLiveUpload(liveClient(emulator, keysOf(seeded)), LIVE, viaLive, "from-live");

        for (const orderType of [undefined, "CPACK", "BUY"]) {
            const body = (await cas.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ ...(orderType ? { orderType } : {}) }))).body!;
            assert.deepEqual([body.certificateOrderList, body.totalCount, body.currentPage, body.showSize], [[], 0, 1, 50], `OrderType ${orderType}`);
        }
        for (const orderType of ["UPLOAD", "CERT"]) {
            const body = (await cas.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ orderType }))).body!;
            const list = body.certificateOrderList ?? [];
            assert.equal(body.totalCount, 4);
            assert.deepEqual(list.map((item) => item.name).sort(), ["from-cdn", "from-live", "from-seed", "from-upload"]);
            const ids = list.map((item) => item.certificateId!);
            assert.deepEqual(
                ids,
                [...ids].sort((a, b) => a - b),
                "in order of id",
            );
            assert.equal(list[0]!.certificateId, 99);
            const item = list.find((i) => i.name === "from-upload")!;
            assert.equal(item.commonName, "up.cas.test");
            assert.equal(item.sans, "up.cas.test");
            assert.equal(item.fingerprint, sha1Upper(uploaded));
            assert.equal(item.sha2, sha256Upper(uploaded));
            assert.equal(item.serialNo, uploaded.cert.serialNumber.toLowerCase());
            assert.equal(item.issuer, "up.cas.test", "self-signed: the issuer's CN");
            assert.equal(item.startDate, uploaded.cert.notBefore.toISOString().slice(0, 10));
            assert.equal(item.endDate, uploaded.cert.notAfter.toISOString().slice(0, 10));
            assert.deepEqual([item.expired, item.upload, item.status], [false, true, "ISSUED"]);
            assert.match(item.instanceId ?? "", /^cas-upload-[0-9a-z]{6}$/);
            assert.equal(typeof item.resourceGroupId, "string");
        }
    });

    test("Status: empty lists ISSUED and WILLEXPIRED (within 30 days); EXPIRED, ISSUED and WILLEXPIRED each list their own", async (t) => {
        const emulator = await start(t);
        const cas = casClient(emulator, keysOf(owner));
        const fresh = await issueCertificate({ dnsNames: [CDN], notAfterDays: 90 });
        const soon = await issueCertificate({ dnsNames: [CDN], notAfterDays: 10 });
        const expired = await issueCertificate({ dnsNames: [CDN], notBeforeDays: -60, notAfterDays: -1 });
        await cas.uploadUserCertificate(upload("fresh", fresh));
        await cas.uploadUserCertificate(upload("soon", soon));
        await cas.uploadUserCertificate(upload("expired", expired));
        const names = async (status?: string) =>
            (
                (await cas.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ orderType: "CERT", ...(status ? { status } : {}) }))).body
                    ?.certificateOrderList ?? []
            )
                .map((i) => `${i.name}:${i.status}:${i.expired}`)
                .sort();
        assert.deepEqual(await names(), ["fresh:ISSUED:false", "soon:WILLEXPIRED:false"]);
        assert.deepEqual(await names("EXPIRED"), ["expired:EXPIRED:true"]);
        assert.deepEqual(await names("ISSUED"), ["fresh:ISSUED:false"]);
        assert.deepEqual(await names("WILLEXPIRED"), ["soon:WILLEXPIRED:false"]);
        assert.deepEqual(await names("REVOKED"), [], "an order-only status lists no certificate");
        await expectApiError(
            cas.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ orderType: "CERT", status: "SHINY" })),
            "InvalidParameter",
            400,
        );
    });

    test("Keyword: a case-insensitive substring of the CN or a SAN, never of the Name", async (t) => {
        const emulator = await start(t);
        const cas = casClient(emulator, keysOf(owner));
        await cas.uploadUserCertificate(upload("alpha-name", await issueCertificate({ dnsNames: ["*.it.integration.invalid", "api.example.org"] })));
        await cas.uploadUserCertificate(upload("beta-name", await issueCertificate({ dnsNames: ["shop.example.net"] })));
        const names = async (keyword: string) =>
            ((await cas.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ orderType: "UPLOAD", keyword }))).body?.certificateOrderList ?? [])
                .map((i) => i.name)
                .sort();
        assert.deepEqual(await names("ntegratio"), ["alpha-name"]);
        assert.deepEqual(await names("API.EXAMPLE"), ["alpha-name"], "a SAN, case-insensitively");
        assert.deepEqual(await names("example"), ["alpha-name", "beta-name"]);
        assert.deepEqual(await names("probe.it.integration.invalid"), [], "no wildcard expansion");
        assert.deepEqual(await names("beta"), [], "the Name is not searched");
    });

    test("pages: ShowSize 1 to 100 (default 50), CurrentPage from 1; TotalCount counts every match", async (t) => {
        const emulator = await start(t);
        const cas = casClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        for (let i = 0; i < 5; i++) await cas.uploadUserCertificate(upload(`p${i}`, leaf));
        const page = async (currentPage: number, showSize: number) =>
            (await cas.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ orderType: "CERT", currentPage, showSize }))).body!;
        const pages = await Promise.all([1, 2, 3, 4].map((n) => page(n, 2)));
        assert.deepEqual(
            pages.map((p) => p.certificateOrderList?.length),
            [2, 2, 1, 0],
        );
        assert.deepEqual(
            pages.map((p) => [p.totalCount, p.currentPage, p.showSize]),
            [
                [5, 1, 2],
                [5, 2, 2],
                [5, 3, 2],
                [5, 4, 2],
            ],
        );
        const ids = pages.flatMap((p) => p.certificateOrderList ?? []).map((i) => i.certificateId);
        assert.equal(new Set(ids).size, 5, "every entry once");
        assert.equal((await page(1, 100)).certificateOrderList?.length, 5);
        await expectApiError(page(1, 101), "InvalidParameter", 400);
        await expectApiError(page(1, 0), "InvalidParameter", 400);
        await expectApiError(page(0, 10), "InvalidParameter", 400);
        await expectApiError(cas.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ orderType: "ALL" })), "InvalidParameter", 400);
    });

    test("10 calls per second per account: the eleventh in a second answers Throttling.User", async (t) => {
        let time = Date.now();
        const emulator = await start(t, { clock: { now: () => time } });
        const cas = casClient(emulator, keysOf(owner));
        const list = () => cas.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ orderType: "CERT" }));
        for (let i = 0; i < 10; i++) await list();
        await assert.rejects(list(), (error: { name?: string; code?: string; statusCode?: number }) => {
            assert.deepEqual([error.name, error.code, error.statusCode], ["ThrottlingError", "Throttling.User", 400]);
            return true;
        });
        // Per action and per account: the detail (100/s) and another account are not held up.
        await expectApiError(cas.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId: 1 })), "NotFound", 404);
        await casClient(emulator, keysOf(other)).listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({}));
        time += 1000;
        await list();
        // GetCertWarehouseQuota is also 10/s.
        for (let i = 0; i < 10; i++) await cas.getCertWarehouseQuota();
        await expectApiError(cas.getCertWarehouseQuota(), "Throttling.User", 400);
    });
});

describe("casQuota and GetCertWarehouseQuota", () => {
    test("TotalQuota is the quota (5000 by default), UseCount the account's entries in its centre", async (t) => {
        const stored = await issueCertificate({ dnsNames: [CDN] });
        const seeded = accountWithCas("CasOwner", { cdn: [CDN] }, [
            { certId: "1", certName: "hz", certificate: stored.chainPem },
            { certId: "2", certName: "sg", certificate: stored.chainPem, region: "ap-southeast-1" },
        ]);
        const emulator = await start(t, {}, [seeded]);
        const quota = (await casClient(emulator, keysOf(seeded)).getCertWarehouseQuota()).body!;
        assert.deepEqual([quota.totalQuota, quota.useCount], [5000, 1]);
    });

    test("an upload or an upload-mode set that would add an entry past the quota is refused; a reuse, an overwrite or a delete make room", async (t) => {
        const emulator = await start(t, { casQuota: 2, casNameReuse: "same-content" });
        const cas = casClient(emulator, keysOf(owner));
        const cdn = cdnClient(emulator, keysOf(owner));
        const call = genericClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [CDN, CDN_2, CDN_3, LIVE] });
        const renewed = await issueCertificate({ dnsNames: [CDN, CDN_2, CDN_3, LIVE] });
        const first = (await cas.uploadUserCertificate(upload("q1", leaf))).body!.certId!;
        await cdn.setCdnDomainSSLCertificate(cdnUploadSet(CDN, "q2", leaf));
        assert.deepEqual([(await cas.getCertWarehouseQuota()).body?.totalQuota, (await cas.getCertWarehouseQuota()).body?.useCount], [2, 2]);
        await expectApiError(cas.uploadUserCertificate(upload("q3", leaf)), "QuotaExceeded", 400);
        await expectApiError(cdn.setCdnDomainSSLCertificate(cdnUploadSet(CDN_2, "q3", leaf)), "QuotaExceeded", 400);
        await expectApiError(setLiveUpload(liveClient(emulator, keysOf(owner)), LIVE, leaf, "q3"), "QuotaExceeded", 400);
        // Nothing added: the name is the held one (same content), or the held one is overwritten.
        await cas.uploadUserCertificate(upload("q1", leaf));
        await cdn.setCdnDomainSSLCertificate(cdnUploadSet(CDN_2, "q2", leaf));
        await call("SetDomainServerCertificate", CDN_VERSION, {
            DomainName: CDN_3,
            ServerCertificateStatus: "on",
            CertName: "q2",
            ServerCertificate: renewed.chainPem,
            PrivateKey: renewed.key.pkcs8,
            ForceSet: "1",
        });
        assert.equal((await cas.getCertWarehouseQuota()).body?.useCount, 2);
        await cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId: first }));
        await cas.uploadUserCertificate(upload("q3", leaf));
    });
});

describe("upload-mode sets put their certificate in the store", () => {
    test("CDN: the entry is the set's CertName (source cdn-set); a second set or an upload under that name is refused", async (t) => {
        const emulator = await start(t);
        const cas = casClient(emulator, keysOf(owner));
        const cdn = cdnClient(emulator, keysOf(owner));
        const call = genericClient(emulator, keysOf(owner));
        const { leaf } = await issueChain({ dnsNames: [CDN, CDN_2, CDN_3] });
        await cdn.setCdnDomainSSLCertificate(cdnUploadSet(CDN, "deployed", leaf));
        const [entry] = emulator.casCertificates(owner.accessKeyId);
        assert.deepEqual(
            [entry?.certName, entry?.source, entry?.region, entry?.fingerprint],
            ["deployed", "cdn-set", "cn-hangzhou", await fingerprintOf(leaf)],
        );
        const detail = (await cas.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId: Number(entry!.certId) }))).body!;
        assert.deepEqual([detail.name, detail.cert], ["deployed", leaf.chainPem]);
        // The same name again, on every upload-mode set and on UploadUserCertificate.
        await expectApiError(cdn.setCdnDomainSSLCertificate(cdnUploadSet(CDN_2, "deployed", leaf)), "Certificate.Duplicated", 400);
        await expectApiError(
            call("SetDomainServerCertificate", CDN_VERSION, {
                DomainName: CDN_2,
                ServerCertificateStatus: "on",
                CertName: "deployed",
                ServerCertificate: leaf.chainPem,
                PrivateKey: leaf.key.pkcs8,
            }),
            "Certificate.Duplicated",
            400,
        );
        await expectApiError(
            call("BatchSetCdnDomainServerCertificate", CDN_VERSION, {
                DomainName: `${CDN_2},${CDN_3}`,
                SSLProtocol: "on",
                CertName: "deployed",
                SSLPub: leaf.chainPem,
                SSLPri: leaf.key.pkcs8,
            }),
            "Certificate.Duplicated",
            400,
        );
        await expectApiError(cas.uploadUserCertificate(upload("deployed", leaf)), "NameRepeat", 400);
        // And the other way round: a name taken by an upload is refused to a set.
        await cas.uploadUserCertificate(upload("uploaded-first", leaf));
        await expectApiError(cdn.setCdnDomainSSLCertificate(cdnUploadSet(CDN_2, "uploaded-first", leaf)), "Certificate.Duplicated", 400);
        // The batch puts one entry for all its domains.
        await call("BatchSetCdnDomainServerCertificate", CDN_VERSION, {
            DomainName: `${CDN_2},${CDN_3}`,
            SSLProtocol: "on",
            CertName: "batch",
            SSLPub: leaf.chainPem,
            SSLPri: leaf.key.pkcs8,
        });
        assert.deepEqual(sortedCasField(emulator, owner.accessKeyId, "certName"), ["batch", "deployed", "uploaded-first"]);
    });

    test("same-content: a second domain set with the same leaf under the name serves the existing entry", async (t) => {
        const emulator = await start(t, { casNameReuse: "same-content" });
        const cdn = cdnClient(emulator, keysOf(owner));
        const cas = casClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [CDN, CDN_2] });
        const renewed = await issueCertificate({ dnsNames: [CDN, CDN_2] });
        await cdn.setCdnDomainSSLCertificate(cdnUploadSet(CDN, "shared", leaf));
        await cdn.setCdnDomainSSLCertificate(cdnUploadSet(CDN_2, "shared", leaf));
        const entries = emulator.casCertificates(owner.accessKeyId);
        assert.equal(entries.length, 1);
        assert.equal(leafSha256((await cdnCertInfo(emulator, CDN_2))?.serverCertificate), await fingerprintOf(leaf));
        await expectApiError(cdn.setCdnDomainSSLCertificate(cdnUploadSet(CDN_2, "shared", renewed)), "Certificate.Duplicated", 400);
        // The entry is served by both domains: deleting it is refused.
        await expectApiError(cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId: Number(entries[0]!.certId) })), "CertificateInUse", 400);
    });

    for (const casNameReuse of ["refuse", "same-content"] as const) {
        test(`ForceSet=1 overwrites the named entry's content, keeping its id, on the actions that document it (casNameReuse ${casNameReuse})`, async (t) => {
            const emulator = await start(t, { casNameReuse });
            const cdn = cdnClient(emulator, keysOf(owner));
            const call = genericClient(emulator, keysOf(owner));
            const live = liveClient(emulator, keysOf(owner));
            const leaf = await issueCertificate({ dnsNames: [CDN, CDN_2, CDN_3, LIVE, LIVE_2] });
            const second = await issueCertificate({ dnsNames: [CDN, CDN_2, CDN_3, LIVE, LIVE_2] });
            const third = await issueCertificate({ dnsNames: [CDN, CDN_2, CDN_3, LIVE, LIVE_2] });
            const fourth = await issueCertificate({ dnsNames: [CDN, CDN_2, CDN_3, LIVE, LIVE_2] });
            await cdn.setCdnDomainSSLCertificate(cdnUploadSet(CDN, "forced", leaf));
            const [before] = emulator.casCertificates(owner.accessKeyId);
            // SetCdnDomainSSLCertificate documents no ForceSet: it is not honoured.
            await expectApiError(
                call("SetCdnDomainSSLCertificate", CDN_VERSION, {
                    DomainName: CDN_2,
                    SSLProtocol: "on",
                    CertName: "forced",
                    SSLPub: second.chainPem,
                    SSLPri: second.key.pkcs8,
                    ForceSet: "1",
                }),
                "Certificate.Duplicated",
                400,
            );
            const steps: Array<[Issued, () => Promise<unknown>]> = [
                [
                    second,
                    () =>
                        call("SetDomainServerCertificate", CDN_VERSION, {
                            DomainName: CDN_2,
                            ServerCertificateStatus: "on",
                            CertName: "forced",
                            ServerCertificate: second.chainPem,
                            PrivateKey: second.key.pkcs8,
                            ForceSet: "1",
                        }),
                ],
                [
                    third,
                    () =>
                        call("BatchSetCdnDomainServerCertificate", CDN_VERSION, {
                            DomainName: CDN_3,
                            SSLProtocol: "on",
                            CertName: "forced",
                            SSLPub: third.chainPem,
                            SSLPri: third.key.pkcs8,
                            ForceSet: "1",
                        }),
                ],
                [fourth, () => setLiveUpload(live, LIVE, fourth, "forced", { ForceSet: "1" })],
            ];
            for (const [issued, send] of steps) {
                await send();
                const entries = emulator.casCertificates(owner.accessKeyId);
                assert.equal(entries.length, 1);
                assert.deepEqual([entries[0]!.certId, entries[0]!.source, entries[0]!.fingerprint], [before!.certId, "cdn-set", await fingerprintOf(issued)]);
            }
            // The first domain keeps serving what it was given.
            assert.equal(leafSha256((await cdnCertInfo(emulator, CDN))?.serverCertificate), await fingerprintOf(leaf));
        });
    }

    test("liveUploadToCas yes (default): a Live upload is an entry (source live-set), under the same name rules", async (t) => {
        const emulator = await start(t);
        const live = liveClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [LIVE, LIVE_2, CDN] });
        await setLiveUpload(live, LIVE, leaf, "live-name");
        assert.deepEqual(
            emulator.casCertificates(owner.accessKeyId).map((c) => [c.certName, c.source]),
            [["live-name", "live-set"]],
        );
        await expectApiError(setLiveUpload(live, LIVE_2, leaf, "live-name"), "Certificate.Duplicated", 400);
        await expectApiError(
            cdnClient(emulator, keysOf(owner)).setCdnDomainSSLCertificate(cdnUploadSet(CDN, "live-name", leaf)),
            "Certificate.Duplicated",
            400,
        );
        await expectApiError(casClient(emulator, keysOf(owner)).uploadUserCertificate(upload("live-name", leaf)), "NameRepeat", 400);
    });

    test("liveUploadToCas no: the store is not touched; Live keeps its own names (the same leaf again is accepted, another is Duplicated unless ForceSet)", async (t) => {
        const emulator = await start(t, { liveUploadToCas: false });
        const live = liveClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [LIVE, LIVE_2, CDN] });
        const renewed = await issueCertificate({ dnsNames: [LIVE, LIVE_2, CDN] });
        const set = (domainName: string, issued: Issued, extra: Record<string, string> = {}) => setLiveUpload(live, domainName, issued, "live-only", extra);
        await set(LIVE, leaf);
        await set(LIVE_2, leaf);
        assert.deepEqual(emulator.casCertificates(owner.accessKeyId), []);
        await expectApiError(set(LIVE_2, renewed), "Certificate.Duplicated", 400);
        await set(LIVE_2, renewed, { ForceSet: "1" });
        // The certificate service does not know Live's names.
        await casClient(emulator, keysOf(owner)).uploadUserCertificate(upload("live-only", leaf));
        await cdnClient(emulator, keysOf(owner)).setCdnDomainSSLCertificate(cdnUploadSet(CDN, "cdn-name", leaf));
        assert.deepEqual(sortedCasField(emulator, owner.accessKeyId, "source"), ["cdn-set", "upload"]);
    });
});

describe("cas sets: CDN by CertId, Live by CertName", () => {
    test("an uploaded certificate deployed by CertId on CDN and by CertName on Live; the reads report cas and serve it", async (t) => {
        const emulator = await start(t);
        const cas = casClient(emulator, keysOf(owner));
        const { leaf } = await issueChain({ dnsNames: [CDN, LIVE] });
        const certId = (await cas.uploadUserCertificate(upload("by-cas", leaf))).body!.certId!;

        const cdn = cdnClient(emulator, keysOf(owner));
        await cdn.setCdnDomainSSLCertificate(
            new $Cdn.SetCdnDomainSSLCertificateRequest({ domainName: CDN, SSLProtocol: "on", certType: "cas", certId, certRegion: "cn-hangzhou" }),
        );
        const cdnInfo = await cdnCertInfo(emulator, CDN);
        assert.deepEqual([cdnInfo?.certType, cdnInfo?.certId, cdnInfo?.certRegion, cdnInfo?.certName], ["cas", String(certId), "cn-hangzhou", "by-cas"]);
        assert.equal(cdnInfo?.serverCertificate, leaf.chainPem);

        const live = liveClient(emulator, keysOf(owner));
        await live("SetLiveDomainCertificate", { DomainName: LIVE, SSLProtocol: "on", CertType: "cas", CertName: "by-cas", CertId: String(certId) });
        const liveInfo = ((await live("DescribeLiveDomainCertificateInfo", { DomainName: LIVE })).CertInfos as { CertInfo: Json[] }).CertInfo[0]!;
        assert.deepEqual([liveInfo.CertType, liveInfo.CertName, liveInfo.SSLProtocol], ["cas", "by-cas", "on"]);
        assert.equal(leafSha256(liveInfo.SSLPub), await fingerprintOf(leaf));
        const liveDetail = (await live("DescribeLiveDomainDetail", { DomainName: LIVE })).DomainDetail as Json;
        assert.deepEqual([liveDetail.CertName, liveDetail.SSLProtocol], ["by-cas", "on"]);
        assert.equal(leafSha256(liveDetail.SSLPub), await fingerprintOf(leaf));
        // A cas set adds nothing to the store.
        assert.equal(emulator.casCertificates(owner.accessKeyId).length, 1);
    });

    test("Live: a CertId beside the CertName must be that entry's; an unknown name is Certificate.NotFind", async (t) => {
        const emulator = await start(t);
        const cas = casClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [LIVE] });
        const certId = (await cas.uploadUserCertificate(upload("named", leaf))).body!.certId!;
        const otherId = (await cas.uploadUserCertificate(upload("other", leaf))).body!.certId!;
        const live = liveClient(emulator, keysOf(owner));
        const set = (query: Record<string, string>) => live("SetLiveDomainCertificate", { DomainName: LIVE, SSLProtocol: "on", CertType: "cas", ...query });
        await assert.rejects(
            set({ CertName: "named", CertId: String(otherId) }),
            (error: { code?: string; statusCode?: number; data?: { Message?: string } }) => {
                assert.deepEqual([error.code, error.statusCode], ["InvalidParameter", 400]);
                assert.match(String(error.data?.Message), /CertId/);
                return true;
            },
        );
        await expectApiError(set({ CertName: "named", CertId: "abc" }), "InvalidParameter", 400);
        await expectApiError(set({ CertName: "nope" }), "Certificate.NotFind", 400);
        await set({ CertName: "named" });
        await set({ CertName: "named", CertId: String(certId) });
    });

    test("an account of the international centre: uploads land in ap-southeast-1; CDN finds them with CertRegion ap-southeast-1", async (t) => {
        const international = account("CasIntl", { cdn: ["intl.cas.test", "intl2.cas.test"] }, { casRegion: "ap-southeast-1" });
        const emulator = await start(t, {}, [international]);
        const cas = casClient(emulator, keysOf(international));
        const leaf = await issueCertificate({ dnsNames: ["intl.cas.test", "intl2.cas.test"] });
        const certId = (await cas.uploadUserCertificate(upload("intl", leaf))).body!.certId!;
        assert.equal(
            (await cas.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId }))).body?.certIdentifier,
            `${certId}-ap-southeast-1`,
        );
        const cdn = cdnClient(emulator, keysOf(international));
        const casSet = (certRegion?: string) =>
            cdn.setCdnDomainSSLCertificate(
                new $Cdn.SetCdnDomainSSLCertificateRequest({
                    domainName: "intl.cas.test",
                    SSLProtocol: "on",
                    certType: "cas",
                    certId,
                    ...(certRegion ? { certRegion } : {}),
                }),
            );
        await expectApiError(casSet(), "Certificate.NotFind", 400); // CertRegion defaults to cn-hangzhou
        await casSet("ap-southeast-1");
        const info = (await cdn.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: "intl.cas.test" }))).body?.certInfos
            ?.certInfo?.[0];
        assert.deepEqual([info?.certType, info?.certId, info?.certRegion], ["cas", String(certId), "ap-southeast-1"]);
        // An upload-mode set lands in the account's centre too.
        await cdn.setCdnDomainSSLCertificate(
            new $Cdn.SetCdnDomainSSLCertificateRequest({
                domainName: "intl2.cas.test",
                SSLProtocol: "on",
                certName: "intl-set",
                SSLPub: leaf.chainPem,
                SSLPri: leaf.key.pkcs8,
            }),
        );
        assert.deepEqual(
            emulator.casCertificates().map((c) => c.region),
            ["ap-southeast-1", "ap-southeast-1"],
        );
    });

    test("the batch and legacy CDN actions name a cas certificate by CertName; the batch's Region names the centre", async (t) => {
        const stored = await issueCertificate({ dnsNames: [CDN, CDN_2, CDN_3] });
        const seeded = accountWithCas("CasOwner", { cdn: [CDN, CDN_2, CDN_3] }, [
            { certId: "10", certName: "hz-cert", certificate: stored.chainPem },
            { certId: "20", certName: "sg-cert", certificate: stored.chainPem, region: "ap-southeast-1" },
        ]);
        const emulator = await start(t, {}, [seeded]);
        const call = genericClient(emulator, keysOf(seeded));
        await call("SetDomainServerCertificate", CDN_VERSION, { DomainName: CDN, ServerCertificateStatus: "on", CertType: "cas", CertName: "hz-cert" });
        await expectApiError(
            call("BatchSetCdnDomainServerCertificate", CDN_VERSION, { DomainName: CDN_2, SSLProtocol: "on", CertType: "cas", CertName: "sg-cert" }),
            "Certificate.NotFind",
            400,
        );
        await call("BatchSetCdnDomainServerCertificate", CDN_VERSION, {
            DomainName: `${CDN_2},${CDN_3}`,
            SSLProtocol: "on",
            CertType: "cas",
            CertName: "sg-cert",
            Region: "ap-southeast-1",
        });
        await expectApiError(
            call("BatchSetCdnDomainServerCertificate", CDN_VERSION, {
                DomainName: CDN_2,
                SSLProtocol: "on",
                CertType: "cas",
                CertName: "sg-cert",
                Region: "mars-1",
            }),
            "InvalidParameter",
            400,
        );
        const info = await cdnClient(emulator, keysOf(seeded)).describeDomainCertificateInfo(
            new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: CDN_3 }),
        );
        assert.deepEqual(
            [info.body?.certInfos?.certInfo?.[0]?.certType, info.body?.certInfos?.certInfo?.[0]?.certId, info.body?.certInfos?.certInfo?.[0]?.certRegion],
            ["cas", "20", "ap-southeast-1"],
        );
    });
});

describe("DeleteUserCertificate and casDeleteInUse", () => {
    test("deletes an entry no domain serves; then it is NotFound, and its name is free again", async (t) => {
        const emulator = await start(t);
        const cas = casClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        const certId = (await cas.uploadUserCertificate(upload("doomed", leaf))).body!.certId!;
        const deleted = await cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId }));
        assert.equal(typeof deleted.body?.requestId, "string");
        await expectApiError(cas.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId })), "NotFound", 404);
        await expectApiError(cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId })), "NotFound", 404);
        assert.equal((await cas.getCertWarehouseQuota()).body?.useCount, 0);
        await cas.uploadUserCertificate(upload("doomed", leaf));
        await expectApiError(casRaw(emulator)("DeleteUserCertificate", {}), "MissingParameter", 400);
    });

    test("refuse (default): an entry a domain serves, or a change still configuring will serve, is CertificateInUse", async (t) => {
        let time = Date.now();
        const emulator = await start(t, { configuringMs: 60_000, clock: { now: () => time } });
        const cas = casClient(emulator, keysOf(owner));
        const cdn = cdnClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [CDN, CDN_2] });
        // An upload-mode set: the domain is configuring to serve the entry.
        await cdn.setCdnDomainSSLCertificate(cdnUploadSet(CDN, "served", leaf));
        const served = Number(emulator.casCertificates(owner.accessKeyId)[0]!.certId);
        await expectApiError(cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId: served })), "CertificateInUse", 400);
        time += 60_000; // in effect now
        await expectApiError(cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId: served })), "CertificateInUse", 400);
        // A cas set by CertId.
        const byId = (await cas.uploadUserCertificate(upload("by-id", leaf))).body!.certId!;
        await cdn.setCdnDomainSSLCertificate(
            new $Cdn.SetCdnDomainSSLCertificateRequest({ domainName: CDN_2, SSLProtocol: "on", certType: "cas", certId: byId }),
        );
        await expectApiError(cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId: byId })), "CertificateInUse", 400);
        // Once the domain serves something else, the entry is free.
        time += 60_000;
        await cdn.setCdnDomainSSLCertificate(new $Cdn.SetCdnDomainSSLCertificateRequest({ domainName: CDN_2, SSLProtocol: "off" }));
        await expectApiError(cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId: byId })), "CertificateInUse", 400);
        time += 60_000;
        await cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId: byId }));
        assert.equal(emulator.requests().at(-1)?.status, 200);
    });

    test("allow: an entry a domain serves is deleted; the domain keeps serving what it had; a cas set by that id is NotFind", async (t) => {
        const emulator = await start(t, { casDeleteInUse: "allow" });
        const cas = casClient(emulator, keysOf(owner));
        const cdn = cdnClient(emulator, keysOf(owner));
        const live = liveClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [CDN, CDN_2, LIVE] });
        const certId = (await cas.uploadUserCertificate(upload("kept-serving", leaf))).body!.certId!;
        await cdn.setCdnDomainSSLCertificate(new $Cdn.SetCdnDomainSSLCertificateRequest({ domainName: CDN, SSLProtocol: "on", certType: "cas", certId }));
        await live("SetLiveDomainCertificate", { DomainName: LIVE, SSLProtocol: "on", CertType: "cas", CertName: "kept-serving" });
        await cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId }));
        assert.deepEqual(emulator.casCertificates(owner.accessKeyId), []);
        const info = await cdnCertInfo(emulator, CDN);
        assert.deepEqual([info?.certType, info?.certId], ["cas", String(certId)]);
        assert.equal(leafSha256(info?.serverCertificate), await fingerprintOf(leaf));
        const liveInfo = ((await live("DescribeLiveDomainCertificateInfo", { DomainName: LIVE })).CertInfos as { CertInfo: Json[] }).CertInfo[0]!;
        assert.equal(leafSha256(liveInfo.SSLPub), await fingerprintOf(leaf));
        await expectApiError(
            cdn.setCdnDomainSSLCertificate(new $Cdn.SetCdnDomainSSLCertificateRequest({ domainName: CDN_2, SSLProtocol: "on", certType: "cas", certId })),
            "Certificate.NotFind",
            400,
        );
    });
});

describe("RAM: the certificate service's actions are yundun-cert:<Action>", () => {
    test("allowed and denied by yundun-cert patterns; cdn:* or cas:* do not cover them", async (t) => {
        const policy = (Statement: Array<{ Effect: "Allow" | "Deny"; Action: string | string[] }>) => ({ Statement });
        const reader = account("CasReader", { cdn: [] }, { ramPolicy: policy([{ Effect: "Allow", Action: ["yundun-cert:Get*", "yundun-cert:List*"] }]) });
        const noDelete = account(
            "CasNoDelete",
            { cdn: [] },
            {
                ramPolicy: policy([
                    { Effect: "Allow", Action: "yundun-cert:*" },
                    { Effect: "Deny", Action: "yundun-cert:DeleteUserCertificate" },
                ]),
            },
        );
        const cdnOnly = account("CasCdnOnly", { cdn: [] }, { ramPolicy: policy([{ Effect: "Allow", Action: ["cdn:*", "cas:*", "live:*"] }]) });
        const emulator = await start(t, {}, [reader, noDelete, cdnOnly]);
        const leaf = await issueCertificate({ dnsNames: [CDN] });

        const r = casClient(emulator, keysOf(reader));
        await r.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ orderType: "CERT" }));
        await r.getCertWarehouseQuota();
        await expectApiError(r.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId: 1 })), "NotFound", 404);
        await expectApiError(r.uploadUserCertificate(upload("r", leaf)), "Forbidden.RAM", 400);
        await expectApiError(r.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId: 1 })), "Forbidden.RAM", 400);

        const n = casClient(emulator, keysOf(noDelete));
        const certId = (await n.uploadUserCertificate(upload("n", leaf))).body!.certId!;
        await expectApiError(n.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId })), "Forbidden.RAM", 400);

        const c = casClient(emulator, keysOf(cdnOnly));
        await expectApiError(c.getCertWarehouseQuota(), "Forbidden.RAM", 400);
        await expectApiError(c.uploadUserCertificate(upload("c", leaf)), "Forbidden.RAM", 400);
    });
});

describe("signatures, STS, methods", () => {
    test("hand-signed legacy (HMAC-SHA1) requests: parameters in the query, or form-encoded in the body as dnsmgr sends them", async (t) => {
        const emulator = await start(t);
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        const inQuery = signedLegacy(keysOf(owner), "UploadUserCertificate", CAS_VERSION, { Name: "legacy-query", Cert: leaf.chainPem, Key: leaf.key.pkcs8 });
        const first = await rawRequest(emulator, { path: inQuery.path });
        assert.equal(first.status, 200, first.text);
        assert.equal(typeof first.json.CertId, "number");
        const inBody = signedLegacy(keysOf(owner), "ListUserCertificateOrder", CAS_VERSION, { OrderType: "UPLOAD" });
        const listed = await rawRequest(emulator, {
            path: "/",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: inBody.path.slice(2),
        });
        assert.equal(listed.status, 200, listed.text);
        assert.deepEqual(
            (listed.json.CertificateOrderList as Json[]).map((i) => i.Name),
            ["legacy-query"],
        );
        // GET works too (the API metadata lists get and post for these actions).
        const params: Record<string, string> = {
            Action: "GetCertWarehouseQuota",
            Format: "json",
            Version: CAS_VERSION,
            Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
            SignatureNonce: OpenApiUtil.getNonce(),
            SignatureMethod: "HMAC-SHA1",
            SignatureVersion: "1.0",
            AccessKeyId: owner.accessKeyId,
        };
        params.Signature = OpenApiUtil.getRPCSignature(params, "GET", owner.accessKeySecret);
        const viaGet = await rawRequest(emulator, { method: "GET", path: `/?${new URLSearchParams(params).toString().replace(/\+/g, "%20")}` });
        assert.equal(viaGet.status, 200, viaGet.text);
        assert.equal(viaGet.json.UseCount, 1);
        const tampered = signedLegacy({ ...keysOf(owner), accessKeySecret: "wrong" }, "GetCertWarehouseQuota", CAS_VERSION, {});
        assert.equal((await rawRequest(emulator, { path: tampered.path })).json.Code, "SignatureDoesNotMatch");
    });

    test("an STS key works with its token and is refused without it; an unknown key is InvalidAccessKeyId.NotFound", async (t) => {
        const sts = { accessKeyId: "STS.casTemp0001", accessKeySecret: "sts-cas-secret", securityToken: "cas-token" };
        const holder = account("CasSts", { cdn: [] }, { stsTokens: [sts] });
        const emulator = await start(t, {}, [holder]);
        assert.equal((await casClient(emulator, sts).getCertWarehouseQuota()).body?.totalQuota, 5000);
        await expectApiError(
            casClient(emulator, { accessKeyId: sts.accessKeyId, accessKeySecret: sts.accessKeySecret }).getCertWarehouseQuota(),
            "MissingSecurityToken",
            400,
        );
        await expectApiError(
            casClient(emulator, { accessKeyId: "LTAInobody", accessKeySecret: "x" }).getCertWarehouseQuota(),
            "InvalidAccessKeyId.NotFound",
            404,
        );
        // A CAS action under another product's version does not exist there.
        await expectApiError(genericClient(emulator, sts)("UploadUserCertificate", CDN_VERSION, {}), "InvalidAction.NotFound", 404);
    });

    test("an injected fault applies to CAS actions as to the others", async (t) => {
        const emulator = await start(t);
        const cas = casClient(emulator, keysOf(owner));
        emulator.injectFault({ action: "GetCertWarehouseQuota", fault: "internal-error" });
        await expectApiError(cas.getCertWarehouseQuota(), "InternalError", 500);
        await cas.getCertWarehouseQuota();
    });
});

describe("seed and options", () => {
    test("a seed's casRegion and CAS certificates are checked", async () => {
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        const seed = (extra: Record<string, unknown>) => () =>
            validateSeed({ accounts: [{ accessKeyId: "LTAIx", accessKeySecret: "s", domains: [], ...extra }] });
        assert.throws(seed({ casRegion: "eu-central-1" }), /accounts\[0\]\.casRegion must be one of cn-hangzhou, ap-southeast-1/);
        const cas = (c: Record<string, unknown>) => seed({ casCertificates: [{ certId: "1", certName: "a", certificate: leaf.chainPem, ...c }] });
        assert.throws(cas({ certId: "12-cn-hangzhou" }), /certId must be a whole number/);
        assert.throws(cas({ certificate: "nope" }), /certificate must be a PEM certificate chain/);
        assert.throws(cas({ region: "mars-1" }), /region must be one of/);
        assert.throws(
            seed({
                casCertificates: [
                    { certId: "1", certName: "a", certificate: leaf.chainPem },
                    { certId: 1, certName: "b", certificate: leaf.chainPem },
                ],
            }),
            /certId 1 appears twice/,
        );
        assert.throws(
            seed({
                casCertificates: [
                    { certId: "1", certName: "a", certificate: leaf.chainPem },
                    { certId: 2, certName: "a", certificate: leaf.chainPem },
                ],
            }),
            /certName "a" appears twice/,
        );
        assert.equal(
            validateSeed({ accounts: [{ accessKeyId: "LTAIx", accessKeySecret: "s", domains: [], casRegion: "ap-southeast-1" }] }).accounts[0]!.casRegion,
            "ap-southeast-1",
        );
    });

    test("bad option values are refused when the emulator starts", async () => {
        await assert.rejects(startEmulator({ casNameReuse: "sometimes" as never }), /casNameReuse/);
        await assert.rejects(startEmulator({ casDeleteInUse: "maybe" as never }), /casDeleteInUse/);
        await assert.rejects(startEmulator({ casQuota: -1 }), /casQuota/);
        await assert.rejects(startEmulator({ liveUploadToCas: "no" as never }), /liveUploadToCas/);
    });

    test("the command's --cas-quota, --cas-name-reuse, --cas-delete-in-use and --live-upload-to-cas", async (t) => {
        const cli = join(__dirname, "../../emulator/cli.ts");
        const run = (args: string[]) => {
            const child = spawn(process.execPath, ["--import", "tsx", cli, "--port", "0", ...args], {
                stdio: ["ignore", "pipe", "pipe"],
                env: { ...process.env, ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true" },
            });
            t.after(() => {
                child.kill("SIGTERM");
            });
            return child;
        };
        const bad = run(["--cas-name-reuse", "sometimes"]);
        let stderr = "";
        bad.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        assert.equal(await new Promise((resolve) => bad.once("exit", resolve)), 2);
        assert.match(stderr, /--cas-name-reuse must be refuse or same-content/);
        assert.match(stderr, /--live-upload-to-cas yes\|no/, "the usage names the flags");

        const dir = mkdtempSync(join(tmpdir(), "cert-emulator-cas-cli-"));
        t.after(() => rmSync(dir, { recursive: true, force: true }));
        const seedFile = join(dir, "seed.json");
        writeFileSync(seedFile, JSON.stringify({ accounts: [owner] }));
        const good = run([
            "--seed",
            seedFile,
            "--configuring-ms",
            "0",
            "--cas-quota",
            "1",
            "--cas-name-reuse",
            "same-content",
            "--cas-delete-in-use",
            "allow",
            "--live-upload-to-cas",
            "no",
        ]);
        const first = String((await createInterface({ input: good.stdout! })[Symbol.asyncIterator]().next()).value);
        const port = Number(/:(\d+)$/.exec(first)?.[1]);
        const handle = { port, hostPort: `127.0.0.1:${port}` } as RunningEmulator;
        const cas = casClient(handle, keysOf(owner));
        assert.equal((await cas.getCertWarehouseQuota()).body?.totalQuota, 1);
        const leaf = await issueCertificate({ dnsNames: [CDN, LIVE] });
        const certId = (await cas.uploadUserCertificate(upload("one", leaf))).body!.certId;
        assert.equal((await cas.uploadUserCertificate(upload("one", leaf))).body!.certId, certId, "same-content");
        await cdnClient(handle, keysOf(owner)).setCdnDomainSSLCertificate(
            new $Cdn.SetCdnDomainSSLCertificateRequest({ domainName: CDN, SSLProtocol: "on", certType: "cas", certId }),
        );
        await setLiveUpload(liveClient(handle, keysOf(owner)), LIVE, leaf, "live-apart");
        await cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId })); // allow
        const exited = new Promise((resolve) => good.once("exit", resolve));
        good.kill("SIGTERM");
        assert.equal(await exited, 0);
    });
});

describe("state file", () => {
    function scratch(t: { after: (fn: () => void) => void }): string {
        const dir = mkdtempSync(join(tmpdir(), "cert-emulator-cas-"));
        t.after(() => rmSync(dir, { recursive: true, force: true }));
        return dir;
    }

    test("uploads survive a restart; the file holds certificates, never a private key", async (t) => {
        const stateFile = join(scratch(t), "state.json");
        const first = await startEmulator({ seed: { accounts: [owner] }, stateFile, configuringMs: 0 });
        const leaf = await issueCertificate({ dnsNames: [CDN], key: "rsa2048" });
        const certId = (await casClient(first, keysOf(owner)).uploadUserCertificate(upload("persisted", leaf, leaf.key.traditional))).body!.certId;
        await cdnClient(first, keysOf(owner)).setCdnDomainSSLCertificate(cdnUploadSet(CDN_2, "persisted-set", leaf));
        await first.close();
        const text = readFileSync(stateFile, "utf8");
        assert.ok(text.includes("BEGIN CERTIFICATE"));
        assert.ok(!text.includes("PRIVATE KEY"));
        for (const line of [...leaf.key.traditional.split("\n"), ...leaf.key.pkcs8.split("\n")].filter((l) => l.length > 40)) assert.ok(!text.includes(line));
        const second = await emulatorFor(t, { accounts: [] }, { stateFile });
        const detail = (await casClient(second, keysOf(owner)).getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId }))).body!;
        assert.equal(detail.name, "persisted");
        await expectApiError(casClient(second, keysOf(owner)).uploadUserCertificate(upload("persisted-set", leaf)), "NameRepeat", 400);
    });

    test("a file of format 1 (certificateNames, seeded casCertificates apart) is migrated when it is opened", async (t) => {
        const stateFile = join(scratch(t), "state.json");
        const served = await issueCertificate({ dnsNames: [CDN, LIVE] });
        const replaced = await issueCertificate({ dnsNames: [CDN] });
        const seededPem = (await issueCertificate({ dnsNames: [CDN_3] })).chainPem;
        const fp = (issued: Issued) => createHash("sha256").update(new X509Certificate(issued.leafPem).raw).digest("hex");
        const created = "2025-01-01T00:00:00.000Z";
        const domain = (domainName: string, product: "cdn" | "live", current: Json) => ({
            domainName,
            product,
            baseStatus: "online",
            cname: `${domainName}.cname.test`,
            createdAt: created,
            modifiedAt: created,
            current,
        });
        const v1 = {
            formatVersion: 1,
            accounts: [
                {
                    accessKeyId: owner.accessKeyId,
                    accessKeySecret: owner.accessKeySecret,
                    stsTokens: [],
                    casCertificates: [{ certId: "4242", certName: "seeded", pem: seededPem, region: "cn-hangzhou" }],
                    certificateNames: { "on-cdn": fp(served), "on-live": fp(served), gone: fp(replaced) },
                    domains: {
                        [CDN]: domain(CDN, "cdn", { status: "on", certName: "on-cdn", certType: "upload", pem: served.chainPem, updatedAt: created }),
                        [CDN_2]: domain(CDN_2, "cdn", {
                            status: "on",
                            certName: "seeded",
                            certType: "cas",
                            certId: "4242",
                            certRegion: "cn-hangzhou",
                            pem: seededPem,
                        }),
                        [CDN_3]: domain(CDN_3, "cdn", { status: "off" }),
                        [LIVE]: domain(LIVE, "live", { status: "on", certName: "on-live", certType: "upload", pem: served.chainPem }),
                    },
                },
            ],
        };
        writeFileSync(stateFile, JSON.stringify(v1));
        const emulator = await emulatorFor(t, { accounts: [] }, { stateFile });
        const migrated = JSON.parse(readFileSync(stateFile, "utf8")) as { formatVersion: number; accounts: Json[] };
        assert.equal(migrated.formatVersion, 2, "written back in the current format at once");
        assert.ok(!("certificateNames" in migrated.accounts[0]!));
        const entries = emulator.casCertificates(owner.accessKeyId);
        assert.deepEqual(entries.map((e) => [e.certName, e.source, e.region]).sort(), [
            ["on-cdn", "cdn-set", "cn-hangzhou"],
            ["on-live", "live-set", "cn-hangzhou"],
            ["seeded", "seed", "cn-hangzhou"],
        ]);
        assert.equal(entries.find((e) => e.certName === "seeded")!.certId, "4242");
        assert.equal(entries.find((e) => e.certName === "on-cdn")!.fingerprint, fp(served));
        // The migrated entries are in use by the domains that serve them; the names are held; "gone" was lost.
        const cas = casClient(emulator, keysOf(owner));
        for (const name of ["on-cdn", "on-live", "seeded"]) {
            const certId = Number(entries.find((e) => e.certName === name)!.certId);
            await expectApiError(cas.deleteUserCertificate(new $Cas.DeleteUserCertificateRequest({ certId })), "CertificateInUse", 400);
            await expectApiError(cas.uploadUserCertificate(upload(name, served)), "NameRepeat", 400);
        }
        await cas.uploadUserCertificate(upload("gone", replaced));
        // The domains still serve what they served.
        assert.equal(leafSha256((await cdnCertInfo(emulator, CDN))?.serverCertificate), fp(served));
        assert.equal((await cdnCertInfo(emulator, CDN_2))?.certId, "4242");
    });
});
