// The emulated cloud as data: what the state file holds. Certificates only, never a private key: the key is
// checked against the certificate when it arrives and then forgotten.
import type { PolicyDocument } from "../authentication/ramPolicy";
import type { FailedOutcome, RestingStatus } from "../domainStates";

/** The two products whose domains the emulator serves; each domain belongs to one. */
export type Product = "cdn" | "live";

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

/** The certificate service's two isolated centres (cas.aliyuncs.com and cas.ap-southeast-1.aliyuncs.com). */
export const CAS_REGIONS = ["cn-hangzhou", "ap-southeast-1"] as const;
export type CasRegion = (typeof CAS_REGIONS)[number];
export const DEFAULT_CAS_REGION: CasRegion = "cn-hangzhou";

/** How an entry came into the store: UploadUserCertificate, an upload-mode set on CDN or Live, or the seed. */
export type CasSource = "upload" | "cdn-set" | "live-set" | "seed";

/**
 * One certificate in the account's certificate service (CAS): the chain only, never a private key (the key an
 * upload or a set carries is checked against the leaf and dropped).
 */
export interface CasCertificateRecord {
    /** Numeric, unique within the account (both centres). */
    readonly certId: string;
    /** Unique within its centre (NameRepeat / Certificate.Duplicated). */
    readonly certName: string;
    /** PEM chain, leaf first. */
    readonly pem: string;
    readonly region: CasRegion;
    readonly source: CasSource;
    /** ISO time the entry was added. */
    readonly createdAt: string;
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
    /** The certificate-service centre the account's CAS calls address, and where its uploads land. */
    readonly casRegion: CasRegion;
    /** The account's certificate service: uploads, upload-mode sets (CDN; Live unless told otherwise) and the seed's. */
    readonly casCertificates: CasCertificateRecord[];
    /**
     * Live's own certificate names → SHA-256 of the leaf they name, used only when Live's uploads do not go to the
     * certificate service (option liveUploadToCas false): the old per-account rule for Certificate.Duplicated.
     */
    readonly liveCertificateNames: Record<string, string>;
    /** Keyed by lower-case domain name. */
    readonly domains: Record<string, DomainRecord>;
    /** The RAM policy the account's key pairs are limited to; absent: everything is allowed. */
    readonly ramPolicy?: PolicyDocument;
}

/** The state file's format. 1: names in `certificateNames`, the seed's CAS certificates apart (read and migrated). */
export const STATE_FORMAT_VERSION = 2;

export interface CloudState {
    readonly formatVersion: typeof STATE_FORMAT_VERSION;
    readonly accounts: AccountRecord[];
}
