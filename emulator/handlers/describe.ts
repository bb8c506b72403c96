// The describe actions. While a change configures, the domain reads say `configuring`, and the certificate reads
// show either the configuration in effect or the change at once (`readDuringConfiguring`: no public source says
// which the real API does). The response shapes are each product's own (CERT_INFO, DOMAIN_DETAIL), from each SDK's
// response models: @alicloud/cdn20180510 5.0.0, live-20161101, @alicloud/dcdn20180115 2.5.0.
import { settle, statusAt } from "../domains/lifecycle";
import type { CertificateConfig, DomainRecord, Product } from "../domains/record";
import type { DomainStatus } from "../domains/statuses";
import * as errors from "../errors";
import { factsOf, type CertificateFacts } from "../certificates";
import { DOMAIN_NOT_FOUND } from "./actions";
import { domainProduct, type HandlerContext, type ResponseBody } from "./context";

/** Alibaba's timestamp form: ISO 8601 in UTC without milliseconds. */
export function acsTime(value: Date | string | number): string {
    return new Date(value).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function certLife(facts: CertificateFacts): string {
    const months = Math.max(1, Math.round((facts.notAfter.getTime() - facts.notBefore.getTime()) / (30 * 24 * 3600 * 1000)));
    return months % 12 === 0 ? `${months / 12} year${months === 12 ? "" : "s"}` : `${months} month${months === 1 ? "" : "s"}`;
}

function domainFor(ctx: HandlerContext): { domain: DomainRecord; status: DomainStatus } {
    const name = ctx.params.get("DomainName")?.trim().toLowerCase();
    if (!name) throw errors.missingParameter("DomainName");
    const domain = ctx.store.findDomain(ctx.account, name);
    if (!domain || domain.product !== ctx.spec.product) throw DOMAIN_NOT_FOUND[domainProduct(ctx)]();
    return { domain, status: statusAt(domain, ctx.now()) };
}

/** The configuration a certificate read shows now, under the emulator's read model. */
export function shownConfiguration(ctx: HandlerContext, domain: DomainRecord): CertificateConfig {
    const pending = settle(domain, ctx.now()).pending;
    if (!pending || ctx.behaviour.readDuringConfiguring === "old") return domain.current;
    if (pending.issue && ctx.now() < pending.issue.readyAt) {
        // Still being issued: there is no certificate to show yet.
        const { pem: _notYet, ...applying } = pending.config;
        return { ...applying, certificateStatus: "applying" };
    }
    return pending.config;
}

function deployed(config: CertificateConfig): { pem: string; facts: CertificateFacts } | undefined {
    if (config.status !== "on" || !config.pem) return undefined;
    const facts = factsOf(config.pem);
    return facts ? { pem: config.pem, facts } : undefined;
}

/** What every product's certificate read says of a deployed certificate, under the same names. */
function deployedFields(config: CertificateConfig, cert: { facts: CertificateFacts }): Record<string, string> {
    return {
        CertName: config.certName ?? "",
        CertType: config.certType ?? "upload",
        CertExpireTime: acsTime(cert.facts.notAfter),
        CertLife: certLife(cert.facts),
        CertOrg: cert.facts.organization,
        CertDomainName: cert.facts.commonName,
    };
}

/** The certificate service's entry a deployed certificate is, as CDN and DCDN report it (Live does not). */
function storedReference(config: CertificateConfig): Record<string, string> {
    return { CertId: config.certId ?? "", CertRegion: config.certRegion ?? "" };
}

function certificateStatus(config: CertificateConfig): string {
    return config.certificateStatus ?? "success";
}

function cdnCertInfo(domain: DomainRecord, config: CertificateConfig): Record<string, string> {
    const cert = deployed(config);
    const base = {
        DomainName: domain.domainName,
        ServerCertificateStatus: config.status,
        DomainCnameStatus: config.certificateStatus === "cname_error" ? "cname_error" : "ok",
        Status: certificateStatus(config),
        ...(config.certType === "free" ? { CertType: "free", CertName: config.certName ?? "" } : {}),
    };
    if (!cert) return base;
    return {
        ...base,
        ...deployedFields(config, cert),
        ...storedReference(config),
        ServerCertificate: cert.pem,
        CertStartTime: acsTime(cert.facts.notBefore),
        CertUpdateTime: acsTime(config.updatedAt ?? domain.modifiedAt),
    };
}

function liveCertInfo(domain: DomainRecord, config: CertificateConfig): Record<string, string> {
    const cert = deployed(config);
    // Live fills Status for free certificates only (DescribeLiveDomainCertificateInfoResponseBody).
    const base = {
        DomainName: domain.domainName,
        SSLProtocol: config.status,
        ...(config.certType === "free" ? { CertType: "free", CertName: config.certName ?? "", Status: certificateStatus(config) } : {}),
    };
    if (!cert) return base;
    return { ...base, ...deployedFields(config, cert), SSLPub: cert.pem };
}

/**
 * DCDN's CertInfo (DescribeDcdnDomainCertificateInfoResponseBodyCertInfosCertInfo): every field a string, CertId
 * included (a number in the set request). Status is documented for every certificate (success, checking, applying,
 * ..., failed), so it is always there.
 */
function dcdnCertInfo(domain: DomainRecord, config: CertificateConfig): Record<string, string> {
    const cert = deployed(config);
    const base = { DomainName: domain.domainName, SSLProtocol: config.status, Status: certificateStatus(config) };
    if (!cert) return base;
    return { ...base, ...deployedFields(config, cert), ...storedReference(config), SSLPub: cert.pem };
}

const CERT_INFO: Readonly<Record<Product, (domain: DomainRecord, config: CertificateConfig) => Record<string, string>>> = {
    cdn: cdnCertInfo,
    live: liveCertInfo,
    dcdn: dcdnCertInfo,
};

export function describeCertificate(ctx: HandlerContext): ResponseBody {
    const { domain } = domainFor(ctx);
    const config = shownConfiguration(ctx, domain);
    const info = CERT_INFO[domainProduct(ctx)](domain, config);
    // Always an array, even for one domain: the typed client refuses an object here.
    return { CertInfos: { CertInfo: [info] } };
}

/** The fields of a domain read every product has. */
interface CommonDetail {
    readonly DomainName: string;
    readonly DomainStatus: DomainStatus;
    readonly Cname: string;
    readonly GmtCreated: string;
    readonly GmtModified: string;
    readonly Description: string;
    readonly Scope: string;
}

const origin = (domain: DomainRecord) => ({
    Content: `origin.${domain.domainName}`,
    Type: "domain",
    Port: 80,
    Priority: "20",
    Weight: "10",
    Enabled: "online",
});

/** Each product's domain read: its wrapper and the fields past the common ones. */
const DOMAIN_DETAIL: Readonly<Record<Product, (common: CommonDetail, domain: DomainRecord, shown: CertificateConfig) => ResponseBody>> = {
    cdn: (common, domain, shown) => ({
        GetDomainDetailModel: {
            ...common,
            CdnType: "web",
            HttpsCname: domain.cname,
            ResourceGroupId: "rg-emulator",
            ServerCertificateStatus: shown.status,
            SourceModels: { SourceModel: [origin(domain)] },
        },
    }),
    live: (common, _domain, shown) => {
        const cert = deployed(shown);
        return {
            DomainDetail: {
                ...common,
                LiveDomainType: "liveVideo",
                Region: "cn-shanghai",
                SSLProtocol: shown.status,
                CertName: cert ? (shown.certName ?? "") : "",
                SSLPub: cert ? cert.pem : "",
            },
        };
    },
    // DescribeDcdnDomainDetailResponseBodyDomainDetail: no CertName (an older doc listed one; the 2.5.0 model has
    // none), SSLPub "the public key of the certificate if HTTPS is enabled", the origins in Sources.Source[].
    dcdn: (common, domain, shown) => {
        const cert = deployed(shown);
        return {
            DomainDetail: {
                ...common,
                ResourceGroupId: "rg-emulator",
                SSLProtocol: shown.status,
                SSLPub: cert ? cert.pem : "",
                Sources: { Source: [origin(domain)] },
            },
        };
    },
};

export function describeDomain(ctx: HandlerContext): ResponseBody {
    const { domain, status } = domainFor(ctx);
    const common: CommonDetail = {
        DomainName: domain.domainName,
        DomainStatus: status,
        Cname: domain.cname,
        GmtCreated: acsTime(domain.createdAt),
        GmtModified: acsTime(domain.modifiedAt),
        Description: "",
        Scope: "domestic",
    };
    return DOMAIN_DETAIL[domainProduct(ctx)](common, domain, shownConfiguration(ctx, domain));
}
