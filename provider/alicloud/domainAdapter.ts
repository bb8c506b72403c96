// The adapter every product shares, driven by the product table: the lifecycle's CertificateService port over the
// product's describe, listing and set actions (its batch set and its set for `free` where it has them), every call
// through the ApiCaller (caller.ts).
import type { CertificateService, DeployedCertificate, SetCertificateRequest, SetCertificateResult, SetManyCapability } from "../lifecycle/port";
import { isDomainNotFound } from "../apiErrors";
import type { ActionSpec, ProductSpec, SetActionSpec } from "../products";
import { isBatchable, validBatchSize, type BatchSetCertificateRequest } from "./batchSet";
import { ApiCaller, type CallDescription, type ClientSettings } from "./caller";
import { AccountListingStateReader, ListingStateReader, type DomainStateReader, type ListingPage } from "./domainStateReader";
import { buildSetQuery, certificateEntry, domainStatesFromListing, type JsonObject, toDeployedCertificate, valueAt, type SetCertificateFields } from "./wire";

export interface AdapterOptions {
    /**
     * Domains per call of the product's batch set: 1 to its `largestDomainsPerCall`. Default its
     * `maxDomainsPerCall`, the number every version of its docs allows (CDN, DCDN: 10).
     */
    readonly batchSize?: number;
}

/**
 * A product's CertificateService, all from its product table: `describe` = the certificate read, with "domain not
 * found" as undefined; `domainStatus` = the table's bulk listing or the domain's detail; `set` = the table's set
 * action with its parameter names (its `freeSet` for `free`, CDN's legacy action); `setMany` = its batch set, where
 * it has one (CDN, DCDN).
 */
export class DomainCertificateAdapter implements CertificateService {
    protected readonly caller: ApiCaller;
    private readonly states: DomainStateReader;
    /** Domains per batch set call (undefined without a batch set); `batchSet` refuses more. */
    readonly batchSize: number | undefined;
    readonly setMany: SetManyCapability | undefined;

    constructor(
        readonly product: ProductSpec,
        settings: ClientSettings,
        options: AdapterOptions = {},
    ) {
        this.caller = new ApiCaller(product, settings);
        this.states = product.domainListing.byName
            ? new ListingStateReader(this.caller, product.domainListing, settings.clock)
            : new AccountListingStateReader(this.caller, product, (page, before) => this.listPage(page, before), settings.clock);
        const batch = product.batchSet;
        this.batchSize = batch && validBatchSize(batch, options.batchSize ?? batch.maxDomainsPerCall, "batchSize");
        this.setMany = batch && { maxDomains: this.batchSize!, accepts: isBatchable, send: (request) => this.batchSet(request) };
    }

    domainStatus(domainName: string): Promise<string | undefined> {
        return this.states.read(domainName);
    }

    async listDomains(): Promise<{ domainName: string; domainStatus: string }[]> {
        const domains: { domainName: string; domainStatus: string }[] = [];
        for (let page = 1; ; page++) {
            const { states, last } = await this.listPage(page, domains.length);
            for (const [domainName, domainStatus] of states) domains.push({ domainName, domainStatus });
            if (last) return domains;
        }
    }

    /** One page of the account's listing, every state shown, after `before` domains read on the pages before it. */
    async listPage(page: number, before: number): Promise<ListingPage> {
        const listing = this.product.domainListing;
        const body = await this.caller.callRpc(
            { action: listing.action, domainNames: [] },
            { ...listing.query, PageSize: String(listing.pageSize), PageNumber: String(page) },
        );
        const states = domainStatesFromListing(listing, body);
        const reported = Number(valueAt(body, [listing.totalCount]));
        const total = Number.isFinite(reported) ? reported : undefined;
        // The last page: a short one, or the total reached (a page of exactly pageSize may be the last).
        const last = states.size < listing.pageSize || (total !== undefined && before + states.size >= total) || page >= 100_000;
        return { states, total, last };
    }

    /** The raw (PascalCase JSON) response of one of the product's describe actions for one domain. */
    private read(action: ActionSpec, domainName: string): Promise<JsonObject> {
        return this.caller.callRpc({ action, domainNames: [domainName] }, { DomainName: domainName });
    }

    /**
     * The product's set action (SetCdnDomainSSLCertificate, SetLiveDomainCertificate, SetDcdnDomainSSLCertificate)
     * with the full parameter set; `free` through the product's `freeSet` where it has one.
     */
    async set(request: SetCertificateRequest): Promise<SetCertificateResult> {
        const { domainName, ...fields } = request;
        if (request.certType === "free" && this.product.freeSet) return this.setWith(this.product.freeSet, [domainName], fields);
        const query = buildSetQuery(this.product.setParams, domainName, fields);
        return requestIdOf(await this.caller.callRpc(this.setCall(this.product.setAction, [domainName], request), query));
    }

    /**
     * The product's batch set (BatchSetCdnDomainServerCertificate, BatchSetDcdnDomainCertificate): one certificate on
     * up to `batchSize` domains in one call. All or nothing: one domain it refuses fails the whole call.
     */
    async batchSet(request: BatchSetCertificateRequest): Promise<SetCertificateResult> {
        const batch = this.product.batchSet;
        if (!batch) throw new RangeError(`${this.product.displayName} has no batch set action`);
        const { domainNames, ...fields } = request;
        return this.setWith(batch, domainNames, fields);
    }

    /** One call of a set action of the product's table other than its main one, on these domains. */
    async setWith(action: SetActionSpec, domainNames: readonly string[], fields: SetCertificateFields): Promise<SetCertificateResult> {
        const limit = action === this.product.batchSet ? this.batchSize! : action.maxDomainsPerCall;
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

    async describe(domainName: string): Promise<DeployedCertificate | undefined> {
        let certificateInfo: JsonObject;
        try {
            certificateInfo = await this.read(this.product.describeCertificateAction, domainName);
        } catch (error) {
            if (isDomainNotFound(error)) return undefined;
            throw error;
        }
        // The certificate read answers InvalidDomain.NotFound for a domain that does not exist; should it answer an
        // empty list instead, the domain's state tells "gone" from "HTTPS off", so a refresh never mistakes a deleted
        // domain for drift.
        if (certificateEntry(this.product.certificateInfo, domainName, certificateInfo) === undefined && (await this.domainStatus(domainName)) === undefined) {
            return undefined;
        }
        return toDeployedCertificate(this.product, domainName, certificateInfo);
    }

    protected setCall(action: ActionSpec, domainNames: readonly string[], request: { privateKey?: string; certificate?: string }): CallDescription {
        return { action, domainNames, sensitiveValues: [request.privateKey, request.certificate], changes: true };
    }
}

/** The request id of a set response, when the API sent one. */
export function requestIdOf(body: JsonObject): SetCertificateResult {
    const requestId = body.RequestId;
    return typeof requestId === "string" && requestId !== "" ? { requestId } : {};
}
