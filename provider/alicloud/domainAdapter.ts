// The adapter both products share, driven by the product table: the lifecycle's CertificateService port over the
// product's describe, listing and set actions, every call through the ApiCaller (caller.ts).
import type { CertificateService, DeployedCertificate, SetCertificateRequest, SetCertificateResult } from "../lifecycle/port";
import { isDomainNotFound } from "../apiErrors";
import type { ActionSpec, ProductSpec } from "../products";
import { ApiCaller, type CallDescription, type ClientSettings } from "./caller";
import { DetailStateReader, ListingStateReader, type DomainStateReader } from "./domainStateReader";
import { buildSetQuery, certificateEntry, domainStatesFromListing, JsonObject, toDeployedCertificate, valueAt } from "./wire";

/**
 * A product's CertificateService, all from its product table: `describe` = the certificate read, with "domain not
 * found" as undefined; `domainStatus` = the table's bulk listing or the domain's
 * detail; `set` = the table's set action with its parameter names. Live is exactly this; CDN adds its other two set
 * actions (cdn.ts).
 */
export class DomainCertificateAdapter implements CertificateService {
    protected readonly caller: ApiCaller;
    private readonly states: DomainStateReader;

    constructor(
        readonly product: ProductSpec,
        settings: ClientSettings,
    ) {
        this.caller = new ApiCaller(product, settings);
        this.states = product.domainListing.byName
            ? new ListingStateReader(this.caller, product.domainListing, settings.clock)
            : new DetailStateReader(this.caller, product);
    }

    domainStatus(domainName: string): Promise<string | undefined> {
        return this.states.read(domainName);
    }

    async listDomains(): Promise<{ domainName: string; domainStatus: string }[]> {
        const listing = this.product.domainListing;
        const domains: { domainName: string; domainStatus: string }[] = [];
        for (let page = 1; ; page++) {
            const body = await this.caller.callRpc(
                { action: listing.action, domainNames: [] },
                { ...listing.query, PageSize: String(listing.pageSize), PageNumber: String(page) },
            );
            const entries = domainStatesFromListing(listing, body);
            for (const [domainName, domainStatus] of entries) domains.push({ domainName, domainStatus });
            const total = Number(valueAt(body, [listing.totalCount]));
            // The last page: a short one, or the total reached (a page of exactly pageSize may be the last).
            if (entries.size < listing.pageSize || (Number.isFinite(total) && domains.length >= total) || page >= 100_000) return domains;
        }
    }

    /** The raw (PascalCase JSON) response of one of the product's describe actions for one domain. */
    private read(action: ActionSpec, domainName: string): Promise<JsonObject> {
        return this.caller.callRpc({ action, domainNames: [domainName] }, { DomainName: domainName });
    }

    /** The product's set action (SetCdnDomainSSLCertificate, SetLiveDomainCertificate) with the full parameter set. */
    async set(request: SetCertificateRequest): Promise<SetCertificateResult> {
        const { domainName, ...fields } = request;
        const query = buildSetQuery(this.product.setParams, domainName, fields);
        return requestIdOf(await this.caller.callRpc(this.setCall(this.product.setAction, [domainName], request), query));
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
    const requestId = body["RequestId"];
    return typeof requestId === "string" && requestId !== "" ? { requestId } : {};
}
