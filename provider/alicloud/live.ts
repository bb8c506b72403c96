// The ApsaraVideo Live adapter. There is no Live SDK package on the registry, so every Live action goes through
// the generic call; what remains Live-specific is only which actions and parameter names (all in products.ts).

import OpenApi, { $OpenApiUtil } from "@alicloud/openapi-core";
import type { SetCertificateRequest, SetCertificateResult } from "../lifecycle/port";
import { ClientSettings, DomainCertificateAdapter, requestIdOf } from "./caller";
import { LIVE } from "./products";
import { buildSetQuery, JsonObject } from "./wire";

export class LiveCertificateService extends DomainCertificateAdapter<OpenApi> {
    constructor(settings: ClientSettings) {
        super(LIVE, settings, (config: $OpenApiUtil.Config) => new OpenApi(config));
    }

    protected describeCertificateInfo(domainName: string): Promise<JsonObject> {
        return this.caller.callRpc(this.describeCall(LIVE.describeCertificateAction, domainName), { DomainName: domainName });
    }

    protected describeDomainDetail(domainName: string): Promise<JsonObject> {
        return this.caller.callRpc(this.describeCall(LIVE.describeDomainAction, domainName), { DomainName: domainName });
    }

    /** SetLiveDomainCertificate: upload, cas and free alike. */
    async set(request: SetCertificateRequest): Promise<SetCertificateResult> {
        const { domainName, ...fields } = request;
        const query = buildSetQuery(LIVE.setParams, domainName, fields);
        return requestIdOf(await this.caller.callRpc(this.setCall(LIVE.setAction, [domainName], request), query));
    }
}
