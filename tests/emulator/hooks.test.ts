// The test hooks under /__emulator/: the request log, injected faults, reset; and the per-account rate limits.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { issueCertificate } from "../../harness/certs";
import { eventually, expectApiError } from "./support/assertions";
import { $Cdn, cdnClient, CDN_VERSION, genericClient } from "./support/clients";
import { account, emulatorFor, keysOf } from "./support/fixtures";
import { hook } from "./support/rawRequests";
import { X509Certificate } from "node:crypto";

const CDN = "hooks.cdn.test";
const owner = account("Hooks", { cdn: [CDN] });
const neighbour = account("Neighbour", { cdn: ["n.cdn.test"] });
const detail = new $Cdn.DescribeCdnDomainDetailRequest({ domainName: CDN });

describe("GET /__emulator/requests", () => {
    test("logs time, account, action, domains, status and code; never a parameter value or key material", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const cdn = cdnClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        await cdn.setCdnDomainSSLCertificate(
            new $Cdn.SetCdnDomainSSLCertificateRequest({
                domainName: CDN,
                SSLProtocol: "on",
                certName: "secret-name-xyz",
                SSLPub: leaf.chainPem,
                SSLPri: leaf.key.pkcs8,
            }),
        );
        await expectApiError(
            cdn.describeCdnDomainDetail(new $Cdn.DescribeCdnDomainDetailRequest({ domainName: "missing.cdn.test" })),
            "InvalidDomain.NotFound",
            404,
        );

        const response = await hook(emulator, "GET", "/__emulator/requests");
        assert.equal(response.status, 200);
        const entries = response.json as unknown as Array<Record<string, unknown>>;
        assert.equal(entries.length, 2);
        assert.equal(entries[0]!.accessKeyId, owner.accessKeyId);
        assert.equal(entries[0]!.action, "SetCdnDomainSSLCertificate");
        assert.deepEqual(entries[0]!.domains, [CDN]);
        assert.equal(entries[0]!.status, 200);
        assert.ok(!Number.isNaN(Date.parse(String(entries[0]!.time))));
        assert.equal(entries[1]!.status, 404);
        assert.equal(entries[1]!.code, "InvalidDomain.NotFound");
        for (const secret of ["PRIVATE KEY", "BEGIN CERTIFICATE", "secret-name-xyz", owner.accessKeySecret, leaf.key.pkcs8.split("\n")[1]!]) {
            assert.ok(!response.text.includes(secret), `the log must not contain ${secret.slice(0, 20)}`);
        }
        assert.deepEqual(emulator.requests(), entries, "the in-process accessor returns the same log");
    });
});

