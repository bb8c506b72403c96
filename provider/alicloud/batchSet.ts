// A product's batch set (products.ts `batchSet`: CDN's BatchSetCdnDomainServerCertificate, DCDN's
// BatchSetDcdnDomainCertificate), as data the adapter offers the lifecycle as the port's `setMany`: which sets may
// share a call, and the stack config of its batching (`alicloud-certs:<product>BatchSize`, `<product>BatchWindowMs`).

import { DEFAULT_BATCH_WINDOW_MS, validBatchWindow } from "../lifecycle/batching";
import type { SetCertificateRequest, SetManyRequest } from "../lifecycle/port";
import { CONFIG_NAMESPACE, type ConfigSource } from "../config";
import type { BatchSetSpec } from "../products";
import type { SetCertificateFields } from "./wire";

/** One set call for several domains of a product: the same certificate on each. */
export type BatchSetCertificateRequest = SetManyRequest & SetCertificateFields;

/**
 * Whether a set may go out in a batch set call. The same for CDN's and DCDN's, whose parameters are the same:
 * - a stored certificate set by reference (`cas` whose CertName is the stored certificate's own name: both batch
 *   actions name a certificate-service certificate by CertName and Region, per their API pages), and status off
 *   (documented);
 * - `upload` with its PEM (status on, without a certificate service: both batch actions document upload);
 * - not a user's `cas` by id alone: neither batch action has a CertId, and a CertName of the user's choosing might
 *   name another certificate than the id;
 * - not `free`: neither batch action takes it;
 * - not `forceSet: true`: neither product's single-domain set has ForceSet, and a resource's outcome must not
 *   depend on whether other resources happened to share its window.
 */
export function isBatchable(request: SetCertificateRequest): boolean {
    if (request.forceSet === true) return false;
    if (request.status === "off") return request.certType === "upload";
    if (request.certType === "cas") return request.namesStoredCertificate === true && !!request.certName;
    return request.certType === "upload" && !!request.certificate && !!request.privateKey;
}

/** Checks a batch size setting; `origin` names where it came from (a config key, a constructor option). */
export function validBatchSize(batch: BatchSetSpec, value: number, origin: string): number {
    const largest = batch.largestDomainsPerCall;
    if (!Number.isInteger(value) || value < 1 || value > largest) {
        throw new RangeError(`${origin} must be a whole number from 1 to ${largest} (domains per ${batch.name} call); got ${value}`);
    }
    return value;
}

/** Stack config keys (namespace `alicloud-certs`) of a batch set's settings. */
export function batchConfigKeys(batch: BatchSetSpec): { batchSize: string; windowMs: string } {
    return { batchSize: `${CONFIG_NAMESPACE}:${batch.batchSizeConfigKey}`, windowMs: `${CONFIG_NAMESPACE}:${batch.batchWindowConfigKey}` };
}

function integerFrom(config: ConfigSource | undefined, key: string): number | undefined {
    const raw = config?.get(key)?.trim();
    if (raw === undefined || raw === "") return undefined;
    // Number("") is 0 and Number("1e1") is 10: accept plain digits only, so a typo is an error, not a surprise.
    if (!/^\d+$/.test(raw)) throw new RangeError(`stack config ${key} must be a whole number; got ${JSON.stringify(raw)}`);
    return Number(raw);
}

/** A batch set's settings from stack config: domains per call (1..largestDomainsPerCall) and the window (0..1000 ms). */
export function batchSettingsFromConfig(batch: BatchSetSpec, config?: ConfigSource): { batchSize: number; windowMs: number } {
    const keys = batchConfigKeys(batch);
    const batchSize = integerFrom(config, keys.batchSize);
    const windowMs = integerFrom(config, keys.windowMs);
    return {
        batchSize: batchSize === undefined ? batch.maxDomainsPerCall : validBatchSize(batch, batchSize, `stack config ${keys.batchSize}`),
        windowMs: windowMs === undefined ? DEFAULT_BATCH_WINDOW_MS : validBatchWindow(windowMs, `stack config ${keys.windowMs}`),
    };
}
