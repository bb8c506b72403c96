// Shared by the emulator tests: official-SDK clients pointed at an emulator, raw HTTP for what the SDK cannot
// send, and small seed builders. The SDK is used unmodified; raw requests are signed with the SDK's own utilities.
process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = "true";

import Cas, * as $Cas from "@alicloud/cas20200407";
import Client, * as $Cdn from "@alicloud/cdn20180510";
import Dcdn, * as $Dcdn from "@alicloud/dcdn20180115";
import * as $OpenApiClient from "@alicloud/openapi-client";
import OpenApi, { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import * as $dara from "@darabonba/typescript";
import { issueCertificate, type Issued } from "../../harness/certs";
import { rpcCaller } from "../../harness/sdkClients";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as http from "node:http";
import { stringify } from "node:querystring";
import {
    type CasSummary,
    startEmulator,
    type EmulatorOptions,
    type RunningEmulator,
    type Seed,
    type SeedAccount,
    type SeedCasCertificate,
} from "../../emulator";

export { $Cas, $Cdn, $Dcdn, Cas, Client, Dcdn };

export const CDN_VERSION = "2018-05-10";
export const LIVE_VERSION = "2016-11-01";
export const CAS_VERSION = "2020-04-07";
export const DCDN_VERSION = "2018-01-15";

export type SignatureVersion = "v3" | "v2";
export const SIGNATURES: readonly SignatureVersion[] = ["v3", "v2"];

export interface Keys {
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    readonly securityToken?: string;
}

/** An account with the given domains (all online unless listed in `offline`). */
export function account(
    id: string,
    domains: { cdn?: string[]; live?: string[]; dcdn?: string[]; offline?: string[] },
    extra: Partial<SeedAccount> = {},
): SeedAccount {
    const offline = new Set(domains.offline ?? []);
    const of = (product: "cdn" | "live" | "dcdn") =>
        (domains[product] ?? []).map((domainName) => ({
            domainName,
            product,
            domainStatus: offline.has(domainName) ? ("offline" as const) : ("online" as const),
        }));
    return {
        accessKeyId: `LTAItest${id}`,
        accessKeySecret: `secret-${id}-not-real`,
        domains: [...of("cdn"), ...of("live"), ...of("dcdn")],
        ...extra,
    };
}

/** An account (as `account` makes it) whose certificate service holds these entries from the start. */
export function accountWithCas(id: string, domains: Parameters<typeof account>[1], casCertificates: SeedCasCertificate[]): SeedAccount {
    return account(id, domains, { casCertificates });
}

export function keysOf(a: SeedAccount): Keys {
    return { accessKeyId: a.accessKeyId, accessKeySecret: a.accessKeySecret };
}

/** Starts an emulator for one test on a free loopback port; `t.after` closes it. */
export async function emulatorFor(
    t: { after: (fn: () => Promise<void> | void) => void },
    seed: Seed,
    options: Omit<EmulatorOptions, "seed"> = {},
): Promise<RunningEmulator> {
    const emulator = await startEmulator({ host: "127.0.0.1", port: 0, configuringMs: 0, freeIssueMs: 0, ...options, seed });
    t.after(() => emulator.close());
    return emulator;
}

/** A client's settings for the emulator, the same for both SDK generations (each wraps them in its own Config). */
function settings(emulator: RunningEmulator, keys: Keys, signature: SignatureVersion, timeoutMs: number) {
    return {
        accessKeyId: keys.accessKeyId,
        accessKeySecret: keys.accessKeySecret,
        ...(keys.securityToken ? { securityToken: keys.securityToken } : {}),
        endpoint: emulator.hostPort,
        protocol: "http",
        readTimeout: timeoutMs,
        connectTimeout: timeoutMs,
        ...(signature === "v2" ? { signatureAlgorithm: "v2" } : {}),
    };
}

function config(emulator: RunningEmulator, keys: Keys, signature: SignatureVersion, timeoutMs: number) {
    return new $OpenApiUtil.Config(settings(emulator, keys, signature, timeoutMs));
}

/** The typed CDN client of @alicloud/cdn20180510. */
export function cdnClient(emulator: RunningEmulator, keys: Keys, signature: SignatureVersion = "v3", timeoutMs = 5000): Client {
    return new Client(config(emulator, keys, signature, timeoutMs));
}

/**
 * The typed DCDN client of @alicloud/dcdn20180115 (2.5.0): the older generation, on @alicloud/openapi-client 0.4.x,
 * with its own Config class. Every parameter travels in the query of a POST; `v2` selects the legacy HMAC-SHA1.
 */
export function dcdnClient(emulator: RunningEmulator, keys: Keys, signature: SignatureVersion = "v3", timeoutMs = 5000): Dcdn {
    return new Dcdn(new $OpenApiClient.Config(settings(emulator, keys, signature, timeoutMs)));
}

/** The typed certificate-service client of @alicloud/cas20200407 (3.0.0). */
export function casClient(emulator: RunningEmulator, keys: Keys, signature: SignatureVersion = "v3", timeoutMs = 5000): Cas {
    return new Cas(config(emulator, keys, signature, timeoutMs));
}

/** The generic client of @alicloud/openapi-core, for Live and the two CDN actions SDK 5 dropped. */
export function genericClient(emulator: RunningEmulator, keys: Keys, signature: SignatureVersion = "v3", timeoutMs = 5000) {
    const call = rpcCaller(new OpenApi(config(emulator, keys, signature, timeoutMs)));
    return async (action: string, version: string, query: Record<string, string>): Promise<Record<string, unknown>> =>
        (await call(action, version, query)).body;
}

export type GenericCall = ReturnType<typeof genericClient>;

/** Live calls through the generic client. */
export function liveClient(emulator: RunningEmulator, keys: Keys, signature: SignatureVersion = "v3", timeoutMs = 5000) {
    const call = genericClient(emulator, keys, signature, timeoutMs);
    return (action: string, query: Record<string, string>) => call(action, LIVE_VERSION, query);
}

export type LiveCall = ReturnType<typeof liveClient>;

/** An upload-mode SetLiveDomainCertificate of `leaf` (PKCS#8 key) under `certName`; `extra` adds or replaces fields. */
export function setLiveUpload(live: LiveCall, domainName: string, leaf: Issued, certName: string, extra: Record<string, string> = {}) {
    return live("SetLiveDomainCertificate", {
        DomainName: domainName,
        SSLProtocol: "on",
        CertName: certName,
        SSLPub: leaf.chainPem,
        SSLPri: leaf.key.pkcs8,
        ...extra,
    });
}

/** `base` with `fields` laid over it, a field given as undefined left out: how the error tables drop a parameter. */
export function overlaid(base: Record<string, string>, fields: Record<string, string | undefined>): Record<string, string> {
    return Object.fromEntries(Object.entries({ ...base, ...fields }).filter(([, value]) => value !== undefined)) as Record<string, string>;
}

export interface ErrorTableCertificates {
    readonly leaf: Issued;
    readonly other: Issued;
    readonly expired: Issued;
}

/**
 * The certificates an error table sends for `dnsNames`: a good leaf, another one for the same names (whose key does
 * not match the leaf) and one that expired a day ago.
 */
export async function errorTableCertificates(dnsNames: string[]): Promise<ErrorTableCertificates> {
    return {
        leaf: await issueCertificate({ dnsNames }),
        other: await issueCertificate({ dnsNames }),
        expired: await issueCertificate({ dnsNames, notBeforeDays: -30, notAfterDays: -1 }),
    };
}

/** Only the named fields of `object`, each present even when undefined, so one deepEqual checks them all. */
export function picked<T extends object, K extends keyof T>(object: T | undefined, ...keys: K[]): Pick<T, K> {
    return Object.fromEntries(keys.map((key) => [key, object?.[key]])) as Pick<T, K>;
}

/** One field of each of the account's certificate-service entries, sorted: what a test compares when order is not the point. */
export function sortedCasField<K extends keyof CasSummary>(emulator: RunningEmulator, accessKeyId: string, field: K): CasSummary[K][] {
    return emulator
        .casCertificates(accessKeyId)
        .map((entry) => entry[field])
        .sort();
}

/** Asserts an SDK call failed with exactly this code and HTTP status. */
export async function expectApiError(promise: Promise<unknown>, code: string, status: number): Promise<void> {
    await assert.rejects(promise, (error: { code?: string; statusCode?: number; message?: string }) => {
        assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
        assert.equal(error.statusCode, status);
        return true;
    });
}

/** Polls until `check` returns true (changes take effect asynchronously); fails after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (await check()) return;
        if (Date.now() > deadline) assert.fail("condition not reached in time");
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

export interface RawResponse {
    readonly status: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly text: string;
    readonly json: Record<string, unknown>;
}

/** A plain HTTP request (no SDK), for malformed and replayed requests. */
export function rawRequest(
    emulator: RunningEmulator,
    options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
        const req = http.request(
            { host: "127.0.0.1", port: emulator.port, method: options.method ?? "POST", path: options.path, headers: options.headers ?? {}, agent: false },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => {
                    const text = Buffer.concat(chunks).toString("utf8");
                    let json: Record<string, unknown>;
                    try {
                        json = JSON.parse(text) as Record<string, unknown>;
                    } catch {
                        reject(new Error(`not JSON (status ${res.statusCode}): ${text.slice(0, 200)}`));
                        return;
                    }
                    resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
                });
            },
        );
        req.on("error", reject);
        if (options.body !== undefined) req.write(options.body);
        req.end();
    });
}