describe("POST /__emulator/faults", () => {
    test("internal-error N times, then normal answers; GET lists the active faults", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const cdn = cdnClient(emulator, keysOf(owner));
        const added = await hook(emulator, "POST", "/__emulator/faults", { action: "DescribeCdnDomainDetail", fault: "internal-error", times: 2 });
        assert.equal(added.status, 200);
        assert.equal((await hook(emulator, "GET", "/__emulator/faults")).json.length, 1);
        await expectApiError(cdn.describeCdnDomainDetail(detail), "InternalError", 500);
        await expectApiError(cdn.describeCdnDomainDetail(detail), "InternalError", 500);
        await cdn.describeCdnDomainDetail(detail);
        assert.equal((await hook(emulator, "GET", "/__emulator/faults")).json.length, 0);
        const log = emulator.requests();
        assert.equal(log[0]!.fault, "internal-error");
    });

    test("service-unavailable (probability 1 for every action), throttling, service-busy", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const cdn = cdnClient(emulator, keysOf(owner));
        await hook(emulator, "POST", "/__emulator/faults", { action: "*", fault: "service-unavailable", probability: 1 });
        await expectApiError(cdn.describeCdnDomainDetail(detail), "ServiceUnavailable", 503);
        await expectApiError(cdn.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: CDN })), "ServiceUnavailable", 503);
        await hook(emulator, "POST", "/__emulator/reset");
        await hook(emulator, "POST", "/__emulator/faults", { action: "DescribeCdnDomainDetail", fault: "throttling" });
        await assert.rejects(cdn.describeCdnDomainDetail(detail), (error: { name?: string; code?: string; statusCode?: number }) => {
            assert.equal(error.code, "Throttling.User");
            assert.equal(error.statusCode, 400);
            assert.equal(error.name, "ThrottlingError");
            return true;
        });
        await hook(emulator, "POST", "/__emulator/faults", { action: "DescribeCdnDomainDetail", fault: "service-busy" });
        await expectApiError(cdn.describeCdnDomainDetail(detail), "ServiceBusy", 403);
        await cdn.describeCdnDomainDetail(detail);
    });

    test("hang: no answer until the client gives up; close() still ends promptly", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        emulator.injectFault({ action: "DescribeCdnDomainDetail", fault: "hang" });
        await assert.rejects(cdnClient(emulator, keysOf(owner), "v3", 300).describeCdnDomainDetail(detail), (error: Error) => {
            assert.equal(error.name, "RequestTimeoutError");
            return true;
        });
        emulator.injectFault({ action: "DescribeCdnDomainDetail", fault: "hang" });
        const pending = cdnClient(emulator, keysOf(owner), "v3", 30_000)
            .describeCdnDomainDetail(detail)
            .catch((error: Error) => error);
        await eventually(async () => emulator.requests().filter((e) => e.fault === "hang").length === 2);
        await emulator.close();
        assert.ok((await pending) instanceof Error, "the hung call ends when the emulator closes");
    });

    test("drop: the connection closes without an answer", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        emulator.injectFault({ action: "DescribeCdnDomainDetail", fault: "drop" });
        await assert.rejects(cdnClient(emulator, keysOf(owner)).describeCdnDomainDetail(detail), (error: { code?: string; message?: string }) => {
            assert.match(`${error.code} ${error.message}`, /ECONNRESET|socket hang up/);
            return true;
        });
        await cdnClient(emulator, keysOf(owner)).describeCdnDomainDetail(detail);
    });

    test("applied-then-drop: the change is made, the answer is lost", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const call = genericClient(emulator, keysOf(owner));
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        emulator.injectFault({ action: "SetDomainServerCertificate", fault: "applied-then-drop" });
        await assert.rejects(
            call("SetDomainServerCertificate", CDN_VERSION, {
                DomainName: CDN,
                ServerCertificateStatus: "on",
                CertName: "lost",
                ServerCertificate: leaf.chainPem,
                PrivateKey: leaf.key.pkcs8,
            }),
        );
        const info = await cdnClient(emulator, keysOf(owner)).describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: CDN }));
        const pem = info.body?.certInfos?.certInfo?.[0]?.serverCertificate ?? "";
        assert.equal(new X509Certificate(pem).fingerprint256, new X509Certificate(leaf.leafPem).fingerprint256);
        const entry = emulator.requests().find((e) => e.fault === "applied-then-drop");
        assert.equal(entry?.status, 200);
    });

    test("bad fault specs and bad JSON get JSON errors", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const badJson = await hook(emulator, "POST", "/__emulator/faults", "{not json");
        assert.equal(badJson.status, 400);
        assert.equal(badJson.json.Code, "Emulator.InvalidJson");
        const badKind = await hook(emulator, "POST", "/__emulator/faults", { fault: "explode" });
        assert.equal(badKind.status, 400);
        assert.equal(badKind.json.Code, "Emulator.InvalidRequest");
        const badTimes = await hook(emulator, "POST", "/__emulator/faults", { fault: "drop", times: -1 });
        assert.equal(badTimes.json.Code, "Emulator.InvalidRequest");
        const unknown = await hook(emulator, "GET", "/__emulator/nothing");
        assert.equal(unknown.status, 404);
        assert.equal(unknown.json.Code, "Emulator.HookNotFound");
    });
});

describe("POST /__emulator/reset", () => {
    test("clears faults and the log, keeps the domains", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const cdn = cdnClient(emulator, keysOf(owner));
        await cdn.describeCdnDomainDetail(detail);
        emulator.injectFault({ action: "*", fault: "internal-error", times: 5 });
        const reset = await hook(emulator, "POST", "/__emulator/reset");
        assert.equal(reset.status, 200);
        assert.equal(emulator.requests().length, 0);
        assert.equal((await hook(emulator, "GET", "/__emulator/faults")).json.length, 0);
        const after = await cdn.describeCdnDomainDetail(detail);
        assert.equal(after.body?.getDomainDetailModel?.domainName, CDN);
    });
});

describe("rate limits", () => {
    test("a burst over the documented limit gets Throttling.User, per account and per action", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner, neighbour] });
        const call = genericClient(emulator, keysOf(owner));
        // SetDomainServerCertificate: 10 calls per second per account. 25 at once cannot all fit in one second.
        const burst = await Promise.allSettled(
            Array.from({ length: 25 }, () => call("SetDomainServerCertificate", CDN_VERSION, { DomainName: CDN, ServerCertificateStatus: "off" })),
        );
        const codes = burst.map((r) => (r.status === "rejected" ? (r.reason as { code?: string; statusCode?: number }) : undefined));
        const throttled = codes.filter((e) => e?.code === "Throttling.User");
        assert.ok(throttled.length >= 1, "some calls were throttled");
        assert.ok(throttled.every((e) => e?.statusCode === 400));
        assert.ok(burst.filter((r) => r.status === "fulfilled").length <= 10 * 3, "never far above the limit");
        // Another account, and another action of the same account, are not affected.
        await genericClient(emulator, keysOf(neighbour))("SetDomainServerCertificate", CDN_VERSION, {
            DomainName: "n.cdn.test",
            ServerCertificateStatus: "off",
        });
        await cdnClient(emulator, keysOf(owner)).describeCdnDomainDetail(detail);
    });

    test("rateLimits: false turns them off", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] }, { rateLimits: false });
        const call = genericClient(emulator, keysOf(owner));
        const burst = await Promise.allSettled(
            Array.from({ length: 25 }, () => call("SetDomainServerCertificate", CDN_VERSION, { DomainName: CDN, ServerCertificateStatus: "off" })),
        );
        assert.equal(burst.filter((r) => r.status === "rejected").length, 0);
    });
});
