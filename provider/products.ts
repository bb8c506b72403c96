// The products differ only in names, limits and vocabulary. Everything that differs lives in this table so
// that the lifecycle, the client layer and the pacing are written once. Every API this package calls (the products,
// and the account's certificate service, ./certificateStore.ts) is an ApiSpec: its version, where it is, and the
// RAM code of its actions.

export type ProductId = "cdn" | "live" | "dcdn";

/** A certificate type the set action accepts. `free` is a product-managed certificate (no PEM from the user). */
export type CertType = "upload" | "cas" | "free";

export interface ActionSpec {
    /** The API action name, as sent in `x-acs-action` / `Action`. */
    readonly name: string;
    /** The documented per-account limit, in calls per second (the "QPS limit" note on the action's API page). */
    readonly callsPerSecond: number;
}

/**
 * Wire names of a set action's parameters. A name is absent when the action does not take that parameter: the
 * client then never sends it (CDN's SetCdnDomainSSLCertificate has no ForceSet; Live's set has no CertId).
 */
export interface SetParamNames {
    readonly domainName: string;
    readonly status: string;
    readonly certificate: string;
    readonly privateKey: string;
    readonly certName: string;
    readonly certType: string;
    readonly certId?: string;
    readonly certRegion?: string;
    readonly forceSet?: string;
}

/** A set action outside the product's main path (CDN's legacy set, the batch sets): its own parameter names and types. */
export interface SetActionSpec extends ActionSpec {
    readonly params: SetParamNames;
    readonly certTypes: readonly CertType[];
    /**
     * How many comma-separated domains one call carries by default (1 for single-domain actions). For a batch
     * action this is a setting (`alicloud-certs:<product>BatchSize`) bounded by `largestDomainsPerCall`.
     */
    readonly maxDomainsPerCall: number;
    /** The most any document allows per call; a setting may raise `maxDomainsPerCall` up to this, never above. */
    readonly largestDomainsPerCall: number;
}

/**
 * A product's batch set: one certificate on several domains in one call, comma-separated in DomainName. All or
 * nothing (one domain it refuses fails the call). Sets of the process that may share a call meet in the batching
 * window (lifecycle/batching.ts); its two settings are stack config keys of their own per product, so that a typo
 * in one product's fails that product only.
 */
export interface BatchSetSpec extends SetActionSpec {
    /** Stack config key (namespace `alicloud-certs`) of the domains per call, 1..largestDomainsPerCall. */
    readonly batchSizeConfigKey: string;
    /** Stack config key (namespace `alicloud-certs`) of the batching window in milliseconds. */
    readonly batchWindowConfigKey: string;
}

/** JSON response field names (as on the wire, PascalCase) of a describe-certificate action. */
export interface CertificateInfoShape {
    /** Path to the array of per-domain entries, e.g. CertInfos.CertInfo. */
    readonly listPath: readonly string[];
    readonly domainName: string;
    /** on / off. */
    readonly status: string;
    /** The deployed chain, PEM. */
    readonly certificatePem: string;
    readonly certName: string;
    readonly certType: string;
    /** Absent when the product does not report it. */
    readonly certId?: string;
    /** The certificate's `Status`: success, or a free certificate's applying / checking / failure value. */
    readonly certificateStatus: string;
}

/** JSON response field names of a describe-domain action. */
export interface DomainDetailShape {
    /** Path to the object describing the domain, e.g. GetDomainDetailModel. */
    readonly objectPath: readonly string[];
    readonly domainStatus: string;
}

/**
 * How a product lists the account's domains with their states (DescribeUserDomains, DescribeLiveUserDomains): a page
 * at a time for a group's `matchDomains`, and, where the product can name several domains in one call (`byName`),
 * the states of those domains while their changes configure.
 */
export interface DomainListingShape {
    readonly action: ActionSpec;
    /** The largest page the action takes. */
    readonly pageSize: number;
    /** Sent with every call. */
    readonly query: Readonly<Record<string, string>>;
    readonly listPath: readonly string[];
    readonly domainName: string;
    readonly domainStatus: string;
    /** The total the answer reports, to know when the last page has come. */
    readonly totalCount: string;
    /**
     * Whether the listing shows a domain in every state, so that a domain it does not return is not the account's.
     * CDN's and DCDN's do with CheckDomainShow=true; Live's listing has no such parameter, and no page says it shows
     * domains under review or failed to configure, so a Live domain missing from it is read on its own.
     */
    readonly listsEveryState: boolean;
    /** Naming the domains: how many one call may name (comma-separated), and what else such a call sends. */
    readonly byName?: { readonly namesPerCall: number; readonly query: Readonly<Record<string, string>> };
}

