// The product table: everything that differs between the CDN, Live and DCDN certificate APIs, as data. The handlers
// (setCertificate.ts, describe.ts, listDomains.ts) are written once against this table. The certificate service
// (CAS 2020-04-07) is a fourth product on the same endpoint, with actions of its own (cas.ts).
//
// EMULATOR POLICIES (what the docs leave open; decided here, in one place):
// - Batch limit: the CDN docs say 10 in one place and 50 in another; the emulator allows 50 domains per
//   BatchSetCdnDomainServerCertificate call (option `batchLimit`) and answers DomainNameOverLimit above that.
//   BatchSetDcdnDomainCertificate's limit is documented ("up to 10 domain names in each request",
//   @alicloud/dcdn20180115 2.5.0 BatchSetDcdnDomainCertificateRequest), so it is data, not the option; no DCDN
//   source gives the code above it, so it is CDN's DomainNameOverLimit.
// - Certificate size: no documented maximum. The emulator accepts a certificate parameter up to 64 KiB (a
//   three-certificate RSA-4096 chain is about 6 KiB) and a key up to 16 KiB; above that InvalidCertificate.TooLong.
// - An upload-mode set puts its certificate in the account's certificate service under its CertName (CDN, and Live
//   unless liveUploadToCas is off), so names are unique per account and centre (casStore.ts): a held name is
//   Certificate.Duplicated (casNameReuse refuse, the default), or, with casNameReuse same-content, the same leaf is
//   the existing entry and another leaf is refused. ForceSet=1, sent to an action that documents ForceSet,
//   overwrites the named entry's content in both modes; SetCdnDomainSSLCertificate does not document it, so it
//   never overwrites. With liveUploadToCas off, Live keeps its own names: the same name with another leaf is
//   Certificate.Duplicated unless ForceSet=1; the same leaf is accepted.
// - Certificate types: SetCdnDomainSSLCertificate and the batch action take upload and cas;
//   SetDomainServerCertificate and SetLiveDomainCertificate also take free (the emulator issues a certificate
//   for the domain from its own "Emulator Free CA"). Any other CertType is the action's ParameterError.
// - cas: SetCdnDomainSSLCertificate names the stored certificate by CertId and CertRegion (cn-hangzhou by
//   default, or ap-southeast-1); the other set actions name it by CertName, in the centre of the batch action's
//   Region parameter when it is sent, else in the account's casRegion. A CertId sent to SetLiveDomainCertificate
//   beside the CertName (as certd and dnsmgr do) must be that entry's id, else InvalidParameter naming CertId.
// - A domain of another account, or of another product, does not exist for the caller: InvalidDomain.NotFound, in
//   the words of the product asked (each product answers for a domain it does not have).
// - SSL off clears the deployed certificate; describe then shows status off and no certificate.
// - Env=staging is accepted and treated like production (the emulator has one environment).
// - An expired leaf is refused (Certificate.Expired); a leaf not yet valid is accepted.
import * as errors from "../errors";
import type { ApiError } from "../errors";
import type { DomainStatus } from "../domains/statuses";
import type { CertType, Product } from "../domains/record";

/** What answers on the endpoint: the domain products, and the certificate service. */
export type ApiProduct = Product | "cas";

export const MAX_CERTIFICATE_BYTES = 64 * 1024;
export const MAX_PRIVATE_KEY_BYTES = 16 * 1024;
export const DEFAULT_BATCH_LIMIT = 50;
export const CERT_NAME_MAX_LENGTH = 128;

export interface ProductInfo {
    readonly product: ApiProduct;
    readonly version: string;
    /** Answered as HostId in error bodies, as the real endpoint does. */
    readonly host: string;
    /** The service's RAM code: a RAM policy names the product's actions `<ramCode>:<Action>`. */
    readonly ramCode: string;
    /** The `product` of an error's Recommend link. */
    readonly troubleshootProduct: string;
}

export const PRODUCTS: readonly ProductInfo[] = [
    { product: "cdn", version: "2018-05-10", host: "cdn.aliyuncs.com", ramCode: "cdn", troubleshootProduct: "Cdn" },
    { product: "live", version: "2016-11-01", host: "live.aliyuncs.com", ramCode: "live", troubleshootProduct: "live" },
    // DCDN (Dynamic Route for CDN): @alicloud/dcdn20180115 2.5.0 sends version 2018-01-15 to dcdn.aliyuncs.com; its
    // RAM code is dcdn (Alibaba's "RAM authorization" page for DCDN lists dcdn:<Action>).
    { product: "dcdn", version: "2018-01-15", host: "dcdn.aliyuncs.com", ramCode: "dcdn", troubleshootProduct: "dcdn" },
    // The certificate service's RAM code is yundun-cert (Alibaba's "RAM authorization" page for it, doc-detail
    // 465997; the DeleteUserCertificate page lists yundun-cert:DeleteUserCertificate).
    { product: "cas", version: "2020-04-07", host: "cas.aliyuncs.com", ramCode: "yundun-cert", troubleshootProduct: "cas" },
];

