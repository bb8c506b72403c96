// The official SDKs' clients pointed at an emulator, unmodified: the typed CDN, DCDN and certificate-service clients,
// and the generic client for Live and the CDN actions the typed client dropped.
process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = "true";

import Cas, * as $Cas from "@alicloud/cas20200407";
import Client, * as $Cdn from "@alicloud/cdn20180510";
import Dcdn, * as $Dcdn from "@alicloud/dcdn20180115";
import * as $OpenApiClient from "@alicloud/openapi-client";
import OpenApi, { $OpenApiUtil } from "@alicloud/openapi-core";
import type { Issued } from "../../../harness/certs";
import { rpcCaller } from "../../../harness/sdkClients";
import type { RunningEmulator } from "../../../emulator";
import type { Keys } from "./fixtures";

export { $Cas, $Cdn, $Dcdn, Cas, Client, Dcdn };

export const CDN_VERSION = "2018-05-10";
export const LIVE_VERSION = "2016-11-01";
export const CAS_VERSION = "2020-04-07";
export const DCDN_VERSION = "2018-01-15";

export type SignatureVersion = "v3" | "v2";
export const SIGNATURES: readonly SignatureVersion[] = ["v3", "v2"];

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
