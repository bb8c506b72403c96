// One error type for everything that goes wrong talking to Alibaba Cloud. It names the action, the domain, the
// API's code and request id, and says what to do about it. Its message is built from scratch and redacted: the SDK's
// own error messages are never passed through, because the HTTP layer (httpx) appends the full request URL to them,
// and that URL carries the certificate and the private key as query parameters.

/** Codes this package gives failures that never reached the API (no response, or a response that is not JSON). */
export const LOCAL_ERROR_CODES = {
    /** The connect or read timeout elapsed (httpx `RequestTimeoutError`). */
    requestTimeout: "RequestTimeout",
    /** The connection was refused, reset or dropped (ECONNREFUSED, ECONNRESET, EPIPE, "socket hang up", ...). */
    connectionFailed: "ConnectionFailed",
    /** The endpoint's host name does not resolve (ENOTFOUND): a typo in an endpoint override, not a blip. */
    endpointUnresolvable: "EndpointUnresolvable",
    /** The server answered with something that is not the API's JSON (a proxy page, a 431 from a small header limit). */
    invalidResponse: "InvalidResponse",
    /** No credentials in the provider config, the environment or any source of the SDK's default chain. */
    credentialsNotFound: "CredentialsNotFound",
    /** Anything else: a bug or an unforeseen failure. */
    unexpected: "UnexpectedError",
} as const;

const CONFIGURE_CREDENTIALS =
    "set `pulumi config set alicloud:accessKey <id>` and `pulumi config set --secret alicloud:secretKey <secret>` " +
    "(plus `alicloud:securityToken` for STS), or the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and " +
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
const CHECK_CERTIFICATE =
    "check that `certificate` is a PEM chain (BEGIN CERTIFICATE blocks, leaf first) and was not truncated";
const CHECK_KEY =
    "check that `privateKey` is the PEM private key (PKCS#1, PKCS#8 or SEC1) of the leaf certificate";
const CONTACT_SUPPORT = "this needs Alibaba Cloud support; open a ticket quoting the request id";
const RETRIED = "transient; the provider already retried with backoff, so run the update again in a minute";

/**
 * A fix hint for every error code of the set and describe actions (the error tables of the CDN and Live docs, and
 * the common codes of the Alibaba Cloud gateway). Keys are the codes exactly as the API spells them.
 */