/** What a domain product answers for a domain that is not the caller's, or not of this product. */
export const DOMAIN_NOT_FOUND: Readonly<Record<Product, () => ApiError>> = {
    cdn: () => errors.invalidDomainNotFound(),
    live: () => errors.invalidDomainNotFound(),
    dcdn: () => errors.invalidDomainNotFound(errors.DCDN_WORDING.domainNotFound),
};

/** How one set action words its errors (the docs differ by product, by action and by age of the doc). */
export interface SetVocabulary {
    readonly statusValueNotSupported: () => ApiError;
    readonly certificateMissing: () => ApiError;
    readonly privateKeyMissing: () => ApiError;
    readonly invalidCertificate: () => ApiError;
    readonly invalidPrivateKey: () => ApiError;
    /** Certificate.MissMatch: the key is not the leaf's. */
    readonly mismatch: () => ApiError;
    readonly certificateTooLong: () => ApiError;
    readonly certNameTooLong: () => ApiError;
    readonly certificateDuplicated: () => ApiError;
    readonly certificateExpired: () => ApiError;
    readonly certificateNotFind: () => ApiError;
    /** The action's generic "parameters have error" answer (used for an unsupported CertType). */
    readonly parameterError: () => ApiError;
    /** A domain in a change: ServiceBusy (403). */
    readonly busy: () => ApiError;
    /** An offline domain. CDN: InvalidDomain.Offline, 404 in the common table, 400 in SetDomainServerCertificate's own. */
    readonly domainOffline: () => ApiError;
    /** A domain whose last change failed to configure. */
    readonly domainConfigureFailed: () => ApiError;
    /** Any other state but online (under review, review failed, stopping, deleting). */
    readonly domainNotOnline: () => ApiError;
}

const SSL_VOCABULARY: SetVocabulary = {
    statusValueNotSupported: () => errors.sslProtocolValueNotSupported(),
    certificateMissing: () => errors.sslPubMissing(),
    privateKeyMissing: () => errors.sslPriMissing(),
    invalidCertificate: () => errors.invalidSslPub(),
    invalidPrivateKey: () => errors.invalidSslPri(),
    mismatch: () => errors.certificateMissMatch("The SSLPri does not math the specified Certificate!"),
    certificateTooLong: () => errors.certificateTooLong(),
    certNameTooLong: () => errors.certNameTooLong(),
    certificateDuplicated: () => errors.certificateDuplicated(),
    certificateExpired: () => errors.certificateExpired(),
    certificateNotFind: () => errors.certificateNotFind(),
    parameterError: () => errors.parameterError("SetDomainCertificate.ParameterError"),
    // EMULATOR POLICY from the CDN error tables: configuring is ServiceBusy 403; offline is InvalidDomain.Offline
    // (404); configure_failed is InvalidDomain.Configure_failed 500; the other states get InvalidDomain.notOnline
    // 400, the set actions' generic "not online".
    busy: () => errors.serviceBusy(),
    domainOffline: () => errors.invalidDomainOffline(),
    domainConfigureFailed: () => errors.invalidDomainConfigureFailed(),
    domainNotOnline: () => errors.invalidDomainNotOnline(),
};

/** SetDomainServerCertificate's own (older) vocabulary, matching its parameter names. */
const LEGACY_CDN_VOCABULARY: SetVocabulary = {
    ...SSL_VOCABULARY,
    statusValueNotSupported: () => errors.serverCertificateStatusValueNotSupported(),
    certificateMissing: () => errors.serverCertificateMissing(),
    privateKeyMissing: () => errors.privateKeyMissing(),
    invalidCertificate: () => errors.invalidCertificate(),
    invalidPrivateKey: () => errors.invalidPrivateKey(),
    mismatch: () => errors.certificateMissMatch("The Private Key does not math the specified Certificate!"),
    parameterError: () => errors.parameterError("SetDomainServerCertificate.ParameterError"),
    domainOffline: () => errors.invalidDomainOfflineLegacy(),
};

/**
 * DCDN's set actions: CDN's codes in DCDN's words (errors DCDN_WORDING). A domain that is not online: configuring
 * is ServiceBusy 403 (DCDN's product-wide table); every other state is InvalidDomain.notOnline 400, "The domain is
 * offline. ...", the only "not online" code DCDN's set tables give (EMULATOR POLICY: no DCDN source gives
 * InvalidDomain.Offline or InvalidDomain.Configure_failed).
 */
