// The emulated cloud as data: what the state file holds. Certificates only, never a private key: the key is
// checked against the certificate when it arrives and then forgotten.
import type { Product } from "../seed";

export type CertType = "upload" | "cas" | "free";
export type SslStatus = "on" | "off";

/** The HTTPS configuration of a domain, as it is (or will be) in effect. */
export interface CertificateConfig {
    readonly status: SslStatus;
    readonly certName?: string;
    readonly certType?: CertType;
    readonly certId?: string;
    readonly certRegion?: string;
    /** The deployed chain, leaf first. Absent when status is off. */
    readonly pem?: string;
    /** ISO time of the set call that produced this configuration. */
    readonly updatedAt?: string;
}

export interface DomainRecord {
    readonly domainName: string;
    readonly product: Product;
    /** What the operator set (seed). `configuring` is derived from `pending`, never stored here. */
    baseStatus: "online" | "offline";
    readonly cname: string;
    readonly createdAt: string;
    modifiedAt: string;
    /** The configuration in effect now (what describe shows). */
    current: CertificateConfig;
    /** A change accepted but not yet in effect: the domain is `configuring` until `effectiveAt` (epoch ms). */
    pending?: { readonly config: CertificateConfig; readonly effectiveAt: number };
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
}

export interface CloudState {
    readonly formatVersion: 1;
    readonly accounts: AccountRecord[];
}
