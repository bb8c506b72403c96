// The two adapters against the emulator, through the unmodified SDK: describe and set for both products, `free`
// through the legacy CDN action, the batch action, not-found as undefined, and every injected fault ending either
// in success (after retries) or in a typed error. Traffic goes to 127.0.0.1 only.
import { strict as assert } from "node:assert";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { certificateProvider } from "../../provider/lifecycle/provider";
import type { CertificateInputs, CertificateOutputs } from "../../provider/lifecycle/model";
import { DEFAULT_ACCOUNT, DEFAULT_SEED, startEmulator, type RunningEmulator, type Seed } from "../../emulator";
import { ApiCaller, type ClientSettings } from "../../provider/alicloud/caller";
import { DetailStateReader } from "../../provider/alicloud/domainStateReader";
import { createCertificateService } from "../../provider/alicloud/client";
import { staticCredentials } from "../../provider/alicloud/credentials";
import { parseEndpoint } from "../../provider/alicloud/endpoint";
import { AlicloudApiError, LOCAL_ERROR_CODES } from "../../provider/apiErrors";
import { PacerRegistry } from "../../provider/alicloud/pacing";
import { CDN, CDN_BATCH_SET, CDN_LEGACY_SET, DCDN, DCDN_BATCH_SET, LIVE } from "../../provider/products";
import { issueCertificate, type Issued } from "../../harness/certs";

const [CDN_DOMAIN, CDN_DOMAIN_2] = DEFAULT_ACCOUNT.cdnDomains;
const [LIVE_DOMAIN, LIVE_DOMAIN_2] = DEFAULT_ACCOUNT.liveDomains;
const [DCDN_DOMAIN, DCDN_DOMAIN_2] = DEFAULT_ACCOUNT.dcdnDomains;
const MAX_ATTEMPTS = 5;

/** Settings for a test: the emulator's account, short timeouts, quick retries, a pacing registry of its own. */
function settingsFor(endpoint: string, overrides: Partial<ClientSettings> = {}): ClientSettings {
    return {
        credentials: staticCredentials(DEFAULT_ACCOUNT),
        endpoint: { ...parseEndpoint(endpoint, "emulator endpoint"), source: "test" },
        timeouts: { connectTimeoutMs: 2_000, readTimeoutMs: 1_000 },
        retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 20, maxDelayMs: 200, totalBudgetMs: 20_000 },
        pacers: new PacerRegistry(),
        ...overrides,
    };
}

