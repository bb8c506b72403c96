// The port the lifecycle is written against. The lifecycle never sees an SDK, a request or a product name: it asks
// this interface to read and to set a domain's certificate, and the adapters in ../alicloud translate.
import type { CertType, ProductSpec } from "../alicloud/products";

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
    /**
     * The domain's own state: online, configuring, offline, ... Absent when the describe was asked not to read it
     * (`DescribeOptions.domainStatus: false`).
     */
    readonly domainStatus?: string;
}

export interface DescribeOptions {
    /**
     * Also read the domain's own state (DescribeCdnDomainDetail / DescribeLiveDomainDetail). That is a second call
     * on a lower limit (CDN 30/s against 100/s for the certificate read), so the lifecycle asks for it only where
     * it says something the certificate read does not. Default true.
     */
    readonly domainStatus?: boolean;
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
}

export interface SetCertificateResult {
    readonly requestId?: string;
}

export interface CertificateService {
    readonly product: ProductSpec;
    /** The deployed certificate of a domain; `undefined` when the domain does not exist (or is not this account's). */
    describe(domainName: string, options?: DescribeOptions): Promise<DeployedCertificate | undefined>;
    /** Send one set call. Throws an AlicloudApiError on an API error. */
    set(request: SetCertificateRequest): Promise<SetCertificateResult>;
}