/** One Alibaba Cloud API: what every call to it carries, and where it is. */
export interface ApiSpec {
    /** How users name the product in messages. */
    readonly displayName: string;
    /** The API version string sent with every call. */
    readonly apiVersion: string;
    /** The public endpoint host when nothing overrides it. */
    readonly defaultEndpoint: string;
    /** Stack config key (namespace `alicloud-certs`) that overrides the endpoint. */
    readonly endpointConfigKey: string;
    /** Environment variable that overrides the endpoint (below stack config). */
    readonly endpointEnvVar: string;
    /** The product code of its actions in a RAM policy: `cdn:SetCdnDomainSSLCertificate`, `yundun-cert:UploadUserCertificate`. */
    readonly ramCode: string;
}

export interface ProductSpec extends ApiSpec {
    readonly id: ProductId;
    /** The resource's type name; URNs read `pulumi-nodejs:dynamic/alicloud-certs:<name>`. */
    readonly resourceTypeName: string;
    /** The single-domain set action the lifecycle uses for `upload` and `cas`. */
    readonly setAction: ActionSpec;
    /** Parameter names of `setAction`. */
    readonly setParams: SetParamNames;
    /** The action that reads the deployed certificate of a domain. */
    readonly describeCertificateAction: ActionSpec;
    /** Where the deployed certificate sits in `describeCertificateAction`'s JSON response. */
    readonly certificateInfo: CertificateInfoShape;
    /** The action that reads the domain itself (status: online, configuring, ...). */
    readonly describeDomainAction: ActionSpec;
    /** Where the domain's state sits in `describeDomainAction`'s JSON response. */
    readonly domainDetail: DomainDetailShape;
    /** Every domain of the account with its state; by name too where the product can (`byName`). */
    readonly domainListing: DomainListingShape;
    /** Certificate types the product takes (through `setAction`, or `freeSet` for `free`). */
    readonly certTypes: readonly CertType[];
    /** The set action for `certType: "free"` where `setAction` does not take it (CDN's legacy set). */
    readonly freeSet?: SetActionSpec;
    /** The product's batch set, where it has one (CDN, DCDN); without one, every set is a `setAction` call (Live). */
    readonly batchSet?: BatchSetSpec;
}

/**
 * The names every set action but CDN's legacy one shares (the single-domain sets of CDN, Live and DCDN, and both batch
 * sets): on/off as SSLProtocol, the chain as SSLPub, the key as SSLPri. Each action adds its own below.
 */
const SSL_SET_NAMES = {
    domainName: "DomainName",
    status: "SSLProtocol",
    certificate: "SSLPub",
    privateKey: "SSLPri",
    certName: "CertName",
    certType: "CertType",
} as const;

/** The entries of every product's describe-certificate answer (CertInfos.CertInfo[]); status, PEM and id vary. */
const CERT_INFO_ENTRIES = {
    listPath: ["CertInfos", "CertInfo"],
    domainName: "DomainName",
    certName: "CertName",
    certType: "CertType",
    certificateStatus: "Status",
} as const;

/** CDN actions outside the single-domain path: the legacy set (the only one taking `free`) and the batch set. */
export const CDN_LEGACY_SET: SetActionSpec = {
    name: "SetDomainServerCertificate",
    callsPerSecond: 10,
    params: {
        domainName: "DomainName",
        status: "ServerCertificateStatus",
        certificate: "ServerCertificate",
        privateKey: "PrivateKey",
        certName: "CertName",
        certType: "CertType",
        forceSet: "ForceSet",
    },
    certTypes: ["upload", "cas", "free"],
    maxDomainsPerCall: 1,
    largestDomainsPerCall: 1,
};
export const CDN_BATCH_SET: BatchSetSpec = {
    name: "BatchSetCdnDomainServerCertificate",
    callsPerSecond: 10,
    params: {
        ...SSL_SET_NAMES,
        // The batch action names the certificate's region `Region` (the single-domain action says CertRegion).
        certRegion: "Region",
        forceSet: "ForceSet",
    },
    certTypes: ["upload", "cas"],
    // The docs say both 10 and 50 (the BatchSetCdnDomainServerCertificate API page says "no more than 50"; other
    // pages say 10). The lower number is the default because no deployment can trip over it (an over-limit call is
    // refused whole with DomainNameOverLimit); accounts that have seen 50 work may raise it with
    // `alicloud-certs:cdnBatchSize`, up to 50.
    maxDomainsPerCall: 10,
    largestDomainsPerCall: 50,
    batchSizeConfigKey: "cdnBatchSize",
    batchWindowConfigKey: "cdnBatchWindowMs",
};