async function hook(emulator: RunningEmulator, path: string, body?: object): Promise<unknown> {
    const response = await fetch(`${emulator.endpoint}/__emulator/${path}`, {
        method: body === undefined && path === "requests" ? "GET" : "POST",
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(response.ok, `hook ${path}: ${response.status}`);
    return response.json().catch(() => undefined);
}

interface LoggedRequest {
    readonly action?: string;
    readonly status: number;
    readonly code?: string;
    readonly fault?: string;
}

async function requestsFor(emulator: RunningEmulator, action: string): Promise<LoggedRequest[]> {
    const body = (await hook(emulator, "requests")) as LoggedRequest[] | { requests: LoggedRequest[] };
    const list = Array.isArray(body) ? body : body.requests;
    return list.filter((entry) => entry.action === action);
}

function assertNoSecrets(error: AlicloudApiError, issued?: Issued): void {
    const text = `${error.message}\n${error.stack ?? ""}\n${JSON.stringify(error)}`;
    assert.ok(!text.includes(DEFAULT_ACCOUNT.accessKeySecret), "the AccessKey secret leaked");
    assert.doesNotMatch(text, /BEGIN|PRIVATE KEY/);
    if (issued) {
        const keyBody = issued.key.pkcs8.split("\n")[1]!;
        assert.ok(!text.includes(keyBody) && !text.includes(encodeURIComponent(keyBody)), "the private key leaked");
    }
}

describe("adapters against the emulator", () => {
    let emulator: RunningEmulator;
    let cdnCert: Issued;
    let liveCert: Issued;
    let dcdnCert: Issued;
    let otherKey: Issued;

    before(async () => {
        cdnCert = await issueCertificate({ dnsNames: [CDN_DOMAIN!, CDN_DOMAIN_2!] });
        liveCert = await issueCertificate({ dnsNames: [LIVE_DOMAIN!, LIVE_DOMAIN_2!] });
        dcdnCert = await issueCertificate({ dnsNames: [DCDN_DOMAIN!, DCDN_DOMAIN_2!] });
        otherKey = await issueCertificate({ dnsNames: [CDN_DOMAIN!] });
        const seed: Seed = {
            accounts: [
                {
                    ...DEFAULT_SEED.accounts[0]!,
                    casCertificates: [{ certId: "1001", certName: "cas-www", certificate: cdnCert.chainPem, region: "cn-hangzhou" }],
                },
            ],
        };
        emulator = await startEmulator({ port: 0, seed, configuringMs: 0, freeIssueMs: 0, rateLimits: true });
    });
    after(async () => {
        await emulator.close();
    });
    beforeEach(async () => {
        await hook(emulator, "reset", {});
    });

    const cdn = () => createCertificateService(CDN, settingsFor(emulator.endpoint));
    const live = () => createCertificateService(LIVE, settingsFor(emulator.endpoint));
    const dcdn = () => createCertificateService(DCDN, settingsFor(emulator.endpoint));
    const upload = (domainName: string, issued: Issued, certName: string) =>
        ({ domainName, status: "on", certType: "upload", certificate: issued.chainPem, privateKey: issued.key.pkcs8, certName }) as const;

    describe("CDN", () => {
        it("GIVEN a domain WHEN a certificate is set THEN describe shows it on, with its PEM, name and type", async () => {
            const service = cdn();
            const result = await service.set(upload(CDN_DOMAIN!, cdnCert, "cdn-upload-1"));
            assert.match(result.requestId ?? "", /^[0-9A-F-]{36}$/);
            const deployed = await service.describe(CDN_DOMAIN!);
            assert.equal(deployed?.status, "on");
            assert.equal(deployed?.certName, "cdn-upload-1");
            assert.equal(deployed?.certType, "upload");
            assert.equal(await service.domainStatus(CDN_DOMAIN!), "online");
            assert.ok(deployed?.certificatePem?.includes(cdnCert.leafPem.split("\n")[1]!), "the deployed PEM is the leaf");
            assert.equal((await requestsFor(emulator, CDN.setAction.name)).length, 1);
        });

        it("GIVEN HTTPS on WHEN status off is set THEN describe shows off", async () => {
            const service = cdn();
            await service.set(upload(CDN_DOMAIN_2!, cdnCert, "cdn-upload-2"));
            await service.set({ domainName: CDN_DOMAIN_2!, status: "off", certType: "upload", certName: "cdn-upload-2" });
            assert.equal((await service.describe(CDN_DOMAIN_2!))?.status, "off");
        });

        it("GIVEN certType free THEN the call goes through SetDomainServerCertificate", async () => {
            const service = cdn();
            await service.set({ domainName: CDN_DOMAIN!, status: "on", certType: "free", certName: "free-www" });
            assert.equal((await requestsFor(emulator, CDN_LEGACY_SET.name)).length, 1);
            assert.equal((await requestsFor(emulator, CDN.setAction.name)).length, 0);
            const deployed = await service.describe(CDN_DOMAIN!);
            assert.equal(deployed?.status, "on");
            assert.equal(deployed?.certType, "free");
        });

        it("GIVEN a cas certificate id THEN the typed call deploys it", async () => {
            const service = cdn();
            await service.set({ domainName: CDN_DOMAIN!, status: "on", certType: "cas", certId: "1001", certRegion: "cn-hangzhou", certName: "cas-www" });
            const deployed = await service.describe(CDN_DOMAIN!);
            assert.equal(deployed?.status, "on");
            assert.equal(deployed?.certType, "cas");
        });

        it("GIVEN the legacy action with an upload THEN it sets through SetDomainServerCertificate", async () => {
            const service = cdn();
            const { domainName, ...fields } = upload(CDN_DOMAIN!, cdnCert, "legacy-www");
            await service.setWith(CDN_LEGACY_SET, [domainName], { ...fields, forceSet: true });
            assert.equal((await requestsFor(emulator, CDN_LEGACY_SET.name)).length, 1);
            assert.equal((await service.describe(CDN_DOMAIN!))?.certName, "legacy-www");
        });

        it("GIVEN two domains WHEN batchSet THEN one BatchSetCdnDomainServerCertificate call sets both", async () => {
            const service = cdn();
            const { domainName: _unused, ...fields } = upload(CDN_DOMAIN!, cdnCert, "batch-cert");
            await service.batchSet({ ...fields, domainNames: [CDN_DOMAIN!, CDN_DOMAIN_2!], forceSet: true });
            assert.equal((await requestsFor(emulator, CDN_BATCH_SET.name)).length, 1);
            for (const domain of [CDN_DOMAIN!, CDN_DOMAIN_2!]) {
                const deployed = await service.describe(domain);
                assert.equal(deployed?.status, "on", domain);
                assert.equal(deployed?.certName, "batch-cert", domain);
            }
        });

        it("GIVEN a batch with a comma inside a name or too many domains THEN refused before any call", async () => {
            const service = cdn();
            const fields = { status: "off", certType: "upload" } as const;
            await assert.rejects(service.batchSet({ ...fields, domainNames: ["a.test,b.test"] }), RangeError);
            await assert.rejects(service.batchSet({ ...fields, domainNames: Array.from({ length: 11 }, (_, i) => `d${i}.test`) }), RangeError);
            await assert.rejects(service.batchSet({ ...fields, domainNames: [] }), RangeError);
            assert.equal((await requestsFor(emulator, CDN_BATCH_SET.name)).length, 0);
        });

        it("GIVEN a domain that does not exist THEN describe is undefined and set is a typed InvalidDomain.NotFound", async () => {
            const service = cdn();
            assert.equal(await service.describe("absent.example-cdn.test"), undefined);
            await assert.rejects(service.set(upload("absent.example-cdn.test", cdnCert, "x")), (error: unknown) => {
                assert.ok(error instanceof AlicloudApiError);
                assert.equal(error.code, "InvalidDomain.NotFound");
                assert.equal(error.transient, false);
                return true;
            });
        });

        it("GIVEN a key that does not match THEN a typed Certificate.MissMatch with request id, hint, and no key", async () => {
            const service = cdn();
            const request = { ...upload(CDN_DOMAIN!, cdnCert, "mismatch"), privateKey: otherKey.key.pkcs8 };
            await assert.rejects(service.set(request), (error: unknown) => {
                assert.ok(error instanceof AlicloudApiError);
                assert.equal(error.code, "Certificate.MissMatch");
                assert.equal(error.action, CDN.setAction.name);
                assert.equal(error.domainName, CDN_DOMAIN);
                assert.match(error.requestId ?? "", /^[0-9A-F-]{36}$/);
                assert.match(
                    error.message,
                    /^SetCdnDomainSSLCertificate on www\.example-cdn\.test failed: Certificate\.MissMatch \(request [0-9A-F-]+\): .+ Fix: /,
                );
                assert.equal(error.attempts, 1);
                assertNoSecrets(error, otherKey);
                return true;
            });
        });
    });

    describe("Live", () => {
        it("GIVEN a domain WHEN a certificate is set THEN describe shows it", async () => {
            const service = live();
            await service.set({ ...upload(LIVE_DOMAIN!, liveCert, "live-upload-1"), forceSet: true });
            const deployed = await service.describe(LIVE_DOMAIN!);
            assert.equal(deployed?.status, "on");
            assert.equal(deployed?.certName, "live-upload-1");
            assert.equal(await service.domainStatus(LIVE_DOMAIN!), "online");
            assert.ok(deployed?.certificatePem?.includes(liveCert.leafPem.split("\n")[1]!));
            assert.equal((await requestsFor(emulator, LIVE.setAction.name)).length, 1);
        });

        it("GIVEN certType free THEN SetLiveDomainCertificate takes it", async () => {
            const service = live();
            await service.set({ domainName: LIVE_DOMAIN_2!, status: "on", certType: "free", certName: "live-free" });
            assert.equal((await service.describe(LIVE_DOMAIN_2!))?.certType, "free");
        });

        it("GIVEN a domain that does not exist (or is CDN's) THEN describe is undefined", async () => {
            assert.equal(await live().describe("absent.example-live.test"), undefined);
            assert.equal(await live().describe(CDN_DOMAIN!), undefined);
        });
    });

    describe("DCDN", () => {
        it("GIVEN a domain WHEN a certificate is set THEN describe shows it on, with its PEM, name, type and state", async () => {
            const service = dcdn();
            await service.set(upload(DCDN_DOMAIN!, dcdnCert, "dcdn-upload-1"));
            const deployed = await service.describe(DCDN_DOMAIN!);
            assert.deepEqual([deployed?.status, deployed?.certName, deployed?.certType], ["on", "dcdn-upload-1", "upload"]);
            assert.ok(deployed?.certificatePem?.includes(dcdnCert.leafPem.split("\n")[1]!), "the deployed PEM is the leaf");
            assert.equal(await service.domainStatus(DCDN_DOMAIN!), "online");
            assert.equal((await requestsFor(emulator, DCDN.setAction.name)).length, 1);
        });

        it("GIVEN a cas certificate id THEN SetDcdnDomainSSLCertificate deploys it, and describe reports its id (a string on the wire)", async () => {
            const service = dcdn();
            await service.set({ domainName: DCDN_DOMAIN!, status: "on", certType: "cas", certId: "1001", certRegion: "cn-hangzhou", certName: "cas-www" });
            const deployed = await service.describe(DCDN_DOMAIN!);
            assert.deepEqual([deployed?.status, deployed?.certType, deployed?.certId], ["on", "cas", "1001"]);
        });

        it("GIVEN two domains WHEN batchSet THEN one BatchSetDcdnDomainCertificate call sets both; more than 10 are refused before any call", async () => {
            const service = dcdn();
            const { domainName: _unused, ...fields } = upload(DCDN_DOMAIN!, dcdnCert, "dcdn-batch");
            await service.batchSet({ ...fields, domainNames: [DCDN_DOMAIN!, DCDN_DOMAIN_2!] });
            assert.equal((await requestsFor(emulator, DCDN_BATCH_SET.name)).length, 1);
            for (const domain of [DCDN_DOMAIN!, DCDN_DOMAIN_2!]) assert.equal((await service.describe(domain))?.certName, "dcdn-batch", domain);
            await assert.rejects(
                service.batchSet({ status: "off", certType: "upload", domainNames: Array.from({ length: 11 }, (_, i) => `d${i}.test`) }),
                RangeError,
            );
            assert.equal((await requestsFor(emulator, DCDN_BATCH_SET.name)).length, 1);
        });

        it("GIVEN a domain that does not exist (or is CDN's) THEN describe and domainStatus are undefined", async () => {
            assert.equal(await dcdn().describe("absent.example-dcdn.test"), undefined);
            assert.equal(await dcdn().describe(CDN_DOMAIN!), undefined);
            assert.equal(await dcdn().domainStatus("absent.example-dcdn.test"), undefined);
        });
    });

    describe("injected faults on a set", () => {
        // Answers that say the set did nothing are retried by the call.
        const recoverable = ["internal-error", "service-unavailable", "throttling"] as const;
        for (const fault of recoverable) {
            it(`GIVEN ${fault} twice THEN the set succeeds on the third attempt`, async () => {
                await hook(emulator, "faults", { action: LIVE.setAction.name, fault, times: 2 });
                await live().set({ ...upload(LIVE_DOMAIN!, liveCert, `live-${fault}`), forceSet: true });
                const calls = await requestsFor(emulator, LIVE.setAction.name);
                assert.equal(calls.length, 3, JSON.stringify(calls));
                assert.equal(calls.filter((call) => call.fault !== undefined).length, 2);
                assert.equal((await live().describe(LIVE_DOMAIN!))?.certName, `live-${fault}`);
            });
        }

        // A busy domain, or an answer lost after sending: the set may have applied (or another change is configuring
        // for minutes), so the call does not send it again; the lifecycle reads the domain and decides.
        const handedBack: Record<string, { code: string; outcomeUnknown: boolean }> = {
            "service-busy": { code: "ServiceBusy", outcomeUnknown: false },
            drop: { code: LOCAL_ERROR_CODES.connectionFailed, outcomeUnknown: true },
            "applied-then-drop": { code: LOCAL_ERROR_CODES.connectionFailed, outcomeUnknown: true },
            hang: { code: LOCAL_ERROR_CODES.requestTimeout, outcomeUnknown: true },
        };
        for (const [fault, { code, outcomeUnknown }] of Object.entries(handedBack)) {
            it(`GIVEN ${fault} THEN the set is sent once and handed back as ${code}${outcomeUnknown ? " with its outcome unknown" : ""}`, async () => {
                await hook(emulator, "faults", { action: LIVE.setAction.name, fault, times: 2 });
                const settings = settingsFor(emulator.endpoint, { timeouts: { connectTimeoutMs: 2_000, readTimeoutMs: 500 } });
                await assert.rejects(
                    createCertificateService(LIVE, settings).set({ ...upload(LIVE_DOMAIN!, liveCert, `live-${fault}`), forceSet: true }),
                    (error: unknown) => {
                        assert.ok(error instanceof AlicloudApiError, String(error));
                        assert.equal(error.code, code);
                        assert.equal(error.outcomeUnknown, outcomeUnknown);
                        assert.equal(error.attempts, 1);
                        assertNoSecrets(error, liveCert);
                        return true;
                    },
                );
                assert.equal((await requestsFor(emulator, LIVE.setAction.name)).length, 1);
                await hook(emulator, "reset", {});
            });
        }

        for (const fault of ["drop", "hang", "internal-error"] as const) {
            it(`GIVEN ${fault} twice on a read THEN the read is retried and succeeds`, async () => {
                await hook(emulator, "faults", { action: LIVE.describeCertificateAction.name, fault, times: 2 });
                const settings = settingsFor(emulator.endpoint, { timeouts: { connectTimeoutMs: 2_000, readTimeoutMs: 500 } });
                assert.notEqual(await createCertificateService(LIVE, settings).describe(LIVE_DOMAIN!), undefined);
                assert.equal((await requestsFor(emulator, LIVE.describeCertificateAction.name)).length, 3);
            });
        }

        it("GIVEN a fault on the CDN typed call THEN the typed client is retried the same way", async () => {
            await hook(emulator, "faults", { action: CDN.setAction.name, fault: "service-unavailable", times: 1 });
            await cdn().set(upload(CDN_DOMAIN!, cdnCert, "cdn-after-503"));
            assert.equal((await requestsFor(emulator, CDN.setAction.name)).length, 2);
        });

        const expected: Record<string, { code: string; transient: boolean }> = {
            "internal-error": { code: "InternalError", transient: true },
            "service-unavailable": { code: "ServiceUnavailable", transient: true },
            throttling: { code: "Throttling.User", transient: true },
        };
        for (const [fault, { code, transient }] of Object.entries(expected)) {
            it(`GIVEN ${fault} on every attempt THEN a typed ${code} after ${MAX_ATTEMPTS} attempts`, async () => {
                await hook(emulator, "faults", { action: LIVE.setAction.name, fault, times: 50 });
                await assert.rejects(live().set({ ...upload(LIVE_DOMAIN!, liveCert, "never"), forceSet: true }), (error: unknown) => {
                    assert.ok(error instanceof AlicloudApiError, String(error));
                    assert.equal(error.code, code);
                    assert.equal(error.transient, transient);
                    assert.equal(error.attempts, MAX_ATTEMPTS);
                    assert.match(
                        error.message,
                        new RegExp(`^SetLiveDomainCertificate on ${LIVE_DOMAIN!.replace(/\./g, "\\.")} failed after ${MAX_ATTEMPTS} attempts: `),
                    );
                    assertNoSecrets(error, liveCert);
                    return true;
                });
                assert.equal((await requestsFor(emulator, LIVE.setAction.name)).length, MAX_ATTEMPTS);
            });
        }

        it("GIVEN a hang on every attempt of a read THEN a typed RequestTimeout after the attempts, no URL or key in it", async () => {
            await hook(emulator, "faults", { action: LIVE.describeCertificateAction.name, fault: "hang", times: 50 });
            const settings = settingsFor(emulator.endpoint, {
                timeouts: { connectTimeoutMs: 2_000, readTimeoutMs: 300 },
                retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20, totalBudgetMs: 10_000 },
            });
            await assert.rejects(createCertificateService(LIVE, settings).describe(LIVE_DOMAIN!), (error: unknown) => {
                assert.ok(error instanceof AlicloudApiError, String(error));
                assert.equal(error.code, LOCAL_ERROR_CODES.requestTimeout);
                assert.equal(error.attempts, 2);
                assert.doesNotMatch(error.message, /127\.0\.0\.1|SSLPri|DomainName=/);
                assertNoSecrets(error, liveCert);
                return true;
            });
            await hook(emulator, "reset", {});
        });
    });

    describe("credentials and endpoint failures", () => {
        it("GIVEN a wrong secret THEN a typed SignatureDoesNotMatch at once, the secret nowhere", async () => {
            const wrongSecret = "definitely-not-the-secret-0001";
            const settings = settingsFor(emulator.endpoint, {
                credentials: staticCredentials({ accessKeyId: DEFAULT_ACCOUNT.accessKeyId, accessKeySecret: wrongSecret }),
            });
            await assert.rejects(createCertificateService(CDN, settings).describe(CDN_DOMAIN!), (error: unknown) => {
                assert.ok(error instanceof AlicloudApiError);
                assert.equal(error.code, "SignatureDoesNotMatch");
                assert.equal(error.attempts, 1);
                assert.ok(!error.message.includes(wrongSecret));
                assert.match(error.hint, /alicloud:secretKey/);
                return true;
            });
        });

        it("GIVEN an endpoint where nothing listens THEN a typed ConnectionFailed after the retries", async () => {
            const closed = createServer();
            await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
            const { port } = closed.address() as AddressInfo;
            await new Promise<void>((resolve) => closed.close(() => resolve()));
            const settings = settingsFor(`http://127.0.0.1:${port}`, { retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10 } });
            await assert.rejects(createCertificateService(LIVE, settings).set(upload(LIVE_DOMAIN!, liveCert, "x")), (error: unknown) => {
                assert.ok(error instanceof AlicloudApiError);
                assert.equal(error.code, LOCAL_ERROR_CODES.connectionFailed);
                assert.equal(error.attempts, 3);
                assertNoSecrets(error, liveCert);
                return true;
            });
        });
    });
});