export function acsTimestamp(date: Date): string {
    return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * A V3-signed request built and signed with the SDK's own OpenApiUtil.getAuthorization, for what the SDK will
 * not send by itself: a skewed clock, a replay of the same nonce, an unknown version.
 */
export function signedV3(
    emulator: RunningEmulator,
    keys: Keys,
    action: string,
    version: string,
    query: Record<string, string>,
    overrides: { date?: Date; nonce?: string } = {},
): { path: string; headers: Record<string, string> } {
    const request = new $dara.Request();
    request.method = "POST";
    request.pathname = "/";
    request.query = query;
    const payload = createHash("sha256").update("").digest("hex");
    request.headers = {
        host: emulator.hostPort,
        "x-acs-action": action,
        "x-acs-version": version,
        "x-acs-date": acsTimestamp(overrides.date ?? new Date()),
        "x-acs-signature-nonce": overrides.nonce ?? OpenApiUtil.getNonce(),
        "x-acs-content-sha256": payload,
    };
    request.headers.Authorization = OpenApiUtil.getAuthorization(request, "ACS3-HMAC-SHA256", payload, keys.accessKeyId, keys.accessKeySecret);
    return { path: `/?${stringify(query)}`, headers: request.headers };
}

/** A legacy (HMAC-SHA1) request signed with the SDK's OpenApiUtil.getRPCSignature. */
export function signedLegacy(
    keys: Keys,
    action: string,
    version: string,
    query: Record<string, string>,
    overrides: { date?: Date; nonce?: string } = {},
): { path: string } {
    const params: Record<string, string> = {
        Action: action,
        Format: "json",
        Version: version,
        Timestamp: acsTimestamp(overrides.date ?? new Date()),
        SignatureNonce: overrides.nonce ?? OpenApiUtil.getNonce(),
        SignatureMethod: "HMAC-SHA1",
        SignatureVersion: "1.0",
        AccessKeyId: keys.accessKeyId,
        ...query,
    };
    params.Signature = OpenApiUtil.getRPCSignature(params, "POST", keys.accessKeySecret);
    return { path: `/?${stringify(params)}` };
}

/** JSON from a hook. */
export async function hook(emulator: RunningEmulator, method: string, path: string, body?: unknown): Promise<RawResponse> {
    return rawRequest(emulator, {
        method,
        path,
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
}