const DCDN_VOCABULARY: SetVocabulary = {
    statusValueNotSupported: () => errors.sslProtocolValueNotSupported(errors.DCDN_WORDING.sslProtocolValueNotSupported),
    certificateMissing: () => errors.sslPubMissing(errors.DCDN_WORDING.sslPubMissing),
    privateKeyMissing: () => errors.sslPriMissing(errors.DCDN_WORDING.sslPriMissing),
    invalidCertificate: () => errors.invalidSslPub(errors.DCDN_WORDING.invalidSslPub),
    invalidPrivateKey: () => errors.invalidSslPri(errors.DCDN_WORDING.invalidSslPri),
    mismatch: () => errors.certificateMissMatch(errors.DCDN_WORDING.certificateMissMatch),
    certificateTooLong: () => errors.certificateTooLong(errors.DCDN_WORDING.certificateTooLong),
    certNameTooLong: () => errors.certNameTooLong(errors.DCDN_WORDING.certNameTooLong),
    certificateDuplicated: () => errors.certificateDuplicated(errors.DCDN_WORDING.certificateDuplicated),
    certificateExpired: () => errors.certificateExpired(errors.DCDN_WORDING.certificateExpired),
    certificateNotFind: () => errors.certificateNotFind(errors.DCDN_WORDING.certificateNotFind),
    parameterError: () => errors.parameterError("SetDomainCertificate.ParameterError", errors.DCDN_WORDING.parameterError),
    busy: () => errors.serviceBusy(errors.DCDN_WORDING.serviceBusy),
    domainOffline: () => errors.invalidDomainNotOnline(errors.DCDN_WORDING.domainNotOnline),
    domainConfigureFailed: () => errors.invalidDomainNotOnline(errors.DCDN_WORDING.domainNotOnline),
    domainNotOnline: () => errors.invalidDomainNotOnline(errors.DCDN_WORDING.domainNotOnline),
};

/** What a set answers on a domain that is not online, in the action's vocabulary. */
export function refusalFor(status: Exclude<DomainStatus, "online">, vocabulary: SetVocabulary): ApiError {
    switch (status) {
        case "configuring":
            return vocabulary.busy();
        case "offline":
            return vocabulary.domainOffline();
        case "configure_failed":
            return vocabulary.domainConfigureFailed();
        default:
            return vocabulary.domainNotOnline();
    }
}

export interface SetSpec {
    readonly params: { readonly status: string; readonly certificate: string; readonly privateKey: string };
    readonly certTypes: readonly CertType[];
    /** How a `cas` certificate is named: by CertId (+ CertRegion) or by CertName. */
    readonly casBy: "certId" | "certName";
    /**
     * A CertId the action does not document, sent beside the CertName of a `cas` set (certd and dnsmgr send one to
     * SetLiveDomainCertificate): checked against the named entry's id.
     */
    readonly checksCertIdBesideName?: boolean;
    /** Whether ForceSet=1 may overwrite a same-name certificate. */
    readonly honoursForceSet: boolean;
    /** Several comma-separated domains per call. */
    readonly batch: boolean;
    /** A batch's documented domains per call; absent, the emulator's `batchLimit` option (CDN's docs disagree). */
    readonly batchLimit?: number;
    readonly vocabulary: SetVocabulary;
}

export type ActionKind = "set" | "describeCertificate" | "describeDomain" | "listDomains" | "casUpload" | "casDetail" | "casList" | "casDelete" | "casQuota";

export interface ActionSpec {
    readonly name: string;
    readonly product: ApiProduct;
    /** Documented calls per second per account (the SDKs' doc comments and Alibaba's API pages). */
    readonly callsPerSecond: number;
    readonly kind: ActionKind;
    readonly set?: SetSpec;
}

const SSL_PARAMS = { status: "SSLProtocol", certificate: "SSLPub", privateKey: "SSLPri" } as const;