describe("a domain still configuring", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator({ port: 0, seed: DEFAULT_SEED, configuringMs: 300, rateLimits: true });
    });
    after(async () => {
        await emulator.close();
    });

    it("GIVEN a set just made WHEN another set follows THEN the adapter hands ServiceBusy back at once, and the provider's update waits it out", async () => {
        const issued = await issueCertificate({ dnsNames: [CDN_DOMAIN!] });
        const service = createCertificateService(CDN, settingsFor(emulator.endpoint));
        await service.set({
            domainName: CDN_DOMAIN!,
            status: "on",
            certType: "upload",
            certificate: issued.chainPem,
            privateKey: issued.key.pkcs8,
            certName: "first",
        });
        await assert.rejects(service.set({ domainName: CDN_DOMAIN!, status: "off", certType: "upload", certName: "first" }), (error: unknown) => {
            assert.ok(error instanceof AlicloudApiError);
            assert.equal(error.code, "ServiceBusy");
            assert.equal(error.attempts, 1);
            return true;
        });
        const provider = certificateProvider({ product: CDN, service: () => service, confirm: { initialIntervalMs: 50, maxIntervalMs: 100 } });
        const off = (await provider.check!({}, { domainName: CDN_DOMAIN!, status: "off" })).inputs as CertificateInputs;
        const { outs } = await provider.update!(CDN_DOMAIN!, {} as CertificateOutputs, off);
        assert.equal(outs.status, "off");
        const calls = await requestsFor(emulator, CDN.setAction.name);
        // The first set; the adapter's second, refused; the update's, refused; the update's again, sent only once the
        // domain read online.
        assert.deepEqual(
            calls.map((call) => call.code ?? call.status),
            [200, "ServiceBusy", "ServiceBusy", 200],
        );
        assert.equal(await service.domainStatus(CDN_DOMAIN!), "online");
    });
});

