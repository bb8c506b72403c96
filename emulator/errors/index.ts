// Every error the emulator can answer, one factory per error code, with the HTTP status and message the real
// service uses (seeds/*.txt and wire-contract.md). Handlers never build an error body by hand: a code that is not
// here does not exist in the emulator, which keeps the vocabulary reviewable in one file.
//
// Where the same code has different messages in different products, the factory takes the wording as data from
// the product table (handlers/actions.ts) rather than guessing: the default is CDN's, and DCDN's own wording is in
// DCDN_WORDING below.

export class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        /** Extra response headers (none of the real codes need one today; kept for completeness). */
        readonly headers: Readonly<Record<string, string>> = {},
    ) {
        super(message);
        this.name = "ApiError";
    }
}

const err = (status: number, code: string, message: string) => new ApiError(status, code, message);

// ---- Gateway: request shape, authentication, routing ------------------------------------------------------------

export const missingParameter = (name: string) =>
    err(400, "MissingParameter", `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);
export const invalidParameter = (name: string) => err(400, "InvalidParameter", `The specified parameter "${name}" is not valid.`);
/** A number-typed parameter (Long on the wire) that does not parse as one. */
export const malformedNumber = (name: string) => err(400, "InvalidParameter", `The specified parameter "${name}" is not valid.`);
export const malformedRequest = (what: string) => err(400, "InvalidParameter.Malformed", `The request could not be parsed: ${what}.`);
export const requestHeaderTooLarge = (limitBytes: number) => err(431, "RequestHeaderTooLarge", `The request line and headers exceed ${limitBytes} bytes.`);
export const requestBodyTooLarge = (limitBytes: number) => err(413, "RequestEntityTooLarge", `The request body exceeds ${limitBytes} bytes.`);
export const unsupportedMethod = (method: string) => err(405, "UnsupportedHTTPMethod", `The HTTP method ${method} is not supported; use POST or GET.`);
export const invalidActionNotFound = (action: string) =>
    err(404, "InvalidAction.NotFound", `Specified api "${action}" is not found, please check your url and method.`);
export const invalidVersion = (version: string) => err(400, "InvalidVersion", `Specified parameter Version "${version}" is not valid.`);
export const incompleteSignature = (why: string) => err(400, "IncompleteSignature", `The request signature does not conform to Aliyun standards: ${why}.`);
export const signatureDoesNotMatch = () => err(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.");
export const contentHashMismatch = () => err(400, "SignatureDoesNotMatch", "The x-acs-content-sha256 header does not match the request body.");
export const invalidAccessKeyIdNotFound = () => err(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
export const invalidTimeStampExpired = () => err(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");
export const invalidTimeStampFormat = () => err(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.");
export const signatureNonceUsed = () => err(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
export const missingSecurityToken = () => err(400, "MissingSecurityToken", "SecurityToken is mandatory for this action.");
export const invalidSecurityTokenMismatch = () =>
    err(400, "InvalidSecurityToken.MismatchWithAccessKey", "Specified SecurityToken mismatch with the AccessKey.");
export const invalidSecurityTokenExpired = () => err(400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.");
export const invalidSecurityTokenMalformed = () => err(400, "InvalidSecurityToken.Malformed", "Specified SecurityToken is malformed.");

/** A RAM user's policy does not allow the action (authentication/ramPolicy.ts). */
export const forbiddenRam = () => err(400, "Forbidden.RAM", "User not authorized to operate on the specified resource, or this API doesn't support RAM.");

// ---- Platform-wide -----------------------------------------------------------------------------------------------

export const throttlingUser = () => err(400, "Throttling.User", "Request was denied due to user flow control.");
export const serviceBusy = (message = "The specified Domain is configuring, please retry later.") => err(403, "ServiceBusy", message);
export const serviceUnavailable = () => err(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.");
export const internalError = () => err(500, "InternalError", "The request processing has failed due to some unknown error, exception or failure.");

// ---- Domains ------------------------------------------------------------------------------------------------------

export const invalidDomainNotFound = (message = "The domain provided does not belong to you.") => err(404, "InvalidDomain.NotFound", message);
/** An offline domain: 404 in the CDN API's common error table (the data APIs' pages, e.g. DescribeDomainQpsData). */
export const invalidDomainOffline = () => err(404, "InvalidDomain.Offline", "The domain provided is offline.");
/** The same code at 400, as SetDomainServerCertificate's own error table gives it. */
export const invalidDomainOfflineLegacy = () => err(400, "InvalidDomain.Offline", "The domain provided is offline.");
/** A domain whose last change failed to configure (the CDN API's common error table, 500). */
export const invalidDomainConfigureFailed = () => err(500, "InvalidDomain.Configure_failed", "Failed to configure the provided domain.");
/** Current wording (SetCdnDomainSSLCertificate, BatchSet..., SetLiveDomainCertificate). */
export const invalidDomainNotOnline = (message = "The domain is not online, please check the domain status and try again later.") =>
    err(400, "InvalidDomain.notOnline", message);
export const domainNameOverLimit = (limit: number) => err(400, "DomainNameOverLimit", `The number of domain names in one call exceeds the limit of ${limit}.`);

// ---- Certificate parameters ---------------------------------------------------------------------------------------

export const sslProtocolValueNotSupported = (message = "The specified value of parameter SSLProtocol is not supported.") =>
    err(400, "InvalidSSLProtocol.ValueNotSupported", message);
export const serverCertificateStatusValueNotSupported = () =>
    err(400, "InvalidServerCertificateStatus.ValueNotSupported", "The specified value of parameter ServerCertificateStatus is not supported.");
export const sslPubMissing = (message = 'An input parameter "SSLPub" that is mandatory for processing the request is not supplied.') =>
    err(400, "SSLPub.MissingParameter", message);
export const sslPriMissing = (message = 'An input parameter "SSLPri" that is mandatory for processing the request is not supplied.') =>
    err(400, "SSLPri.MissingParameter", message);
export const serverCertificateMissing = () =>
    err(400, "ServerCertificate.MissingParameter", "An input parameter ServerCertificate that is mandatory for processing the request is not supplied.");
export const privateKeyMissing = () =>
    err(400, "PrivateKey.MissingParameter", "An input parameter PrivateKey that is mandatory for processing the request is not supplied.");
export const invalidSslPub = (message = "The SSLPub you provided is malformed!") => err(400, "InvalidSSLPub", message);
export const invalidSslPri = (message = "The SSLPri you provided is malformed!") => err(400, "InvalidSSLPri", message);
export const invalidCertificate = () => err(400, "InvalidCertificate", "The Certificate you provided is malformed!");
export const invalidPrivateKey = () => err(400, "InvalidPrivateKey", "The Private Key you provided is malformed!");
export const certificateMissMatch = (message: string) => err(400, "Certificate.MissMatch", message);
export const certificateTooLong = (message = "The Certificate you provided is over the max length!") => err(400, "InvalidCertificate.TooLong", message);
export const certNameTooLong = (message = "The Certificate name you provided is over the max length 128!") => err(400, "InvalidCertName.TooLong", message);
export const certNameMissing = () => err(404, "CertName.MissingParameter", "The CertName parameter is required.");
export const certificateDuplicated = (message = "The certificate name is duplicated.") => err(400, "Certificate.Duplicated", message);
export const certificateExpired = (message = "The certificate is expired.") => err(400, "Certificate.Expired", message);
export const certificateNotFind = (message = "Not find the certificate info.") => err(400, "Certificate.NotFind", message);
export const parameterError = (code: string, message = "Parameters have error.") => err(400, code, message);

// ---- Listing parameters (DescribeDcdnUserDomains' own table; CDN and Live answer InvalidParameter) ----------------

export const invalidPageNumber = (message: string) => err(400, "InvalidPageNumber.ValueNotSupported", message);
export const invalidPageSize = (message: string) => err(400, "InvalidPageSize.ValueNotSupported", message);
export const invalidDomainStatus = (message: string) => err(400, "InvalidDomainStatus.ValueNotSupported", message);
export const invalidDomainNameMalformed = (message: string) => err(400, "InvalidDomainName.Malformed", message);
export const invalidDomainSearchType = (message: string) => err(400, "InvalidDomainSearchType.ValueNotSupported", message);

// ---- DCDN's wording (Dynamic Route for CDN, 2018-01-15) -----------------------------------------------------------
// The same codes as CDN's, in DCDN's words. Sources: the product-wide table (alibabacloud.com/help/en/
// edge-security-acceleration/dcdn/developer-reference/api-dcdn-2018-01-15-errorcodes: 404 InvalidDomain.NotFound,
// 403 ServiceBusy); SetDcdnDomainSSLCertificate's table (help.aliyun.com/document_detail/131404.htm), whose rows are
// those of its predecessor SetDcdnDomainCertificate's (AlibabaCloudDocs/dcdn, API参考/域名管理接口/
// SetDcdnDomainCertificate.md); DescribeDcdnUserDomains' table (the same docs, DescribeDcdnUserDomains.md).

export const DCDN_WORDING = {
    domainNotFound: "The domain does not exist, or it does not belong to you.",
    serviceBusy: "The specified domain is being configured; please try again later.",
    domainNotOnline: "The domain is offline. Check the status of the domain and try again later.",
    sslProtocolValueNotSupported: "The specified SSLProtocol is invalid.",
    sslPubMissing: "The SSLPub parameter is required.",
    sslPriMissing: "The SSLPri parameter is required.",
    invalidSslPub: "The specified SSLPub is invalid.",
    invalidSslPri: "The specified SSLPri is invalid.",
    certificateMissMatch: "The SSLPri does not match the certificate.",
    certificateTooLong: "The maximum length of the certificate is exceeded.",
    certNameTooLong: "The length of the certificate name cannot exceed 128 characters.",
    certificateNotFind: "The certificate does not exist.",
    certificateDuplicated: "The certificate name already exists.",
    certificateExpired: "The certificate has expired.",
    parameterError: "The specified parameters are invalid.",
    invalidPageNumber: "The specified value of PageNumber is not supported.",
    invalidPageSize: "The specified value of PageSize is invalid.",
    invalidDomainStatus: "The specified value of DomainStatus is invalid.",
    invalidDomainName: "The specified DomainName is invalid.",
    invalidDomainSearchType: "The specified value of DomainSearchType is invalid.",
} as const;

// ---- The certificate service (CAS 2020-04-07) ------------------------------------------------------------------------
// Codes from live tests against the real service (bestheme/le-to-alicloud test/integration/RESULTS.md) and the
// peers' handling of them (Terraform, Certimate); the HTTP statuses are not in any source (4xx is assumed: the
// peers treat these as permanent, and the SDK makes them ClientError). Codes marked POLICY are the emulator's own
// choice where no source gives the service's (emulator/README.md).

/** A Name the account's centre already holds (LTA RESULTS #13; message: netcccyun/dnsmgr #178). */
export const nameRepeat = () => err(400, "NameRepeat", "The certificate name already exists.");
/** A key that does not parse, or an encrypted one (LTA RESULTS #1). */
export const privateKeyFormatException = () =>
    err(400, "PrivateKeyFormatException", "The private key format is invalid. Upload an unencrypted PEM private key.");
/** A key that is not the leaf's, or a chain whose first certificate is not the key's (LTA RESULTS #5). */
export const notMatchCertificateAndPrivateKey = () => err(400, "NotMatch.CertificateAndPrivateKey", "The certificate and the private key do not match.");
/** POLICY: a certificate that is not PEM (the message follows the console's, aliyun/aliyun-cli #1232). */
export const certificateFormatException = () => err(400, "CertificateFormatException", "The certificate format is invalid. Check your input.");
/** An unknown CertId (the code Terraform and Certimate expect; the status is POLICY). */
export const casNotFound = () => err(404, "NotFound", "The certificate does not exist.");
/** POLICY: deleting a certificate a domain still serves (the service refuses it; no source gives the code). */
export const certificateInUse = () => err(400, "CertificateInUse", "The certificate is deployed to a cloud product and cannot be deleted.");
/** POLICY: an entry past the account's certificate quota (no source gives the service's code). */
export const casQuotaExceeded = (quota: number) =>
    err(400, "QuotaExceeded", `The number of certificates has reached the quota of the certificate repository (${quota}).`);

// ---- Emulator hooks (outside the Alibaba API, same JSON shape so every client can parse them) -------------------

export const hookNotFound = (path: string) => err(404, "Emulator.HookNotFound", `No emulator hook at ${path}.`);
export const hookInvalidJson = () => err(400, "Emulator.InvalidJson", "The request body is not valid JSON.");
export const hookInvalidRequest = (why: string) => err(400, "Emulator.InvalidRequest", why);
