// The four describe actions. Each shows the configuration IN EFFECT: while a change is configuring, the old
// certificate, and the domain detail says `configuring`. The response shapes are each product's own.
import * as errors from "../errors";
import type { CertificateConfig, DomainRecord } from "../persistence/model";
import { factsOf, type CertificateFacts } from "./certificates";
import type { HandlerContext, ResponseBody } from "./context";

/** Alibaba's timestamp form: ISO 8601 in UTC without milliseconds. */
function acsTime(value: Date | string | number): string {
    return new Date(value).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function certLife(facts: CertificateFacts): string {
    const months = Math.max(1, Math.round((facts.notAfter.getTime() - facts.notBefore.getTime()) / (30 * 24 * 3600 * 1000)));
    return months % 12 === 0 ? `${months / 12} year${months === 12 ? "" : "s"}` : `${months} month${months === 1 ? "" : "s"}`;
}

function domainFor(ctx: HandlerContext): { domain: DomainRecord; configuring: boolean } {
    const name = ctx.params.get("DomainName")?.trim().toLowerCase();
    if (!name) throw errors.missingParameter("DomainName");
    const domain = ctx.store.findDomain(ctx.account, name);
    if (!domain || domain.product !== ctx.spec.product) throw errors.invalidDomainNotFound();
    const configuring = ctx.store.isConfiguring(domain, ctx.now());
    return { domain, configuring };
}

function domainStatus(domain: DomainRecord, configuring: boolean): string {
    if (domain.baseStatus === "offline") return "offline";
    return configuring ? "configuring" : "online";
}

function deployed(config: CertificateConfig): { pem: string; facts: CertificateFacts } | undefined {
    if (config.status !== "on" || !config.pem) return undefined;
    const facts = factsOf(config.pem);
    return facts ? { pem: config.pem, facts } : undefined;
}

function cdnCertInfo(domain: DomainRecord): Record<string, string> {
    const config = domain.current;
    const cert = deployed(config);
    const base = { DomainName: domain.domainName, ServerCertificateStatus: config.status, DomainCnameStatus: "online", Status: "success" };
    if (!cert) return base;
    return {
        ...base,
        CertName: config.certName ?? "",
        CertType: config.certType ?? "upload",
        CertId: config.certId ?? "",
        CertRegion: config.certRegion ?? "",
        ServerCertificate: cert.pem,
        CertStartTime: acsTime(cert.facts.notBefore),
        CertExpireTime: acsTime(cert.facts.notAfter),
        CertUpdateTime: acsTime(config.updatedAt ?? domain.modifiedAt),
        CertLife: certLife(cert.facts),
        CertOrg: cert.facts.organization,
        CertDomainName: cert.facts.commonName,
    };
}

function liveCertInfo(domain: DomainRecord): Record<string, string> {
    const config = domain.current;
    const cert = deployed(config);
    const base = { DomainName: domain.domainName, SSLProtocol: config.status, Status: "success" };
    if (!cert) return base;
    return {
        ...base,
        CertName: config.certName ?? "",
        CertType: config.certType ?? "upload",
        SSLPub: cert.pem,
        CertExpireTime: acsTime(cert.facts.notAfter),
        CertLife: certLife(cert.facts),
        CertOrg: cert.facts.organization,
        CertDomainName: cert.facts.commonName,
    };
}

export function describeCertificate(ctx: HandlerContext): ResponseBody {
    const { domain } = domainFor(ctx);
    const info = ctx.spec.product === "cdn" ? cdnCertInfo(domain) : liveCertInfo(domain);
    // Always an array, even for one domain: the typed client refuses an object here.
    return { CertInfos: { CertInfo: [info] } };
}

export function describeDomain(ctx: HandlerContext): ResponseBody {
    const { domain, configuring } = domainFor(ctx);
    const common = {
        DomainName: domain.domainName,
        DomainStatus: domainStatus(domain, configuring),
        Cname: domain.cname,
        GmtCreated: acsTime(domain.createdAt),
        GmtModified: acsTime(domain.modifiedAt),
        Description: "",
        Scope: "domestic",
    };
    if (ctx.spec.product === "cdn") {
        return {
            GetDomainDetailModel: {
                ...common,
                CdnType: "web",
                HttpsCname: domain.cname,
                ResourceGroupId: "rg-emulator",
                ServerCertificateStatus: domain.current.status,
                SourceModels: {
                    SourceModel: [{ Content: `origin.${domain.domainName}`, Type: "domain", Port: 80, Priority: "20", Weight: "10", Enabled: "online" }],
                },
            },
        };
    }
    const cert = deployed(domain.current);
    return {
        DomainDetail: {
            ...common,
            LiveDomainType: "liveVideo",
            Region: "cn-shanghai",
            SSLProtocol: domain.current.status,
            CertName: cert ? (domain.current.certName ?? "") : "",
            SSLPub: cert ? cert.pem : "",
        },
    };
}
