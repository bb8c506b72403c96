// Is an answer worth waiting out? One decision for every caller: the client's retry of a call, the lifecycle's
// reads until a resource's deadline, and a set refused along the way.
//
// The rule is the other way round from a list of retryable codes: an answer is transient unless it is a VERDICT,
// something the API says about the domain, the account or the request itself, which the same request gets again
// however long one waits. Everything else (ServiceBusy, InternalError, ServiceUnavailable, throttling in all its
// spellings, any 5xx, a reset, a hang, a body that is not JSON, a code nobody has documented) is waited out. No
// public source says which codes the real API answers a READ with: many Alibaba Cloud APIs use ServiceBusy as a
// generic "try again" (issue #18), and a read refused for a reason that is not about the request changes nothing
// when the provider reads again. So a read keeps reading until its resource's deadline, and only a verdict ends it
// early. Terraform's alicloud provider retries the same way for the whole of a resource's timeout
// (resource_alicloud_cdn_domain_config.go: `IsExpectedErrors(err, []string{"ServiceBusy"}) || NeedRetry(err)` inside
// `resource.Retry(d.Timeout(...))`; NeedRetry: any code matching Throttling, ServiceUnavailable, and 5xx).
import { LOCAL_ERROR_CODES } from "./codes";

/** Verdicts, by exact code: the error tables of the CDN and Live set and describe actions, and the gateway's. */
export const VERDICT_CODES: ReadonlySet<string> = new Set([
    // The domain: not there, not the account's, or in a state only a person changes.
    "InvalidDomain.NotFound",
    "IllegalOperation",
    "IllegalOperationDomain",
    "InvalidDomain.Offline",
    "InvalidDomain.notOnline",
    "InvalidDomain.Configure_failed",
    "DomainInSafeMode",
    "DomainInProtectedMode",
    "FunctionMutex",
    // The account and its permissions.
    "Forbidden.RAM",
    "OperationDenied",
    "AuthenticationFailed",
    // Credentials and signature.
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "InvalidTimeStamp.Expired",
    "InvalidCredentials",
    LOCAL_ERROR_CODES.credentialsNotFound,
    LOCAL_ERROR_CODES.endpointUnresolvable,
    // The request: its action, parameters, certificate and key.
    "InvalidAction.NotFound",
    "MissingParameter",
    "DomainNameOverLimit",
    "SetDomainServerCertificate.ParameterError",
    "SetDomainCertificate.ParameterError",
    "Certificate.FormatError",
    "Certificate.KeyNull",
    "Certificate.MissMatch",
    "Certificate.Expired",
    "Certificate.NotFind",
    "Certificate.StatusError",
    "Certificate.Duplicated",
    "CertificateContent.Duplicated",
    "Certificate.NotPermittedOff",
    "Certificate.SettedNotEffect",
    "sslPub.Error",
    "sslPri.Error",
    "Key.Malformed",
    "Decode.Error",
    // A bug of this package: waiting does not fix it.
    LOCAL_ERROR_CODES.unexpected,
]);

/**
 * Verdicts by family, for codes the tables above do not list: credentials (`InvalidAccessKeyId.*`,
 * `InvalidSecurityToken.*`), permissions (`Forbidden.*`), and anything that says the request is invalid or
 * incomplete (`Invalid*`, `*.MissingParameter`, `*.ValueNotSupported`, `*.Malformed`, `*.TooLong`,
 * `*.ParameterError`). `InvalidResponse` is ours, for a body that is not JSON, and is no verdict on anything.
 */
const VERDICT_FAMILIES: readonly RegExp[] = [/^Invalid(?!Response$)/, /^Forbidden/, /\.(MissingParameter|ValueNotSupported|Malformed|TooLong|ParameterError)$/];

/** Whether the API (or the transport) answering `code` with `statusCode` said something worth waiting out. */
export function isTransientAnswer(code: string, statusCode?: number): boolean {
    if (statusCode !== undefined && statusCode >= 500 && statusCode <= 599) return true;
    if (code.includes("Throttling")) return true;
    if (VERDICT_CODES.has(code)) return false;
    return !VERDICT_FAMILIES.some((family) => family.test(code));
}

/** Whether a failure is worth waiting out: an API error that is no verdict. Anything else (a bug) is not. */
export function isTransient(error: unknown): boolean {
    return typeof error === "object" && error !== null && (error as { transient?: unknown }).transient === true;
}

/**
 * A call that changes the cloud and whose answer was lost after sending (a timeout, a reset): it may have been
 * applied, so it is not sent again before the domain is read.
 */
export function isOutcomeUnknown(error: unknown): boolean {
    return typeof error === "object" && error !== null && (error as { outcomeUnknown?: unknown }).outcomeUnknown === true;
}