export const ERROR_HINTS: Readonly<Record<string, string>> = {
    // --- Gateway and account ---
    "Throttling": `${RETRIED}; if it persists, fewer parallel updates (\`pulumi up --parallel\`) help`,
    "Throttling.User": `${RETRIED}; if it persists, fewer parallel updates (\`pulumi up --parallel\`) help`,
    "Throttling.Api": `${RETRIED}; if it persists, fewer parallel updates (\`pulumi up --parallel\`) help`,
    "ServiceBusy":
        "the domain is still applying a previous change (status `configuring`); wait until it is `online` and run the update again",
    "ServiceUnavailable": RETRIED,
    "InternalError": RETRIED,
    "SignatureDoesNotMatch": `the AccessKey secret does not match the AccessKey id; ${CONFIGURE_CREDENTIALS}`,
    "InvalidAccessKeyId.NotFound": `the AccessKey id does not exist (deleted or mistyped); ${CONFIGURE_CREDENTIALS}`,
    "InvalidAccessKeyId.Inactive": `the AccessKey is disabled; enable it in the RAM console or ${CONFIGURE_CREDENTIALS}`,
    "IncompleteSignature": "the request signature is incomplete; check that the endpoint override points at the real API (or the emulator) and not at a proxy that rewrites requests",
    "InvalidTimeStamp.Expired": "the local clock is off by more than 15 minutes; synchronize it (NTP) and run again",
    "SignatureNonceUsed": `a signature nonce was reused; ${RETRIED}`,
    "InvalidAction.NotFound": "the endpoint does not know this action; check `alicloud-certs:cdnEndpoint` / `alicloud-certs:liveEndpoint` (and ALICLOUD_CDN_ENDPOINT / ALICLOUD_LIVE_ENDPOINT) point at the right product",
    "InvalidSecurityToken.Expired": "the STS security token has expired; obtain a new one and update `alicloud:securityToken` (or ALIBABA_CLOUD_SECURITY_TOKEN)",
    "InvalidSecurityToken.Malformed": "the STS security token is malformed; set the complete token in `alicloud:securityToken` (or ALIBABA_CLOUD_SECURITY_TOKEN)",
    "InvalidSecurityToken.MismatchWithAccessKey": "the STS security token belongs to a different AccessKey id; set the id, secret and token of one STS credential together",
    "InvalidCredentials": `no usable credentials reached the SDK; ${CONFIGURE_CREDENTIALS}`,
    "MissingParameter": "a required parameter was not sent; this is a provider bug, please report it with the request id",
    "OperationDenied": "the account's CDN service is suspended (overdue payment); top up the account and run again",
    "Forbidden.RAM": "the RAM user may not call this action; grant the policy in the README's credentials section (examples/ram-policy.json in the repository: exactly the actions this package calls), or AliyunCDNFullAccess / AliyunLiveFullAccess",
    "AuthenticationFailed": `authentication failed; ${CONFIGURE_CREDENTIALS}, and check the RAM user may call this action`,

    // --- Domain ---
    "InvalidDomain.NotFound": "the domain does not exist in this account; add it in the console first, or check the account's credentials",
    "IllegalOperation": "the account may not change this domain (not its owner, or the domain is locked); check the domain belongs to the account of the credentials",
    "IllegalOperationDomain": "the account may not change this domain; check the domain belongs to the account of the credentials and the RAM user's permissions",
    "InvalidDomain.Offline": "the domain is offline; start it in the console (or its API) and run again",
    "InvalidDomain.notOnline": "the domain is not online (offline, configuring or under review); wait until it is `online` and run again",
    "DomainInSafeMode": `the domain is in safe mode; ${CONTACT_SUPPORT}`,
    "DomainInProtectedMode": `the domain is in protected mode; ${CONTACT_SUPPORT}`,
    "DomainNameOverLimit": "too many domains in one batch call; this is a provider bug (batches are capped), please report it",
    "FunctionMutex": "another feature configured on the domain excludes this change; disable the conflicting feature in the console, then run again",

    // --- Parameters ---
    "InvalidServerCertificateStatus.ValueNotSupported": "`status` must be `on` or `off`",
    "InvalidSSLProtocol.ValueNotSupported": "`status` must be `on` or `off`",
    "ServerCertificate.MissingParameter": "with `status: \"on\"` and `certType: \"upload\"`, `certificate` is required",
    "PrivateKey.MissingParameter": "with `status: \"on\"` and `certType: \"upload\"`, `privateKey` is required",
    "SSLPub.MissingParameter": "with `status: \"on\"` and `certType: \"upload\"`, `certificate` is required",
    "SSLPri.MissingParameter": "with `status: \"on\"` and `certType: \"upload\"`, `privateKey` is required",
    "CertName.MissingParameter": "set `certName` (or leave it unset to use the name derived from the certificate)",
    "SetDomainServerCertificate.ParameterError": "the API rejected the parameter combination; check `certType` (free and cas need no key) and that `certId`/`certRegion` are set only for cas",
    "SetDomainCertificate.ParameterError": "the API rejected the parameter combination; check `certType` (free and cas need no key) and that `certId`/`certRegion` are set only for cas",
    "InvalidCertName.TooLong": "`certName` may have at most 128 characters",

    // --- Certificate and key content ---
    "InvalidCertificate": CHECK_CERTIFICATE,
    "InvalidSSLPub": CHECK_CERTIFICATE,
    "Certificate.FormatError": CHECK_CERTIFICATE,
    "sslPub.Error": CHECK_CERTIFICATE,
    "InvalidPrivateKey": CHECK_KEY,
    "InvalidSSLPri": CHECK_KEY,
    "Key.Malformed": CHECK_KEY,
    "sslPri.Error": CHECK_KEY,
    "Certificate.KeyNull": "`privateKey` is required with an uploaded certificate",
    "InvalidSSLPubOrInvalidSSLPri": `${CHECK_CERTIFICATE}; ${CHECK_KEY}`,
    "Decode.Error": `the API could not decode the PEM; ${CHECK_CERTIFICATE}; ${CHECK_KEY}`,
    "Certificate.MissMatch": "`privateKey` is not the key of the leaf certificate; pair the certificate with its own key (the leaf must come first in the chain)",
    "InvalidCertificate.TooLong": "the certificate chain and key exceed the API's size limit; drop the root and unneeded intermediates from `certificate`",
    "Certificate.Expired": "the certificate has expired; deploy a renewed certificate",

    // --- Certificate store ---
    "Certificate.NotFind": "the certificate service has no certificate with that id/name; for `certType: \"cas\"` check `certId` and `certRegion`",
    "Certificate.StatusError": "the referenced certificate does not exist or is not usable (revoked, expired, pending); for `certType: \"cas\"` check it in the certificate service",
    "Certificate.Duplicated": "a different certificate already uses this `certName`; pick another name, or set `forceSet: true` to overwrite it",
    "CertificateContent.Duplicated": "this exact certificate is already uploaded under another name; reuse that `certName` or set `forceSet: true`",
    "CertStorage.failed": `the API failed to store the certificate; ${RETRIED}`,
    "DeleteFailed": `the API failed to remove the old certificate; run again, and if it persists ${CONTACT_SUPPORT}`,
    "Certificate.NotPermittedOff":
        "Alibaba Cloud refuses to turn HTTPS off on this domain (it would change its scheduling). To remove the resource " +
        "from the stack without turning HTTPS off, set the `retainOnDelete: true` resource option (then run `pulumi up` " +
        "before `pulumi destroy`), or ask Alibaba Cloud support to allow it",
    "Certificate.SettedNotEffect": `the certificate was stored but is not serving yet, to protect the current service; ${CONTACT_SUPPORT}`,

    // --- Failures that never reached the API ---
    [LOCAL_ERROR_CODES.requestTimeout]: `the API did not answer in time; ${RETRIED}; raise the timeouts if your network is slow`,
    [LOCAL_ERROR_CODES.connectionFailed]: `the connection to the API failed or was dropped; ${RETRIED}; check network access to the endpoint`,
    [LOCAL_ERROR_CODES.endpointUnresolvable]: "the endpoint's host name does not resolve; check `alicloud-certs:cdnEndpoint` / `alicloud-certs:liveEndpoint` and ALICLOUD_CDN_ENDPOINT / ALICLOUD_LIVE_ENDPOINT, or your DNS",
    [LOCAL_ERROR_CODES.invalidResponse]: "the endpoint answered with something that is not the Alibaba Cloud API (a proxy page, or a server with a small header limit); check the endpoint overrides",
    [LOCAL_ERROR_CODES.credentialsNotFound]: `no credentials found; ${CONFIGURE_CREDENTIALS}`,
    [LOCAL_ERROR_CODES.unexpected]: "an unexpected failure; please report it with the request id, if any",
};

