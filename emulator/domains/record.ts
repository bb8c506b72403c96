// A domain as the emulated cloud keeps it: its product, the HTTPS configuration it serves, the state it rests in and
// the change it has in progress. The state file holds one such record per domain (persistence/model.ts);
// lifecycle.ts decides, from the record, which state the domain is in at a given time.
import type { FailedOutcome, RestingStatus } from "./statuses";

/** The products whose domains the emulator serves (CDN, ApsaraVideo Live, DCDN); each domain belongs to one. */
export const PRODUCTS_WITH_DOMAINS = ["cdn", "live", "dcdn"] as const;
export type Product = (typeof PRODUCTS_WITH_DOMAINS)[number];

/**
 * The CNAME a product gives its domains, in the shape Alibaba's have (the real suffixes vary by account and time):
 * DescribeCdnDomainDetail's `Cname` and DescribeDcdnDomainDetail's report it.
 */
export const CNAME_SUFFIX: Readonly<Record<Product, string>> = {
    cdn: "w.kunlunsl.com",
    live: "livecdn.alikunlun.com",
    dcdn: "w.kunluncan.com",
};

export function isProduct(value: unknown): value is Product {
    return typeof value === "string" && (PRODUCTS_WITH_DOMAINS as readonly string[]).includes(value);
}

export const CERT_TYPES = ["upload", "cas", "free"] as const;
export type CertType = (typeof CERT_TYPES)[number];

/**
 * The `Status` a certificate read reports (DescribeDomainCertificateInfo's CertInfo.Status in cdn20180510 5.0.0):
 * `success` once the certificate is in effect; a free certificate is `applying` while it is issued, or ends in one
 * of the failure values.
 */
export type CertificateStatus =
    | "success"
    | "checking"
    | "applying"
    | "cname_error"
    | "top_domain_cname_error"
    | "domain_invalid"
    | "unsupport_wildcard"
    | "get_token_timeout"
    | "check_token_timeout"
    | "get_cert_timeout"
    | "failed";
export type SslStatus = "on" | "off";

/** The HTTPS configuration of a domain, as it is (or will be) in effect. */
export interface CertificateConfig {
    readonly status: SslStatus;
    readonly certName?: string;
    readonly certType?: CertType;
    readonly certId?: string;
    readonly certRegion?: string;
    /** The deployed chain, leaf first. Absent when status is off, and for a free certificate that was not issued. */
    readonly pem?: string;
    /** What the certificate read reports as `Status`. Absent means `success`. */
    readonly certificateStatus?: CertificateStatus;
    /** ISO time of the set call that produced this configuration. */
    readonly updatedAt?: string;
    /**
     * The account's certificate-service entry this configuration serves (a `cas` set, or an upload-mode set whose
     * certificate went into the store): what decides that an entry is in use. Internal; never reported.
     */
    readonly casCertId?: string;
}

export interface DomainRecord {
    readonly domainName: string;
    readonly product: Product;
    /** The state the domain rests in (seed, hook, or where a change ended). `configuring` is derived from `pending`. */
    baseStatus: RestingStatus;
    readonly cname: string;
    readonly createdAt: string;
    modifiedAt: string;
    /** The configuration in effect now (what describe shows). */
    current: CertificateConfig;
    /** A change accepted but not yet in effect: the domain is `configuring` until it ends (domains/lifecycle.ts). */
    pending?: PendingChange;
}

/** A change in progress. Times are milliseconds on the emulator's clock. */
export interface PendingChange {
    readonly config: CertificateConfig;
    /** When the set was accepted. */
    readonly acceptedAt: number;
    /** When the change ends: in effect, or in `endsIn`. */
    readonly effectiveAt: number;
    /** Set by a `configure-failed` / `check-failed` fault: the domain ends in this state, serving what it served before. */
    readonly endsIn?: FailedOutcome;
    /**
     * A free certificate being issued: until `readyAt` the certificate read says `applying`; then either the issued
     * certificate configures until `effectiveAt`, or (`outcome` other than success) the application ends failed.
     */
    readonly issue?: { readonly readyAt: number; readonly outcome: CertificateStatus };
}