/**
 * The parameters of the SSL certificate set actions CDN and DCDN share (SetCdnDomainSSLCertificate,
 * SetDcdnDomainSSLCertificate): the same names in both SDKs' request models.
 */
const SSL_CERTIFICATE_SET_PARAMS: SetParamNames = { ...SSL_SET_NAMES, certId: "CertId", certRegion: "CertRegion" };

/**
 * How CDN's DescribeUserDomains and DCDN's DescribeDcdnUserDomains page the account's domains: up to 500 a page,
 * the domains under Domains.PageData, the total beside them. CheckDomainShow=true: without it, domains under review
 * or failed to configure are not listed at all, and a domain that just failed would look deleted.
 */
const USER_DOMAIN_PAGES = {
    pageSize: 500,
    query: { CheckDomainShow: "true" },
    listPath: ["Domains", "PageData"],
    domainName: "DomainName",
    domainStatus: "DomainStatus",
    totalCount: "TotalCount",
    listsEveryState: true,
} as const;

export const CDN: ProductSpec = {
    id: "cdn",
    displayName: "CDN",
    resourceTypeName: "DomainCertificate",
    apiVersion: "2018-05-10",
    defaultEndpoint: "cdn.aliyuncs.com",
    endpointConfigKey: "cdnEndpoint",
    endpointEnvVar: "ALICLOUD_CDN_ENDPOINT",
    ramCode: "cdn",
    setAction: { name: "SetCdnDomainSSLCertificate", callsPerSecond: 30 },
    setParams: SSL_CERTIFICATE_SET_PARAMS,
    describeCertificateAction: { name: "DescribeDomainCertificateInfo", callsPerSecond: 100 },
    certificateInfo: { ...CERT_INFO_ENTRIES, status: "ServerCertificateStatus", certificatePem: "ServerCertificate", certId: "CertId" },
    describeDomainAction: { name: "DescribeCdnDomainDetail", callsPerSecond: 30 },
    domainDetail: { objectPath: ["GetDomainDetailModel"], domainStatus: "DomainStatus" },
    // DescribeUserDomains (cdn20180510 5.0.0): 100 calls/s, pages of up to 500, up to 50 comma-separated names matched
    // exactly.
    domainListing: {
        action: { name: "DescribeUserDomains", callsPerSecond: 100 },
        ...USER_DOMAIN_PAGES,
        byName: { namesPerCall: 50, query: { DomainSearchType: "full_match" } },
    },
    // `free` is not accepted by SetCdnDomainSSLCertificate; it goes through the legacy SetDomainServerCertificate.
    certTypes: ["upload", "cas", "free"],
    freeSet: CDN_LEGACY_SET,
    batchSet: CDN_BATCH_SET,
};