const HINTS_BY_LOWERCASE_CODE = new Map(Object.entries(ERROR_HINTS).map(([code, hint]) => [code.toLowerCase(), hint]));

/** The fix hint for an API error code (exact match, then case-insensitive, then by family). */
export function hintFor(code: string): string {
    const exact = ERROR_HINTS[code] ?? HINTS_BY_LOWERCASE_CODE.get(code.toLowerCase());
    if (exact !== undefined) return exact;
    if (code.includes("Throttling")) return ERROR_HINTS["Throttling"]!;
    if (code.startsWith("InvalidSecurityToken")) return ERROR_HINTS["InvalidSecurityToken.Expired"]!;
    if (code.startsWith("InvalidAccessKeyId")) return ERROR_HINTS["InvalidAccessKeyId.NotFound"]!;
    if (code.startsWith("Forbidden")) return ERROR_HINTS["Forbidden.RAM"]!;
    return "see the Alibaba Cloud error center (https://error-center.alibabacloud.com) for this code, quoting the request id";
}

/**
 * Codes that are worth sending again unchanged: the same request may well succeed a moment later. Not ServiceBusy:
 * the domain is configuring another change, which takes minutes; the lifecycle waits for the domain's state to say
 * it is done (a cheap read) instead of sending the certificate again and again.
 */
