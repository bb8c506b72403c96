// The provider's methods against the emulator, in process: the real client layer and the official SDK on the wire,
// the emulator's hooks for faults and for the request log. Each test ends by asking the cloud what it serves.
// One table of cases, run for every product of the table (provider/products.ts PRODUCTS): what a user relies on is
// the same for CDN, Live and DCDN. The judge of each product (what a domain serves, a change made behind the
// provider's back) is that product's official SDK, with the action names written here, not taken from the table.
import { describe, it, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { startEmulator } from "../../emulator";
import { PRODUCTS, type ProductSpec } from "../../provider/products";
import { clientSettingsFromConfig, createCertificateService } from "../../provider/alicloud/client";
import { configFromRecord } from "../../provider/config";
import { storesFor } from "../../provider/runtime";
import { certificateProvider } from "../../provider/lifecycle/provider";
import type { CertificateInputs, CertificateOutputs } from "../../provider/lifecycle/model";
import { issueCertificate, fingerprintOf, type Issued } from "../../harness/certs";
import { EmulatorHooks } from "../../harness/emulatorHooks";
import { judgeOf, servedFingerprint, type ProductJudge } from "../support/productJudges";

const ACCOUNT = { accessKeyId: "LTAIlifecycleTest000001", accessKeySecret: "lifecycleTestSecret000000000001" };
const CONFIGURING_MS = 120;
const www = (product: ProductSpec) => `www.${product.id}.lifecycle.test`;
const gone = (product: ProductSpec) => `gone.${product.id}.lifecycle.test`;

let emulator: { endpoint: string; close(): Promise<void> };
let hooks: EmulatorHooks;
let current: Issued;
let renewed: Issued;

before(async () => {
    const products = Object.values(PRODUCTS);
    emulator = await startEmulator({
        port: 0,
        configuringMs: CONFIGURING_MS,
        seed: { accounts: [{ ...ACCOUNT, domains: products.map((product) => ({ domainName: www(product), product: product.id })) }] },
    });
    hooks = new EmulatorHooks(emulator.endpoint);
    const names = products.map((product) => `*.${product.id}.lifecycle.test`);
    current = await issueCertificate({ dnsNames: names, key: "rsa2048" });
    renewed = await issueCertificate({ dnsNames: names, key: "ec256" });
});

after(async () => {
    await emulator?.close();
});

beforeEach(async () => {
    await hooks.reset();
});

function providerOf(product: ProductSpec, timeouts = { connectTimeoutMs: 2000, readTimeoutMs: 2000 }): dynamic.ResourceProvider {
    const config = configFromRecord({
        "alicloud:accessKey": ACCOUNT.accessKeyId,
        "alicloud:secretKey": ACCOUNT.accessKeySecret,
        [`alicloud-certs:${product.endpointConfigKey}`]: emulator.endpoint,
        "alicloud-certs:casEndpoint": emulator.endpoint,
    });
    const settings = {
        ...clientSettingsFromConfig(product, config, {}),
        timeouts,
        retry: { baseDelayMs: 20, maxDelayMs: 200, totalBudgetMs: 20_000, maxAttempts: 12 },
    };
    const service = createCertificateService(product, settings);
    const stores = storesFor(config, { settings });
    return certificateProvider({ product, service: () => service, stores: () => stores, confirm: { initialIntervalMs: 20, maxIntervalMs: 100 } });
}

async function checked(provider: dynamic.ResourceProvider, raw: Record<string, unknown>): Promise<CertificateInputs> {
    const result = await provider.check!({}, { confirmTimeoutSeconds: 10, ...raw });
    assert.deepEqual(result.failures ?? [], []);
    return result.inputs as CertificateInputs;
}

async function deploy(provider: dynamic.ResourceProvider, raw: Record<string, unknown>) {
    const inputs = await checked(provider, raw);
    const created = await provider.create(inputs);
    return { inputs, id: created.id, outs: created.outs as CertificateOutputs };
}

async function turnOff(product: ProductSpec, domainName: string): Promise<void> {
    const provider = providerOf(product);
    await provider.delete!(domainName, { domainName, status: "on", certType: "upload", forceSet: false, confirmTimeoutSeconds: 10 } as CertificateOutputs);
}

for (const product of Object.values(PRODUCTS)) {
    const DOMAIN = www(product);
    const GONE_DOMAIN = gone(product);
    describe(`${product.displayName}`, () => {
        let judge: ProductJudge;
        before(() => {
            judge = judgeOf(product.id, emulator.endpoint, ACCOUNT);
        });
        describe("create", () => {
            beforeEach(async () => {
                await turnOff(product, DOMAIN);
                await hooks.reset();
            });

            it("sets the full certificate and returns once the domain serves it", async () => {
                const provider = providerOf(product);
                const { id, outs } = await deploy(provider, { domainName: DOMAIN, certificate: current.chainPem, privateKey: current.key.pkcs8 });
                assert.equal(id, DOMAIN);
                assert.equal(outs.status, "on");
                assert.equal(outs.fingerprint, await fingerprintOf(current));
                assert.equal(await servedFingerprint(judge, DOMAIN), await fingerprintOf(current));
                const sets = await hooks.setCalls();
                assert.deepEqual(
                    sets.map((s) => [s.action, s.domains, s.status]),
                    [[judge.setAction, [DOMAIN], 200]],
                );
                const read = (await provider.read!(DOMAIN, outs)).props as CertificateOutputs;
                assert.equal(read.fingerprint, await fingerprintOf(current));
            });

            it("adopts a domain that already serves the declared certificate, without a set call", async () => {
                const provider = providerOf(product);
                await deploy(provider, { domainName: DOMAIN, certificate: current.chainPem, privateKey: current.key.pkcs8 });
                await hooks.reset();
                // The same certificate, re-encoded: still the same certificate.
                const { outs } = await deploy(provider, {
                    domainName: DOMAIN,
                    certificate: current.chainPem.replace(/\n/g, "\r\n"),
                    privateKey: current.key.traditional,
                });
                assert.equal(outs.fingerprint, await fingerprintOf(current));
                assert.deepEqual(await hooks.setCalls(), []);
            });

            it("fails on a domain the account does not have, naming the product", async () => {
                const provider = providerOf(product);
                await assert.rejects(
                    deploy(provider, { domainName: GONE_DOMAIN, certificate: current.chainPem, privateKey: current.key.pkcs8 }),
                    new RegExp(`${GONE_DOMAIN.replace(/\./g, "\\.")} is not a ${judge.displayName} domain of this account`),
                );
                assert.deepEqual(await hooks.setCalls(), []);
            });
        });

        describe("update", () => {
            it("rotates to a renewed certificate under a new name, and turns HTTPS off", async () => {
                const provider = providerOf(product);
                const first = await deploy(provider, { domainName: DOMAIN, certificate: current.chainPem, privateKey: current.key.pkcs8 });
                const news = await checked(provider, { domainName: DOMAIN, certificate: renewed.chainPem, privateKey: renewed.key.traditional });
                const diff = await provider.diff!(DOMAIN, first.outs, news);
                assert.equal(diff.changes, true);
                const updated = (await provider.update!(DOMAIN, first.outs, news)).outs as CertificateOutputs;
                assert.equal(updated.fingerprint, await fingerprintOf(renewed));
                assert.notEqual(updated.certName, first.outs.certName, "a renewal gets its own name");
                assert.equal((await judge.served(DOMAIN)).certName, updated.certName);

                const off = await checked(provider, { domainName: DOMAIN, status: "off" });
                const disabled = (await provider.update!(DOMAIN, updated, off)).outs as CertificateOutputs;
                assert.equal(disabled.status, "off");
                assert.equal(disabled.fingerprint, undefined);
                assert.equal((await judge.served(DOMAIN)).status, "off");
            });
        });

        describe("the private key stays out of the outputs", () => {
            it("GIVEN create, update and read, and a state an older version wrote with the key THEN no output holds it", async () => {
                const provider = providerOf(product);
                const created = await deploy(provider, { domainName: DOMAIN, certificate: current.chainPem, privateKey: current.key.pkcs8 });
                assert.equal(created.inputs.privateKey !== undefined, true, "the inputs keep it: create and update send it");
                const news = await checked(provider, { domainName: DOMAIN, certificate: renewed.chainPem, privateKey: renewed.key.pkcs8 });
                const updated = (await provider.update!(DOMAIN, created.outs, news)).outs as Record<string, unknown>;
                const older = { ...created.outs, privateKey: current.key.pkcs8 } as CertificateOutputs;
                const read = (await provider.read!(DOMAIN, older)).props as Record<string, unknown>;
                for (const [name, outs] of [
                    ["create", created.outs],
                    ["update", updated],
                    ["read", read],
                ] as const) {
                    assert.equal("privateKey" in outs, false, `${name}: ${Object.keys(outs).join(", ")}`);
                    assert.ok(!JSON.stringify(outs).includes("PRIVATE KEY"), name);
                }
                assert.equal(updated.fingerprint, await fingerprintOf(renewed));
            });
        });

        describe("read", () => {
            it("sees an out-of-band change made with the official SDK, and update restores the declared certificate", async () => {
                const provider = providerOf(product);
                const { inputs, outs } = await deploy(provider, { domainName: DOMAIN, certificate: current.chainPem, privateKey: current.key.pkcs8 });
                // Someone replaces the certificate in the console (here: the product's official SDK).
                // Names are unique in the account's certificate service, which every product's case shares.
                await judge.replace(DOMAIN, renewed, `someone-elses-${product.id}`);
                await new Promise((r) => setTimeout(r, CONFIGURING_MS * 2));
                const refreshed = (await provider.read!(DOMAIN, outs)).props as CertificateOutputs;
                assert.equal(refreshed.fingerprint, await fingerprintOf(renewed), "read reports the live certificate");
                const drift = await provider.diff!(DOMAIN, refreshed, inputs);
                assert.equal(drift.changes, true);
                await provider.update!(DOMAIN, refreshed, inputs);
                assert.equal(await servedFingerprint(judge, DOMAIN), await fingerprintOf(current));
            });

            it("returns no id for a domain that no longer exists", async () => {
                const provider = providerOf(product);
                const result = await provider.read!(GONE_DOMAIN, { domainName: GONE_DOMAIN } as CertificateOutputs);
                assert.equal(result.id, undefined);
            });
        });

        describe("delete", () => {
            it("turns HTTPS off, and a domain already gone is done", async () => {
                const provider = providerOf(product);
                const { outs } = await deploy(provider, { domainName: DOMAIN, certificate: current.chainPem, privateKey: current.key.pkcs8 });
                await provider.delete!(DOMAIN, outs);
                assert.equal((await judge.served(DOMAIN)).status, "off");
                await provider.delete!(GONE_DOMAIN, { ...outs, domainName: GONE_DOMAIN });
            });
        });

        describe("an apply survives a misbehaving cloud", () => {
            const faults = ["service-busy", "throttling", "internal-error", "service-unavailable", "drop", "applied-then-drop", "hang"] as const;
            for (const fault of faults) {
                it(`ends with the declared certificate served after ${fault} on the set call`, async () => {
                    await turnOff(product, DOMAIN);
                    const provider = providerOf(product, { connectTimeoutMs: 1000, readTimeoutMs: 1000 });
                    await hooks.fault({ action: judge.setAction, fault, times: 2 });
                    const { outs } = await deploy(provider, { domainName: DOMAIN, certificate: current.chainPem, privateKey: current.key.pkcs8 });
                    assert.equal(outs.fingerprint, await fingerprintOf(current));
                    assert.equal(await servedFingerprint(judge, DOMAIN), await fingerprintOf(current));
                    const sets = await hooks.setCalls();
                    assert.ok(
                        sets.some((s) => s.fault === fault),
                        `the fault was injected (${JSON.stringify(sets)})`,
                    );
                });
            }

            it("ends as declared when describe calls are throttled and fail with 5xx", async () => {
                await turnOff(product, DOMAIN);
                const provider = providerOf(product);
                await hooks.fault({ action: judge.certificateRead, fault: "throttling", times: 2 });
                await hooks.fault({ action: judge.stateRead, fault: "internal-error", times: 2 });
                const { outs } = await deploy(provider, { domainName: DOMAIN, certificate: renewed.chainPem, privateKey: renewed.key.pkcs8 });
                assert.equal(outs.fingerprint, await fingerprintOf(renewed));
            });
        });

        describe("check", () => {
            it("rejects bad input without any call to the cloud", async () => {
                const provider = providerOf(product);
                const other = await issueCertificate({ dnsNames: ["elsewhere.example.org"] });
                const results = await Promise.all([
                    provider.check!(
                        {},
                        {
                            domainName: DOMAIN,
                            certificate: "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
                            privateKey: current.key.pkcs8,
                        },
                    ),
                    provider.check!({}, { domainName: DOMAIN, certificate: current.chainPem, privateKey: renewed.key.pkcs8 }),
                    provider.check!({}, { domainName: DOMAIN, certificate: other.chainPem, privateKey: other.key.pkcs8 }),
                ]);
                // The engine would print the value of a failing property, so the key and certificate fail at resource level,
                // named at the start of the reason.
                assert.deepEqual(
                    results.map((r) => r.failures?.map((f) => [f.property, f.reason.split(":")[0]])),
                    [[["", "certificate"]], [["", "privateKey"]], [["", "certificate"]]],
                );
                assert.deepEqual(await hooks.requests(), []);
            });
        });
    });
}