export const ACTIONS: readonly ActionSpec[] = [
    {
        name: "SetCdnDomainSSLCertificate",
        product: "cdn",
        callsPerSecond: 30,
        kind: "set",
        set: { params: SSL_PARAMS, certTypes: ["upload", "cas"], casBy: "certId", honoursForceSet: false, batch: false, vocabulary: SSL_VOCABULARY },
    },
    {
        name: "SetDomainServerCertificate",
        product: "cdn",
        callsPerSecond: 10,
        kind: "set",
        set: {
            params: { status: "ServerCertificateStatus", certificate: "ServerCertificate", privateKey: "PrivateKey" },
            certTypes: ["upload", "cas", "free"],
            casBy: "certName",
            honoursForceSet: true,
            batch: false,
            vocabulary: LEGACY_CDN_VOCABULARY,
        },
    },
    {
        name: "BatchSetCdnDomainServerCertificate",
        product: "cdn",
        callsPerSecond: 10,
        kind: "set",
        set: { params: SSL_PARAMS, certTypes: ["upload", "cas"], casBy: "certName", honoursForceSet: true, batch: true, vocabulary: SSL_VOCABULARY },
    },
    { name: "DescribeDomainCertificateInfo", product: "cdn", callsPerSecond: 100, kind: "describeCertificate" },
    { name: "DescribeCdnDomainDetail", product: "cdn", callsPerSecond: 30, kind: "describeDomain" },
    { name: "DescribeUserDomains", product: "cdn", callsPerSecond: 100, kind: "listDomains" },
    {
        name: "SetLiveDomainCertificate",
        product: "live",
        callsPerSecond: 30,
        kind: "set",
        set: {
            params: SSL_PARAMS,
            certTypes: ["upload", "cas", "free"],
            casBy: "certName",
            checksCertIdBesideName: true,
            honoursForceSet: true,
            batch: false,
            vocabulary: SSL_VOCABULARY,
        },
    },
    { name: "DescribeLiveDomainCertificateInfo", product: "live", callsPerSecond: 100, kind: "describeCertificate" },
    { name: "DescribeLiveDomainDetail", product: "live", callsPerSecond: 50, kind: "describeDomain" },
    { name: "DescribeLiveUserDomains", product: "live", callsPerSecond: 100, kind: "listDomains" },
    // DCDN, from @alicloud/dcdn20180115 2.5.0 (each request model's names() and doc comments) and Alibaba's API pages
    // (help.aliyun.com/document_detail/131404.htm SetDcdnDomainSSLCertificate, 184593.htm BatchSetDcdnDomainCertificate,
    // 131406.html DescribeDcdnUserDomains; alibabacloud.com/help/en/dcdn/ ... describedcdndomaindetail).
    {
        name: "SetDcdnDomainSSLCertificate",
        product: "dcdn",
        // No source gives this action's limit (the SDK's doc comment and the API page say none): CDN's
        // SetCdnDomainSSLCertificate's 30 per second, as DCDN's own SetDcdnDomainSMCertificate also has.
        callsPerSecond: 30,
        kind: "set",
        // CertType upload or cas (the SDK's doc comment; no free); cas by CertId + CertRegion (cn-hangzhou by
        // default, or ap-southeast-1); no ForceSet field; Env staging accepted.
        set: { params: SSL_PARAMS, certTypes: ["upload", "cas"], casBy: "certId", honoursForceSet: false, batch: false, vocabulary: DCDN_VOCABULARY },
    },
    {
        name: "BatchSetDcdnDomainCertificate",
        product: "dcdn",
        // "You can call this operation up to 10 times per second per account."
        callsPerSecond: 10,
        kind: "set",
        // No CertId, CertRegion, Env or ForceSet field: a cas set names the stored certificate by CertName, in the
        // centre of Region when it is sent.
        set: {
            params: SSL_PARAMS,
            certTypes: ["upload", "cas"],
            casBy: "certName",
            honoursForceSet: false,
            batch: true,
            batchLimit: 10,
            vocabulary: DCDN_VOCABULARY,
        },
    },
    { name: "DescribeDcdnDomainCertificateInfo", product: "dcdn", callsPerSecond: 100, kind: "describeCertificate" },
    { name: "DescribeDcdnDomainDetail", product: "dcdn", callsPerSecond: 30, kind: "describeDomain" },
    { name: "DescribeDcdnUserDomains", product: "dcdn", callsPerSecond: 80, kind: "listDomains" },
    // The certificate service: the limits are the SDK's doc comments (@alicloud/cas20200407 3.0.0).
    { name: "UploadUserCertificate", product: "cas", callsPerSecond: 100, kind: "casUpload" },
    { name: "GetUserCertificateDetail", product: "cas", callsPerSecond: 100, kind: "casDetail" },
    { name: "ListUserCertificateOrder", product: "cas", callsPerSecond: 10, kind: "casList" },
    { name: "DeleteUserCertificate", product: "cas", callsPerSecond: 100, kind: "casDelete" },
    { name: "GetCertWarehouseQuota", product: "cas", callsPerSecond: 10, kind: "casQuota" },
];

export function productForVersion(version: string): ProductInfo | undefined {
    return PRODUCTS.find((p) => p.version === version);
}

export function productForHost(host: string): ProductInfo | undefined {
    return PRODUCTS.find((p) => p.host === host);
}

/** Resolves what a request asks for; the version picks the product, as the real endpoints do. */
export function resolveAction(action: string, version: string): { product: ProductInfo; spec: ActionSpec } {
    const product = productForVersion(version);
    if (!product) throw errors.invalidVersion(version);
    const spec = ACTIONS.find((a) => a.name === action && a.product === product.product);
    if (!spec) throw errors.invalidActionNotFound(action);
    return { product, spec };
}