const RETRYABLE_CODES = new Set<string>([
    "ServiceUnavailable",
    "InternalError",
    // A nonce collision is fixed by the fresh nonce every attempt carries.
    "SignatureNonceUsed",
    "CertStorage.failed",
    LOCAL_ERROR_CODES.requestTimeout,
    LOCAL_ERROR_CODES.connectionFailed,
]);

/** Whether an error with this code and HTTP status is transient: throttling, busy, 5xx, or a transport failure. */
export function isRetryable(code: string, statusCode?: number): boolean {
    if (code.includes("Throttling")) return true;
    if (RETRYABLE_CODES.has(code)) return true;
    return statusCode !== undefined && statusCode >= 500 && statusCode <= 599;
}

// ---------------------------------------------------------------------------------------------------------------
// Redaction

const PEM_BLOCK = /-----BEGIN[^-\r\n]*-----[\s\S]*?(?:-----END[^-\r\n]*-----|$)/g;
// PEM headers that were URL-encoded (space as %20 or +) and everything up to the next delimiter.
const ENCODED_PEM = /-----BEGIN(?:%20|\+)[^\s"'&]*/gi;
// Base64 bodies without their armour (a key pasted without headers, a DER blob).
const LONG_BASE64 = /[A-Za-z0-9+/]{48,}={0,2}/g;
// Query strings of URLs: they carry every parameter of an RPC call, private key included.
const URL_QUERY = /(https?:\/\/[^\s?"']*|\/)\?[^\s"']*/g;

/**
 * Removes from a text anything that may be secret: PEM blocks (also URL-encoded), long base64 runs, URL query
 * strings, and the given literal secrets (an AccessKey secret, a security token, a private key), raw or URL-encoded.
 * Applied to every message this package builds.
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
    let result = text;
    for (const secret of secrets) {
        // Short values are skipped: replacing "on" or "1" everywhere would mangle the message and protects nothing.
        if (secret === undefined || secret.length < 8) continue;
        for (const form of new Set([secret, encodeURIComponent(secret)])) {
            result = result.split(form).join("[redacted]");
        }
    }
    return result
        .replace(PEM_BLOCK, "[redacted PEM]")
        .replace(ENCODED_PEM, "[redacted PEM]")
        .replace(URL_QUERY, "$1?[redacted query]")
        .replace(LONG_BASE64, "[redacted]");
}

// ---------------------------------------------------------------------------------------------------------------
// The error

export interface ApiErrorFields {
    readonly action: string;
    /** The domain(s) the call was about; several for a batch call. */
    readonly domainNames: readonly string[];
    readonly code: string;
    readonly statusCode?: number;
    readonly requestId?: string;
    /** The API's own message (already redacted), or a description of the local failure. */
    readonly apiMessage: string;
    readonly retryable: boolean;
    /** The server's `x-acs-retry-after`, in milliseconds, when it sent one. */
    readonly retryAfterMs?: number;
    /** How many attempts were made before giving up (1 when no retry happened). */
    readonly attempts?: number;
    /**
     * The request may have reached the API and taken effect, but no answer came back (a read timeout, a connection
     * reset or closed after sending). A change is then read back before it is sent again.
     */
    readonly outcomeUnknown?: boolean;
}

/** An Alibaba Cloud API call that failed, explained. Never holds a key, a certificate or a credential. */
export class AlicloudApiError extends Error implements ApiErrorFields {
    override readonly name = "AlicloudApiError";
    readonly action: string;
    readonly domainNames: readonly string[];
    readonly code: string;
    readonly statusCode?: number;
    readonly requestId?: string;
    readonly apiMessage: string;
    readonly hint: string;
    readonly retryable: boolean;
    readonly retryAfterMs?: number;
    readonly attempts: number;
    readonly outcomeUnknown: boolean;

    constructor(fields: ApiErrorFields) {
        const apiMessage = redact(fields.apiMessage);
        const hint = hintFor(fields.code);
        super(formatMessage({ ...fields, apiMessage }, hint));
        this.action = fields.action;
        this.domainNames = [...fields.domainNames];
        this.code = fields.code;
        this.statusCode = fields.statusCode;
        this.requestId = fields.requestId;
        this.apiMessage = apiMessage;
        this.hint = hint;
        this.retryable = fields.retryable;
        this.retryAfterMs = fields.retryAfterMs;
        this.attempts = fields.attempts ?? 1;
        this.outcomeUnknown = fields.outcomeUnknown ?? false;
    }

    /** The single domain of the call (the first one of a batch). */
    get domainName(): string | undefined {
        return this.domainNames[0];
    }

    /** The same error, noting how many attempts were made (the retry layer knows, the converter does not). */
    withAttempts(attempts: number): AlicloudApiError {
        return new AlicloudApiError({ ...this.fields(), attempts });
    }

    private fields(): ApiErrorFields {
        return {
            action: this.action,
            domainNames: this.domainNames,
            code: this.code,
            statusCode: this.statusCode,
            requestId: this.requestId,
            apiMessage: this.apiMessage,
            retryable: this.retryable,
            retryAfterMs: this.retryAfterMs,
            attempts: this.attempts,
            outcomeUnknown: this.outcomeUnknown,
        };
    }
}

function formatMessage(fields: ApiErrorFields, hint: string): string {
    const target = fields.domainNames.length === 0 ? "" : ` on ${fields.domainNames.join(", ")}`;
    const request = fields.requestId ? ` (request ${fields.requestId})` : "";
    const attempts = fields.attempts !== undefined && fields.attempts > 1 ? ` after ${fields.attempts} attempts` : "";
    const apiMessage = fields.apiMessage.trim();
    const sentenceEnd = /[.!?]$/.test(apiMessage) ? "" : ".";
    return `${fields.action}${target} failed${attempts}: ${fields.code}${request}: ${apiMessage}${sentenceEnd} Fix: ${hint}`;
}

/** True when the error says the domain does not exist (or is not this account's). */
export function isDomainNotFound(error: unknown): boolean {
    return error instanceof AlicloudApiError && error.code === "InvalidDomain.NotFound";
}

// ---------------------------------------------------------------------------------------------------------------
// Conversion of SDK failures

export interface ErrorContext {
    readonly action: string;
    readonly domainNames: readonly string[];
    /** Values that must never appear in a message (AccessKey secret, token, the private key of the call). */
    readonly secrets?: readonly (string | undefined)[];
}

/** A failure while resolving credentials; `toApiError` turns it into code CredentialsNotFound. */
export class CredentialsError extends Error {
    override readonly name = "CredentialsError";
}

const CONNECTION_ERROR_CODES = new Set([
    "ECONNREFUSED",
    "ECONNRESET",
    "ECONNABORTED",
    "EPIPE",
    "ETIMEDOUT",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "ENETDOWN",
    "EAI_AGAIN",
    "ERR_STREAM_PREMATURE_CLOSE",
    "UND_ERR_SOCKET",
]);

type Fields = Record<string, unknown>;

function field(value: unknown, key: string): unknown {
    return typeof value === "object" && value !== null ? (value as Fields)[key] : undefined;
}

function text(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" && value !== "undefined" ? value : undefined;
}

/**
 * Converts whatever an SDK call threw into an AlicloudApiError.
 * - API errors (the SDK's ThrottlingError / ClientError / ServerError, recognized by shape so that a second copy
 *   of the SDK in node_modules does not defeat `instanceof`): the API's code, status, request id and Message.
 * - Transport failures get a local code (LOCAL_ERROR_CODES): RequestTimeout, ConnectionFailed,
 *   EndpointUnresolvable, InvalidResponse. Their SDK message is dropped: it ends with the request URL.
 */
export function toApiError(error: unknown, context: ErrorContext): AlicloudApiError {
    if (error instanceof AlicloudApiError) return error;
    const base = { action: context.action, domainNames: context.domainNames };
    const clean = (message: string) => redact(message, context.secrets ?? []);

    if (error instanceof CredentialsError) {
        const code = LOCAL_ERROR_CODES.credentialsNotFound;
        return new AlicloudApiError({ ...base, code, apiMessage: clean(error.message), retryable: false });
    }

    const data = field(error, "data");
    const apiCode = text(field(data, "Code")) ?? text(field(data, "code"));
    const sdkName = text(field(error, "name")) ?? "";
    const isSdkApiError = ["ThrottlingError", "ClientError", "ServerError", "AlibabaCloudError"].includes(sdkName);
    if (apiCode !== undefined || isSdkApiError) {
        const code = apiCode ?? text(field(error, "code")) ?? LOCAL_ERROR_CODES.unexpected;
        const statusCodeValue = field(error, "statusCode");
        const statusCode = typeof statusCodeValue === "number" ? statusCodeValue : undefined;
        const requestId =
            text(field(data, "RequestId")) ?? text(field(data, "requestId")) ?? text(field(error, "requestId"));
        const retryAfterValue = field(error, "retryAfter");
        const retryAfterMs =
            typeof retryAfterValue === "number" && Number.isFinite(retryAfterValue) && retryAfterValue >= 0
                ? retryAfterValue
                : undefined;
        // The body's Message, not error.message: the latter is "code: 400, <Message> request id: <id>".
        const apiMessage =
            text(field(data, "Message")) ?? text(field(data, "message")) ?? (apiCode === undefined ? sdkMessage(error) : "");
        return new AlicloudApiError({
            ...base,
            code,
            statusCode,
            requestId,
            apiMessage: clean(apiMessage || "(no message)"),
            retryable: isRetryable(code, statusCode),
            retryAfterMs,
        });
    }

    const transport = classifyTransportFailure(error);
    if (transport !== undefined) {
        return new AlicloudApiError({ ...base, ...transport });
    }
    const description = clean(`${sdkName || "Error"}: ${sdkMessage(error)}`);
    return new AlicloudApiError({ ...base, code: LOCAL_ERROR_CODES.unexpected, apiMessage: description, retryable: false });
}

function sdkMessage(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    // httpx appends "<METHOD> <url> failed." to transport errors; drop it entirely rather than trust redaction.
    return message.replace(/\b(GET|POST|PUT|DELETE|HEAD)\s+\S+\s+failed\.?/g, "").trim();
}

/** Failures before the request could have reached the server: it was not sent, so it had no effect. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENETDOWN", "EAI_AGAIN"]);

function classifyTransportFailure(
    error: unknown,
): Pick<ApiErrorFields, "code" | "apiMessage" | "retryable" | "outcomeUnknown"> | undefined {
    const name = text(field(error, "name")) ?? "";
    const code = text(field(error, "code")) ?? "";
    const message = error instanceof Error ? error.message : "";
    if (name.includes("RequestTimeout") || /^(ReadTimeout|ConnectTimeout)/.test(message)) {
        const which = message.startsWith("ConnectTimeout") ? "connecting" : "waiting for the response";
        // Outcome unknown even for httpx's "ConnectTimeout": it is the socket's idle timeout, which also fires after
        // the request was sent, when the answer takes longer than the connect timeout (httpx lib/index.js).
        return { code: LOCAL_ERROR_CODES.requestTimeout, apiMessage: `timed out ${which}`, retryable: true, outcomeUnknown: true };
    }
    if (code === "ENOTFOUND") {
        return { code: LOCAL_ERROR_CODES.endpointUnresolvable, apiMessage: "the host name does not resolve (ENOTFOUND)", retryable: false };
    }
    if (CONNECTION_ERROR_CODES.has(code) || /socket hang up/i.test(message)) {
        const what = code || "socket hang up";
        return { code: LOCAL_ERROR_CODES.connectionFailed, apiMessage: `the connection failed (${what})`, retryable: true, outcomeUnknown: !NOT_SENT_CODES.has(code) };
    }
    if (error instanceof SyntaxError) {
        return {
            code: LOCAL_ERROR_CODES.invalidResponse,
            apiMessage: "the response body is not JSON",
            retryable: false,
        };
    }
    return undefined;
}
