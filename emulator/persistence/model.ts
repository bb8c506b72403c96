// The emulated cloud as data: what the state file holds. Its accounts, each with its domains' records
// (domains/record.ts) and its certificate service's entries. Certificates only, never a private key: the key is
// checked against the certificate when it arrives and then forgotten.
import type { PolicyDocument } from "../ramPolicy";
import type { CasRegion } from "../casRegions";
import type { DomainRecord, Product } from "../domains/record";

/** How an entry came into the store: UploadUserCertificate, an upload-mode set of a product (CDN, Live, DCDN), or the seed. */
export type CasSource = "upload" | `${Product}-set` | "seed";

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