export const LIVE: ProductSpec = {
    id: "live",
    displayName: "ApsaraVideo Live",
    resourceTypeName: "LiveDomainCertificate",
    apiVersion: "2016-11-01",
    defaultEndpoint: "live.aliyuncs.com",
    endpointConfigKey: "liveEndpoint",
    endpointEnvVar: "ALICLOUD_LIVE_ENDPOINT",
    ramCode: "live",
    setAction: { name: "SetLiveDomainCertificate", callsPerSecond: 30 },
    setParams: { ...SSL_SET_NAMES, forceSet: "ForceSet" },
    describeCertificateAction: { name: "DescribeLiveDomainCertificateInfo", callsPerSecond: 100 },
    // Its Status is filled for free certificates only (DescribeLiveDomainCertificateInfoResponseBody); no CertId.
    certificateInfo: { ...CERT_INFO_ENTRIES, status: "SSLProtocol", certificatePem: "SSLPub" },
    describeDomainAction: { name: "DescribeLiveDomainDetail", callsPerSecond: 50 },
    domainDetail: { objectPath: ["DomainDetail"], domainStatus: "DomainStatus" },
    // DescribeLiveUserDomains (live-20161101: 100/s, pages of 50, the state in LiveDomainStatus) takes one keyword, not a
    // list of names: no byName, so the states of domains configuring come from pages of the whole account, or from
    // each one's DescribeLiveDomainDetail (50/s) where the account is too large for that (alicloud/domainStateReader.ts).
    domainListing: {
        action: { name: "DescribeLiveUserDomains", callsPerSecond: 100 },
        pageSize: 50,
        query: {},
        listPath: ["Domains", "PageData"],
        domainName: "DomainName",
        domainStatus: "LiveDomainStatus",
        totalCount: "TotalCount",
        listsEveryState: false,
    },
    // SetLiveDomainCertificate documents CertType cas but no CertId parameter: a certificate-service certificate is
    // named by its CertName there (dnsmgr and certd send it so). A `cas` resource gives its id, as on CDN; the
    // lifecycle looks the name up in the certificate service (GetUserCertificateDetail) and sends that.
    certTypes: ["upload", "cas", "free"],
};

/**
 * DCDN's batch set (@alicloud/dcdn20180115 2.5.0, BatchSetDcdnDomainCertificateRequest): "You can configure up to 10
 * domain names in each request", 10 calls per second per account. Like CDN's it names a certificate-service
 * certificate by CertName and Region only (no CertId, no CertRegion, no ForceSet), so the same sets may share a call
 * (alicloud/batchSet.ts isBatchable). No page allows more than 10: the setting may lower it, never raise it.
 */
export const DCDN_BATCH_SET: BatchSetSpec = {
    name: "BatchSetDcdnDomainCertificate",
    callsPerSecond: 10,
    params: { ...SSL_SET_NAMES, certRegion: "Region" },
    certTypes: ["upload", "cas"],
    maxDomainsPerCall: 10,
    largestDomainsPerCall: 10,
    batchSizeConfigKey: "dcdnBatchSize",
    batchWindowConfigKey: "dcdnBatchWindowMs",
};

/**
 * Dynamic Route for CDN (DCDN, API 2018-01-15). Names and limits from @alicloud/dcdn20180115 2.5.0's models and
 * method comments: SetDcdnDomainSSLCertificate takes CertType upload or cas (CertId "required and valid only when
 * CertType=cas"; its page states no rate limit, so the 30/s of its CDN sibling SetCdnDomainSSLCertificate and of
 * DCDN's SetDcdnDomainSMCertificate is assumed); DescribeDcdnDomainCertificateInfo (100/s) answers
 * CertInfos.CertInfo[] with SSLProtocol, SSLPub and CertId as a string; DescribeDcdnDomainDetail (30/s) answers
 * DomainDetail.DomainStatus.
 */
export const DCDN: ProductSpec = {
    id: "dcdn",
    displayName: "DCDN",
    resourceTypeName: "DcdnDomainCertificate",
    apiVersion: "2018-01-15",
    // Every region of the SDK's endpoint map is dcdn.aliyuncs.com.
    defaultEndpoint: "dcdn.aliyuncs.com",
    endpointConfigKey: "dcdnEndpoint",
    endpointEnvVar: "ALICLOUD_DCDN_ENDPOINT",
    ramCode: "dcdn",
    setAction: { name: "SetDcdnDomainSSLCertificate", callsPerSecond: 30 },
    setParams: SSL_CERTIFICATE_SET_PARAMS,
    describeCertificateAction: { name: "DescribeDcdnDomainCertificateInfo", callsPerSecond: 100 },
    certificateInfo: { ...CERT_INFO_ENTRIES, status: "SSLProtocol", certificatePem: "SSLPub", certId: "CertId" },
    describeDomainAction: { name: "DescribeDcdnDomainDetail", callsPerSecond: 30 },
    domainDetail: { objectPath: ["DomainDetail"], domainStatus: "DomainStatus" },
    // DescribeDcdnUserDomains: 80 calls/s, PageSize 1 to 500, TotalCount beside Domains (not inside it), as CDN's. Its DomainName is
    // documented as "the accelerated domain names" without CDN's "up to 50, separated by commas": no page says a
    // comma list is matched name by name, so there is no byName: the states of domains configuring come from pages of
    // the whole account, or from each one's DescribeDcdnDomainDetail where the account is too large for that.
    domainListing: {
        action: { name: "DescribeDcdnUserDomains", callsPerSecond: 80 },
        ...USER_DOMAIN_PAGES,
    },
    // SetDcdnDomainSSLCertificate documents CertType upload and cas only (an older page of
    // DescribeDcdnDomainCertificateInfo listed free as a type it reports, but no set action takes it).
    certTypes: ["upload", "cas"],
    batchSet: DCDN_BATCH_SET,
};