describe("pacing against the emulator's rate limits", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator({ port: 0, seed: DEFAULT_SEED, configuringMs: 0, rateLimits: true });
    });
    after(async () => {
        await emulator.close();
    });

    it("GIVEN 60 concurrent state reads of a Live domain THEN one page of the account's listing answers them all", async () => {
        const settings = settingsFor(emulator.endpoint, { retry: { maxAttempts: 1 } });
        const service = createCertificateService(LIVE, settings);
        const states = await Promise.all(Array.from({ length: 60 }, () => service.domainStatus(LIVE_DOMAIN!)));
        assert.deepEqual(new Set(states), new Set(["online"]));
        assert.deepEqual(
            (await requestsFor(emulator, LIVE.domainListing.action.name)).map((call) => call.status),
            [200],
        );
        assert.deepEqual(await requestsFor(emulator, LIVE.describeDomainAction.name), []);
    });

    it("GIVEN 60 concurrent detail reads of one account THEN none is throttled", async () => {
        // DescribeLiveDomainDetail allows 50/s; 60 at once would be throttled without pacing. The detail is Live's
        // state read in an account too large to page through (alicloud/domainStateReader.ts).
        const settings = settingsFor(emulator.endpoint, { retry: { maxAttempts: 1 } });
        const details = new DetailStateReader(new ApiCaller(LIVE, settings), LIVE);
        await Promise.all(Array.from({ length: 60 }, () => details.read(LIVE_DOMAIN!)));
        const calls = await requestsFor(emulator, LIVE.describeDomainAction.name);
        assert.equal(calls.length, 60);
        assert.ok(
            calls.every((call) => call.status === 200),
            JSON.stringify(calls.filter((call) => call.status !== 200)),
        );
    });
});
