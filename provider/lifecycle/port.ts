// The port the lifecycle is written against. The lifecycle never sees an SDK, a request or a product name: it asks
// this interface to read and to set a domain's certificate, and the adapters in ../alicloud translate.
import type { CertRegion, CertType, ProductSpec } from "../products";

export type SslStatus = "on" | "off";

/** What the cloud says is deployed on a domain right now. */
export interface DeployedCertificate {
    readonly domainName: string;
    /** Whether HTTPS is on for the domain. */
    readonly status: SslStatus;
    /** The deployed chain as the API returns it (PEM), when status is on. */
    readonly certificatePem?: string;
    readonly certName?: string;
    readonly certType?: string;
    readonly certId?: string;
    /** The certificate read's `Status`: `success`, or for a free certificate `applying`, `checking` or a failure. */
    readonly certificateStatus?: string;
    /** The domain's own state (online, configuring, ...), when the lifecycle read it beside the certificate. */
    readonly domainStatus?: string;
}

/** One full set call: every parameter, every time (never only the changed fields). */
export interface SetCertificateRequest {
    readonly domainName: string;
    readonly status: SslStatus;
    readonly certType: CertType;
    /** PEM chain, leaf first; required when status is on and certType is upload. */
    readonly certificate?: string;
    /** PEM key; required with certificate. Never logged. */
    readonly privateKey?: string;
    readonly certName?: string;
    /** For cas: the certificate's id in Alibaba Cloud's certificate service, and its region. */
    readonly certId?: string;
    readonly certRegion?: string;
    readonly forceSet?: boolean;
    /**
     * A cas set whose `certName` is the stored certificate's own name in the certificate service (the lifecycle
     * uploaded it, or found it there): an action that names a cas certificate by CertName (CDN's batch action, Live's
     * set) then deploys exactly the certificate `certId` names. A user's `certType: "cas"` with a `certName` of their
     * choosing is not one.
     */
    readonly namesStoredCertificate?: boolean;
}

export interface SetCertificateResult {
    readonly requestId?: string;
}

/** One set call for several domains, with the same parameters on each. */
export interface SetManyRequest extends Omit<SetCertificateRequest, "domainName"> {
    readonly domainNames: readonly string[];
}

/**
 * A product's set of one certificate on several domains in one call (CDN: BatchSetCdnDomainServerCertificate). All
 * or nothing: a domain it refuses fails the whole call. The lifecycle's batching (./batching.ts) gathers the sets
 * that meet in a short window into such calls; a product without one (Live) sets each domain on its own.
 */
export interface SetManyCapability {
    /** Domains per call. */
    readonly maxDomains: number;
    /** Whether a set may go out in a shared call: the parameters the product's call takes (the adapter's rules). */
    accepts(request: SetCertificateRequest): boolean;
    send(request: SetManyRequest): Promise<SetCertificateResult>;
}

export interface CertificateService {
    readonly product: ProductSpec;
    /**
     * The certificate read (the domain's own state is `domainStatus`); `undefined` when the domain does not exist (or
     * is not this account's).
     */
    describe(domainName: string): Promise<DeployedCertificate | undefined>;
    /**
     * The domain's own state (online, configuring, offline, configure_failed, ...); `undefined` when the domain does
     * not exist. Read in bulk where the product can (CDN lists 50 domains per call), so that polling it while a
     * change configures costs a fiftieth of a call per domain.
     */
    domainStatus(domainName: string): Promise<string | undefined>;
    /** Every domain of the account for this product, with its state (paged; every state shown). */
    listDomains(): Promise<{ readonly domainName: string; readonly domainStatus: string }[]>;
    /** Send one set call. Throws an AlicloudApiError on an API error. */
    set(request: SetCertificateRequest): Promise<SetCertificateResult>;
    /** One call for several domains, where the product has one. */
    readonly setMany?: SetManyCapability;
    /**
     * How many sets that arrive together this service sends in one call (a batching service's batch size; 1: each
     * its own call). Absent where the service does not say.
     */
    readonly setsPerCall?: number;
}

/** A certificate the account's certificate service holds (one region's store). */
export interface StoredCertificate {
    /** Its numeric id in that region, as text. */
    readonly certId: string;
    /** Its name, unique in the account. */
    readonly name: string;
    readonly region: CertRegion;
    /** SHA-256 of its leaf's DER, lowercase hex, when the service reports it (the listing's and the detail's Sha2). */
    readonly fingerprint?: string;
    /** Its serial number, lowercase hex without leading zeros (the service pads it with zeros). */
    readonly serialNumber?: string;
}

/**
 * The account's certificate service in one region (UploadUserCertificate and friends, 2020-04-07): where every
 * uploaded certificate lands and from which the products deploy by reference. The lifecycle decides what to upload,
 * reuse and delete (storedCertificates.ts); this only carries it.
 */
export interface CertificateStore {
    readonly region: CertRegion;
    /** Whose service it is (the account, at its endpoint): uploads are shared by every resource of one account. */
    owner(): Promise<string>;
    /** The valid certificates whose domain names contain `keyword` (the listing's own matching; "" lists them all), every page. */
    find(keyword: string): Promise<StoredCertificate[]>;
    /** One certificate with its PEM chain; `undefined` when the id names none. */
    get(certId: string): Promise<(StoredCertificate & { readonly certificatePem?: string }) | undefined>;
    /** Uploads a certificate and its key (the only call that carries a key); throws on a refusal (a name held, ...). */
    upload(name: string, certificatePem: string, privateKeyPem: string): Promise<StoredCertificate>;
    /** Deletes a certificate: `gone` when the id named none. Throws on a refusal (in use, ...). */
    remove(certId: string): Promise<"removed" | "gone">;
}

/**
 * Where a resource's messages go: progress lines, a preview's note, a warning. The engine's Log RPC in a run
 * (../engine/engineLog.ts, wired by ../runtime.ts); nowhere, or a test's list, otherwise.
 */
export interface ProgressSink {
    report(message: string): void;
    /** Release, once what was reported has gone out (or after a second); idempotent. */
    close(): Promise<void> | void;
}