export const PRODUCTS: Readonly<Record<ProductId, ProductSpec>> = { cdn: CDN, live: LIVE, dcdn: DCDN };

/** The regions of the account's certificate service: two centres with separate stores and id spaces. */
export type CertRegion = "cn-hangzhou" | "ap-southeast-1";

/**
 * The account's certificate service (Certificate Management Service, "CAS", API 2020-04-07), where every uploaded
 * certificate lands and which CDN and Live deploy from by reference. Wire names from `@alicloud/cas20200407` 3.0.0's
 * models; limits from its method comments (upload, detail and delete 100/s, the listing 10/s).
 */
export interface CertificateStoreSpec extends ApiSpec {
    /** The public endpoint of each centre: cn-hangzhou is the API's default host, ap-southeast-1 its own. */
    readonly regionalEndpoints: Readonly<Record<CertRegion, string>>;
    readonly upload: ActionSpec;
    readonly detail: ActionSpec;
    readonly list: ActionSpec;
    readonly remove: ActionSpec;
    /** The listing's page (ShowSize; the API's default is 50, and no larger maximum is documented). */
    readonly pageSize: number;
    /** The listing's OrderType: `CERT`, uploaded and issued certificates alike (UPLOAD would miss issued ones). */
    readonly listOrderType: string;
    readonly wire: {
        readonly list: {
            readonly items: string;
            readonly totalCount: string;
            readonly certId: string;
            readonly name: string;
            readonly sha2: string;
            readonly serialNo: string;
        };
        readonly detail: {
            readonly certId: string;
            readonly name: string;
            readonly certificatePem: string;
            readonly sha2: string;
            readonly serialNo: string;
            readonly certIdentifier: string;
        };
        readonly upload: { readonly certId: string };
    };
}

export const CERTIFICATE_STORE: CertificateStoreSpec = {
    displayName: "the certificate service",
    apiVersion: "2020-04-07",
    defaultEndpoint: "cas.aliyuncs.com",
    // @alicloud/cas20200407 3.0.0's endpoint map sends cn-hangzhou (and most regions) to cas.aliyuncs.com; regions it
    // does not list, ap-southeast-1 among them, to cas.<region>.aliyuncs.com (terraform-provider-alicloud's
    // connectivity/endpoint.go and Certimate's aliyun-cas certmgr choose the same two hosts).
    regionalEndpoints: { "cn-hangzhou": "cas.aliyuncs.com", "ap-southeast-1": "cas.ap-southeast-1.aliyuncs.com" },
    endpointConfigKey: "casEndpoint",
    endpointEnvVar: "ALICLOUD_CAS_ENDPOINT",
    // The service's RAM code (alibabacloud.com/help doc-detail 465997; the DeleteUserCertificate page lists
    // yundun-cert:DeleteUserCertificate).
    ramCode: "yundun-cert",
    upload: { name: "UploadUserCertificate", callsPerSecond: 100 },
    detail: { name: "GetUserCertificateDetail", callsPerSecond: 100 },
    list: { name: "ListUserCertificateOrder", callsPerSecond: 10 },
    remove: { name: "DeleteUserCertificate", callsPerSecond: 100 },
    pageSize: 50,
    listOrderType: "CERT",
    wire: {
        list: { items: "CertificateOrderList", totalCount: "TotalCount", certId: "CertificateId", name: "Name", sha2: "Sha2", serialNo: "SerialNo" },
        detail: { certId: "Id", name: "Name", certificatePem: "Cert", sha2: "Sha2", serialNo: "SerialNo", certIdentifier: "CertIdentifier" },
        upload: { certId: "CertId" },
    },
};
