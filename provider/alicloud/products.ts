// The two products differ only in names, limits and vocabulary. Everything that differs lives in this table so
// that the lifecycle, the client layer and the pacing are written once.

export type ProductId = "cdn" | "live";

/** A certificate type the set action accepts. `free` is a product-managed certificate (no PEM from the user). */
export type CertType = "upload" | "cas" | "free";

export interface ActionSpec {
    /** The API action name, as sent in `x-acs-action` / `Action`. */
    readonly name: string;
    /** The documented per-account limit, in calls per second (wire-contract.md). */
    readonly callsPerSecond: number;
}

export interface ProductSpec {
    readonly id: ProductId;
    /** How users name the product in messages. */
    readonly displayName: string;
    /** The Pulumi type token of the resource (readable in URNs). */
    readonly resourceType: string;
    /** The API version string sent with every call. */
    readonly apiVersion: string;
    /** The public endpoint host when nothing overrides it. */
    readonly defaultEndpoint: string;
    /** Stack config key (namespace `alicloud-certs`) that overrides the endpoint. */
    readonly endpointConfigKey: string;
    /** Environment variable that overrides the endpoint (below stack config). */
    readonly endpointEnvVar: string;
    /** The single-domain set action the lifecycle uses for `upload` and `cas`. */
    readonly setAction: ActionSpec;
    /** Parameter names of `setAction`. */
    readonly setParams: {
        readonly status: string;
        readonly certificate: string;
        readonly privateKey: string;
    };
    /** The action that reads the deployed certificate of a domain. */
    readonly describeCertificateAction: ActionSpec;
    /** The action that reads the domain itself (status: online, configuring, ...). */
    readonly describeDomainAction: ActionSpec;
    /** Certificate types the product's set action accepts. */
    readonly certTypes: readonly CertType[];
}

export const CDN: ProductSpec = {
    id: "cdn",
    displayName: "CDN",
    resourceType: "alicloud-certs:cdn:DomainCertificate",
    apiVersion: "2018-05-10",
    defaultEndpoint: "cdn.aliyuncs.com",
    endpointConfigKey: "cdnEndpoint",
    endpointEnvVar: "ALICLOUD_CDN_ENDPOINT",
    setAction: { name: "SetCdnDomainSSLCertificate", callsPerSecond: 30 },
    setParams: { status: "SSLProtocol", certificate: "SSLPub", privateKey: "SSLPri" },
    describeCertificateAction: { name: "DescribeDomainCertificateInfo", callsPerSecond: 100 },
    describeDomainAction: { name: "DescribeCdnDomainDetail", callsPerSecond: 30 },
    // `free` is not accepted by SetCdnDomainSSLCertificate; it goes through the legacy SetDomainServerCertificate.
    certTypes: ["upload", "cas", "free"],
};

/** CDN actions outside the single-domain path: the legacy set (the only one taking `free`) and the batch set. */
export const CDN_LEGACY_SET: ActionSpec = { name: "SetDomainServerCertificate", callsPerSecond: 10 };
export const CDN_BATCH_SET: ActionSpec = { name: "BatchSetCdnDomainServerCertificate", callsPerSecond: 10 };

export const LIVE: ProductSpec = {
    id: "live",
    displayName: "ApsaraVideo Live",
    resourceType: "alicloud-certs:live:LiveDomainCertificate",
    apiVersion: "2016-11-01",
    defaultEndpoint: "live.aliyuncs.com",
    endpointConfigKey: "liveEndpoint",
    endpointEnvVar: "ALICLOUD_LIVE_ENDPOINT",
    setAction: { name: "SetLiveDomainCertificate", callsPerSecond: 30 },
    setParams: { status: "SSLProtocol", certificate: "SSLPub", privateKey: "SSLPri" },
    describeCertificateAction: { name: "DescribeLiveDomainCertificateInfo", callsPerSecond: 100 },
    describeDomainAction: { name: "DescribeLiveDomainDetail", callsPerSecond: 50 },
    certTypes: ["upload", "cas", "free"],
};

export const PRODUCTS: Readonly<Record<ProductId, ProductSpec>> = { cdn: CDN, live: LIVE };
