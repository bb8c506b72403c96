// The CDN adapter: the product-table adapter plus what only CDN has: SetDomainServerCertificate (deprecated), the
// only CDN set action documented to take `certType: "free"`, and BatchSetCdnDomainServerCertificate, one certificate on
// several domains in one call, which it offers the lifecycle as the port's `setMany`. Also the stack config of that
// batching (`alicloud-certs:cdnBatchSize`, `cdnBatchWindowMs`).

import { DEFAULT_BATCH_WINDOW_MS, validBatchWindow } from "../lifecycle/batching";
import type { SetCertificateRequest, SetCertificateResult, SetManyCapability, SetManyRequest } from "../lifecycle/port";
import type { ClientSettings } from "./caller";
import { DomainCertificateAdapter, requestIdOf } from "./domainAdapter";
import { CONFIG_NAMESPACE, type ConfigSource } from "../config";
import { CDN, CDN_BATCH_SET, CDN_LEGACY_SET, SetActionSpec } from "../products";
import { buildSetQuery, SetCertificateFields } from "./wire";

/** One set call for several CDN domains (BatchSetCdnDomainServerCertificate): the same certificate on each. */
export type BatchSetCertificateRequest = SetManyRequest & SetCertificateFields;

/**
 * Whether a set may go out in a BatchSetCdnDomainServerCertificate call:
 * - a stored certificate set by reference (`cas` whose CertName is the stored certificate's own name: the batch
 *   action names a certificate-service certificate by CertName and Region, per the BatchSetCdnDomainServerCertificate API page), and status off (documented);
 * - `upload` with its PEM (status on, without a certificate service: the batch action documents upload);
 * - not a user's `cas` by id alone: the batch action has no CertId, and a CertName of the user's choosing might name
 *   another certificate than the id;
 * - not `free`: only SetDomainServerCertificate takes it;
 * - not `forceSet: true`: SetCdnDomainSSLCertificate has no ForceSet, and a resource's outcome must not depend on
 *   whether other resources happened to share its window.
 */
export function isBatchable(request: SetCertificateRequest): boolean {
    if (request.forceSet === true) return false;
    if (request.status === "off") return request.certType === "upload";
    if (request.certType === "cas") return request.namesStoredCertificate === true && !!request.certName;
    return request.certType === "upload" && !!request.certificate && !!request.privateKey;
}

export interface CdnServiceOptions {
    /**
     * Domains per BatchSetCdnDomainServerCertificate call: 1 to `CDN_BATCH_SET.largestDomainsPerCall` (50).
     * Default `CDN_BATCH_SET.maxDomainsPerCall` (10), the number every version of the docs allows.
     */
    readonly batchSize?: number;
}

/** Checks a batch size setting; `origin` names where it came from (a config key, a constructor option). */
export function validBatchSize(value: number, origin: string): number {
    const largest = CDN_BATCH_SET.largestDomainsPerCall;
    if (!Number.isInteger(value) || value < 1 || value > largest) {
        throw new RangeError(`${origin} must be a whole number from 1 to ${largest} (domains per ${CDN_BATCH_SET.name} call); got ${value}`);
    }
    return value;
}

export class CdnCertificateService extends DomainCertificateAdapter {
    /** Domains per BatchSetCdnDomainServerCertificate call; `batchSet` refuses more. */
    readonly batchSize: number;

    readonly setMany: SetManyCapability;

    constructor(settings: ClientSettings, options: CdnServiceOptions = {}) {
        super(CDN, settings);
        this.batchSize = validBatchSize(options.batchSize ?? CDN_BATCH_SET.maxDomainsPerCall, "batchSize");
        this.setMany = { maxDomains: this.batchSize, accepts: isBatchable, send: (request) => this.batchSet(request) };
    }

    /** SetCdnDomainSSLCertificate for upload/cas; `free` goes through the legacy action. */
    override async set(request: SetCertificateRequest): Promise<SetCertificateResult> {
        return request.certType === "free" ? this.setLegacy(request) : super.set(request);
    }

    /** SetDomainServerCertificate (deprecated, 10/s): the only CDN action documented to take `certType: "free"`. */
    async setLegacy(request: SetCertificateRequest): Promise<SetCertificateResult> {
        const { domainName, ...fields } = request;
        return this.sendGenericSet(CDN_LEGACY_SET, [domainName], fields);
    }

    /**
     * BatchSetCdnDomainServerCertificate (10/s): one certificate on up to `batchSize` domains in one call.
     * Refuses live-streaming domains (API side). All or nothing: one domain it refuses fails the whole call.
     */
    async batchSet(request: BatchSetCertificateRequest): Promise<SetCertificateResult> {
        const { domainNames, ...fields } = request;
        return this.sendGenericSet(CDN_BATCH_SET, domainNames, fields);
    }

    private async sendGenericSet(action: SetActionSpec, domainNames: readonly string[], fields: SetCertificateFields): Promise<SetCertificateResult> {
        const limit = action === CDN_BATCH_SET ? this.batchSize : action.maxDomainsPerCall;
        if (domainNames.length === 0 || domainNames.length > limit) {
            throw new RangeError(`${action.name} takes 1 to ${limit} domains per call, got ${domainNames.length}`);
        }
        // A comma inside a name would address extra domains in the batch API: never let one through.
        const malformed = domainNames.filter((name) => name === "" || /[,\s]/.test(name));
        if (malformed.length > 0) throw new RangeError(`${action.name}: invalid domain name(s) ${JSON.stringify(malformed)}`);
        if (!action.certTypes.includes(fields.certType)) {
            throw new RangeError(`${action.name} does not take certType "${fields.certType}" (takes ${action.certTypes.join(", ")})`);
        }
        const query = buildSetQuery(action.params, domainNames.join(","), fields);
        const body = await this.caller.callRpc(this.setCall(action, domainNames, fields), query);
        return requestIdOf(body);
    }
}

/** Stack config keys (namespace `alicloud-certs`) of the batching settings. */
export const BATCH_CONFIG_KEYS = {
    batchSize: `${CONFIG_NAMESPACE}:cdnBatchSize`,
    windowMs: `${CONFIG_NAMESPACE}:cdnBatchWindowMs`,
} as const;

function integerFrom(config: ConfigSource | undefined, key: string): number | undefined {
    const raw = config?.get(key)?.trim();
    if (raw === undefined || raw === "") return undefined;
    // Number("") is 0 and Number("1e1") is 10: accept plain digits only, so a typo is an error, not a surprise.
    if (!/^\d+$/.test(raw)) throw new RangeError(`stack config ${key} must be a whole number; got ${JSON.stringify(raw)}`);
    return Number(raw);
}

/** The batching settings from stack config: `alicloud-certs:cdnBatchSize` (1..50) and `cdnBatchWindowMs` (0..1000). */
export function batchSettingsFromConfig(config?: ConfigSource): { batchSize: number; windowMs: number } {
    const batchSize = integerFrom(config, BATCH_CONFIG_KEYS.batchSize);
    const windowMs = integerFrom(config, BATCH_CONFIG_KEYS.windowMs);
    return {
        batchSize: batchSize === undefined ? CDN_BATCH_SET.maxDomainsPerCall : validBatchSize(batchSize, `stack config ${BATCH_CONFIG_KEYS.batchSize}`),
        windowMs: windowMs === undefined ? DEFAULT_BATCH_WINDOW_MS : validBatchWindow(windowMs, `stack config ${BATCH_CONFIG_KEYS.windowMs}`),
    };
}
