// The CDN adapter: the product-table adapter plus what only CDN has: SetDomainServerCertificate (deprecated), the
// only CDN set action documented to take `certType: "free"`, and BatchSetCdnDomainServerCertificate, one certificate on
// several domains in one call.

import type { SetCertificateRequest, SetCertificateResult } from "../lifecycle/port";
import { ClientSettings, DomainCertificateAdapter, requestIdOf } from "./caller";
import { CDN, CDN_BATCH_SET, CDN_LEGACY_SET, SetActionSpec } from "./products";
import { buildSetQuery, SetCertificateFields } from "./wire";

/** One set call for several CDN domains (BatchSetCdnDomainServerCertificate): the same certificate on each. */
export interface BatchSetCertificateRequest extends SetCertificateFields {
    readonly domainNames: readonly string[];
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

    constructor(settings: ClientSettings, options: CdnServiceOptions = {}) {
        super(CDN, settings);
        this.batchSize = validBatchSize(options.batchSize ?? CDN_BATCH_SET.maxDomainsPerCall, "batchSize");
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
