// The emulated cloud as data: what the state file holds. Certificates only, never a private key: the key is
// checked against the certificate when it arrives and then forgotten.
import type { PolicyDocument } from "../authentication/ramPolicy";
import type { FailedOutcome, RestingStatus } from "../domainStates";
import type { Product } from "../seed";

export type CertType = "upload" | "cas" | "free";

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
    /** A change accepted but not yet in effect: the domain is `configuring` until it ends. */
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

export interface CasCertificateRecord {
    readonly certId: string;
    readonly certName: string;
    readonly pem: string;
    readonly region: string;
}

export interface StsTokenRecord {
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    readonly securityToken: string;
    readonly expiration?: string;
}

export interface AccountRecord {
    /** The emulator account's own access key (a seed value, not a private key of any certificate). */
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    readonly stsTokens: StsTokenRecord[];
    readonly casCertificates: CasCertificateRecord[];
    /** Uploaded certificate names in this account → SHA-256 of the leaf they name (for Certificate.Duplicated). */
    readonly certificateNames: Record<string, string>;
    /** Keyed by lower-case domain name. */
    readonly domains: Record<string, DomainRecord>;
    /** The RAM policy the account's key pairs are limited to; absent: everything is allowed. */
    readonly ramPolicy?: PolicyDocument;
}

export interface CloudState {
    readonly formatVersion: 1;
    readonly accounts: AccountRecord[];
}
