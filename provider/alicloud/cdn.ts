// The CDN adapter. What is CDN-specific: the typed @alicloud/cdn20180510 client for the three actions it still has,
// the generic call for the two it dropped in 5.x (SetDomainServerCertificate, BatchSetCdnDomainServerCertificate),
// and the routing of `certType: "free"` to SetDomainServerCertificate, the only CDN set action documented to take it.

import CdnClient, {
    DescribeCdnDomainDetailRequest,
    DescribeDomainCertificateInfoRequest,
    SetCdnDomainSSLCertificateRequest,
} from "@alicloud/cdn20180510";
import type { $OpenApiUtil } from "@alicloud/openapi-core";
import type { SetCertificateRequest, SetCertificateResult } from "../lifecycle/port";
import { ClientSettings, DomainCertificateAdapter, requestIdOf } from "./caller";
import { CDN, CDN_BATCH_SET, CDN_LEGACY_SET, SetActionSpec } from "./products";
import { buildSetQuery, JsonObject, SetCertificateFields } from "./wire";

/** One set call for several CDN domains (BatchSetCdnDomainServerCertificate): the same certificate on each. */
export interface BatchSetCertificateRequest extends SetCertificateFields {
    readonly domainNames: readonly string[];
}

/** A typed-SDK response model: `toMap()` gives the wire (PascalCase) JSON, which the shared mapping reads. */
interface SdkModel {
    toMap(): JsonObject;
}

function wireBody(body: SdkModel | undefined): JsonObject {
    return body === undefined ? {} : body.toMap();
}

/**
 * A typed SDK request from a wire query: the SDK models know their wire names (`names()`: camelCase → PascalCase),
 * so the query built from the product table is the single source of what is sent.
 */
function typedRequest<T>(model: { new (map: Record<string, unknown>): T; names(): Record<string, string> }, query: Record<string, string>): T {
    const map: Record<string, unknown> = {};
    for (const [property, wireName] of Object.entries(model.names())) {
        if (query[wireName] !== undefined) map[property] = query[wireName];
    }
    const unknownNames = Object.keys(query).filter((name) => !Object.values(model.names()).includes(name));
    if (unknownNames.length > 0) {
        // A product-table parameter the typed model cannot carry would silently vanish: fail loudly instead.
        throw new Error(`the CDN SDK request model has no parameter named ${unknownNames.join(", ")}`);
    }
    return new model(map);
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

export class CdnCertificateService extends DomainCertificateAdapter<CdnClient> {
    /** Domains per BatchSetCdnDomainServerCertificate call; `batchSet` refuses more. */
    readonly batchSize: number;

    constructor(settings: ClientSettings, options: CdnServiceOptions = {}) {
        super(CDN, settings, (config: $OpenApiUtil.Config) => new CdnClient(config));
        this.batchSize = validBatchSize(options.batchSize ?? CDN_BATCH_SET.maxDomainsPerCall, "batchSize");
    }

    protected describeCertificateInfo(domainName: string): Promise<JsonObject> {
        return this.caller.call(this.describeCall(CDN.describeCertificateAction, domainName), async ({ client, runtime }) => {
            const request = new DescribeDomainCertificateInfoRequest({ domainName });
            return wireBody((await client.describeDomainCertificateInfoWithOptions(request, runtime)).body);
        });
    }

    protected describeDomainDetail(domainName: string): Promise<JsonObject> {
        return this.caller.call(this.describeCall(CDN.describeDomainAction, domainName), async ({ client, runtime }) => {
            const request = new DescribeCdnDomainDetailRequest({ domainName });
            return wireBody((await client.describeCdnDomainDetailWithOptions(request, runtime)).body);
        });
    }

    /** SetCdnDomainSSLCertificate for upload/cas; `free` goes through the legacy action. */
    async set(request: SetCertificateRequest): Promise<SetCertificateResult> {
        if (request.certType === "free") return this.setLegacy(request);
        const { domainName, ...fields } = request;
        const query = buildSetQuery(CDN.setParams, domainName, fields);
        const description = this.setCall(CDN.setAction, [domainName], request);
        const body = await this.caller.call(description, async ({ client, runtime }) => {
            const typed = typedRequest(SetCdnDomainSSLCertificateRequest, query);
            return wireBody((await client.setCdnDomainSSLCertificateWithOptions(typed, runtime)).body);
        });
        return requestIdOf(body);
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
