// What to do about an API error: a fix hint for every code of the set and describe actions (the error tables of the
// CDN and Live docs, and the common codes of the Alibaba Cloud gateway), worded for what failed. A read, a set and
// a delete each get their own wording: "run the update again" is no help when a refresh failed on a listing, and
// "run `pulumi up`" is the wrong advice for a destroy.
import { LOCAL_ERROR_CODES, type ActionKind } from "./codes";

/** What a hint may be worded from: the kind of call, and the call's action as a RAM policy names it. */
export interface HintFacts {
    readonly kind: ActionKind;
    /** E.g. `yundun-cert:UploadUserCertificate`. */
    readonly ramAction?: string;
}

/** A hint: one text for every kind of call, one per kind, or one worded from the facts of the call. */
export type Hint = string | Readonly<Record<ActionKind, string>> | ((facts: HintFacts) => string);

/** What to run once the cause is fixed, per kind of call. */
export const RUN_AGAIN: Readonly<Record<ActionKind, string>> = {
    read: "run the same command again",
    set: "run `pulumi up` again",
    delete: "run `pulumi destroy` again (or `pulumi up`, when the resource was removed from the program)",
};

/** One hint per kind, from a function of that kind's "run ... again". */
function perKind(make: (again: string, kind: ActionKind) => string): Hint {
    return { read: make(RUN_AGAIN.read, "read"), set: make(RUN_AGAIN.set, "set"), delete: make(RUN_AGAIN.delete, "delete") };
}

const CONFIGURE_CREDENTIALS =
    "set `pulumi config set alicloud:accessKey <id>` and `pulumi config set --secret alicloud:secretKey <secret>` " +
    "(plus `alicloud:securityToken` for STS), or the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and " +
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
const CHECK_CERTIFICATE = "check that `certificate` is a PEM chain (BEGIN CERTIFICATE blocks, leaf first) and was not truncated";
const CHECK_KEY = "check that `privateKey` is the PEM private key (PKCS#1, PKCS#8 or SEC1) of the leaf certificate";
const CONTACT_SUPPORT = "this needs Alibaba Cloud support; open a ticket quoting the request id";
const ENDPOINTS = "`alicloud-certs:cdnEndpoint` / `alicloud-certs:liveEndpoint` (and ALICLOUD_CDN_ENDPOINT / ALICLOUD_LIVE_ENDPOINT)";

/**
 * A transient answer the provider already waited out: a set or delete retries the call with backoff (a minute),
 * then reads the domain and sends it again until the resource's deadline; a read reads on until the deadline.
 * So the API kept answering this way for all that time.
 */
const WAITED_OUT = perKind((again, kind) =>
    kind === "read"
        ? `transient; the provider read on through it until the resource's deadline (\`confirmTimeoutSeconds\`; a refresh, 5 minutes at most), so the API kept failing that long: ${again} in a few minutes`
        : `transient; the provider retried with backoff until the resource's deadline (\`confirmTimeoutSeconds\`), so the API kept failing that long: ${again} in a few minutes`,
);
const THROTTLED = perKind((again, kind) =>
    kind === "read"
        ? `the account's calls per second were used up (transient); the provider read on through it until the resource's deadline: ${again} in a minute, and if it persists run fewer operations at once (\`--parallel\`, or fewer stacks on one account at a time)`
        : `the account's calls per second were used up (transient); the provider retried with backoff until the resource's deadline: ${again} in a minute, and if it persists run fewer updates at once (\`pulumi up --parallel\`, or fewer stacks on one account at a time)`,
);

const HINTS: Readonly<Record<string, Hint>> = {
    // --- Gateway and account ---
    Throttling: THROTTLED,
    "Throttling.User": THROTTLED,
    "Throttling.Api": THROTTLED,
    ServiceBusy: perKind((again, kind) =>
        kind === "read"
            ? `the API answered a read as busy, which says nothing about the domain (transient); the provider read on through it until the resource's deadline: ${again} in a few minutes`
            : `the domain is still applying a previous change (status \`configuring\`), longer than the resource's deadline (\`confirmTimeoutSeconds\`); wait until it is \`online\` and ${again}, or raise confirmTimeoutSeconds`,
    ),
    ServiceUnavailable: WAITED_OUT,
    InternalError: WAITED_OUT,
    SignatureDoesNotMatch: `the AccessKey secret does not match the AccessKey id; ${CONFIGURE_CREDENTIALS}`,
    "InvalidAccessKeyId.NotFound": `the AccessKey id does not exist (deleted or mistyped); ${CONFIGURE_CREDENTIALS}`,
    "InvalidAccessKeyId.Inactive": `the AccessKey is disabled; enable it in the RAM console or ${CONFIGURE_CREDENTIALS}`,
    IncompleteSignature:
        "the request signature is incomplete; check that the endpoint override points at the real API (or the emulator) and not at a proxy that rewrites requests",
    "InvalidTimeStamp.Expired": perKind((again) => `the local clock is off by more than 15 minutes; synchronize it (NTP) and ${again}`),
    SignatureNonceUsed: WAITED_OUT,
    "InvalidAction.NotFound": `the endpoint does not know this action; check ${ENDPOINTS} point at the right product`,
    "InvalidSecurityToken.Expired":
        "the STS security token has expired; obtain a new one and update `alicloud:securityToken` (or ALIBABA_CLOUD_SECURITY_TOKEN)",
    "InvalidSecurityToken.Malformed":
        "the STS security token is malformed; set the complete token in `alicloud:securityToken` (or ALIBABA_CLOUD_SECURITY_TOKEN)",
    "InvalidSecurityToken.MismatchWithAccessKey":
        "the STS security token belongs to a different AccessKey id; set the id, secret and token of one STS credential together",
    InvalidCredentials: `no usable credentials reached the SDK; ${CONFIGURE_CREDENTIALS}`,
    MissingParameter: "a required parameter was not sent; this is a provider bug, please report it with the request id",
    OperationDenied: perKind((again) => `the account's CDN service is suspended (overdue payment); top up the account and ${again}`),
    "Forbidden.RAM": ({ ramAction }) =>
        `the RAM user may not call this action; ${ramAction ? `add "${ramAction}" to the Action list of its RAM policy` : "grant it in the RAM user's policy"} ` +
        "(the README's credentials section, and examples/ram-policy.json in the repository: exactly the actions this package calls), or AliyunCDNFullAccess / AliyunLiveFullAccess and AliyunYundunCertFullAccess",
    AuthenticationFailed: `authentication failed; ${CONFIGURE_CREDENTIALS}, and check the RAM user may call this action`,

    // --- Domain ---
    "InvalidDomain.NotFound": "the domain does not exist in this account; add it in the console first, or check the account's credentials",
    IllegalOperation:
        "the account may not change this domain (not its owner, or the domain is locked); check the domain belongs to the account of the credentials",
    IllegalOperationDomain: "the account may not change this domain; check the domain belongs to the account of the credentials and the RAM user's permissions",
    "InvalidDomain.Offline": perKind((again) => `the domain is offline; start it in the console (or its API) and ${again}`),
    "InvalidDomain.notOnline": perKind((again) => `the domain is not online (offline, configuring or under review); wait until it is \`online\` and ${again}`),
    "InvalidDomain.Configure_failed": perKind(
        (again) => `the domain's last change failed to apply; correct or revert it in the console (its operation records say which), then ${again}`,
    ),
    DomainInSafeMode: `the domain is in safe mode; ${CONTACT_SUPPORT}`,
    DomainInProtectedMode: `the domain is in protected mode; ${CONTACT_SUPPORT}`,
    DomainNameOverLimit: "too many domains in one batch call; this is a provider bug (batches are capped), please report it",
    FunctionMutex: perKind(
        (again) => `another feature configured on the domain excludes this change; disable the conflicting feature in the console, then ${again}`,
    ),

    // --- Parameters ---
    "InvalidServerCertificateStatus.ValueNotSupported": "`status` must be `on` or `off`",
    "InvalidSSLProtocol.ValueNotSupported": "`status` must be `on` or `off`",
    "ServerCertificate.MissingParameter": 'with `status: "on"` and `certType: "upload"`, `certificate` is required',
    "PrivateKey.MissingParameter": 'with `status: "on"` and `certType: "upload"`, `privateKey` is required',
    "SSLPub.MissingParameter": 'with `status: "on"` and `certType: "upload"`, `certificate` is required',
    "SSLPri.MissingParameter": 'with `status: "on"` and `certType: "upload"`, `privateKey` is required',
    "CertName.MissingParameter": "set `certName` (or leave it unset to use the name derived from the certificate)",
    "SetDomainServerCertificate.ParameterError":
        "the API rejected the parameter combination; check `certType` (free and cas need no key) and that `certId`/`certRegion` are set only for cas",
    "SetDomainCertificate.ParameterError":
        "the API rejected the parameter combination; check `certType` (free and cas need no key) and that `certId`/`certRegion` are set only for cas",
    "InvalidCertName.TooLong": "`certName` may have at most 128 characters",

    // --- Certificate and key content ---
    InvalidCertificate: CHECK_CERTIFICATE,
    InvalidSSLPub: CHECK_CERTIFICATE,
    "Certificate.FormatError": CHECK_CERTIFICATE,
    "sslPub.Error": CHECK_CERTIFICATE,
    InvalidPrivateKey: CHECK_KEY,
    InvalidSSLPri: CHECK_KEY,
    "Key.Malformed": CHECK_KEY,
    "sslPri.Error": CHECK_KEY,
    "Certificate.KeyNull": "`privateKey` is required with an uploaded certificate",
    InvalidSSLPubOrInvalidSSLPri: `${CHECK_CERTIFICATE}; ${CHECK_KEY}`,
    "Decode.Error": `the API could not decode the PEM; ${CHECK_CERTIFICATE}; ${CHECK_KEY}`,
    "Certificate.MissMatch":
        "`privateKey` is not the key of the leaf certificate; pair the certificate with its own key (the leaf must come first in the chain)",
    "InvalidCertificate.TooLong": "the certificate chain and key exceed the API's size limit; drop the root and unneeded intermediates from `certificate`",
    "Certificate.Expired": "the certificate has expired; deploy a renewed certificate",

    // --- Certificate store ---
    "Certificate.NotFind": 'the certificate service has no certificate with that id/name; for `certType: "cas"` check `certId` and `certRegion`',
    "Certificate.StatusError":
        'the referenced certificate does not exist or is not usable (revoked, expired, pending); for `certType: "cas"` check it in the certificate service',
    "Certificate.Duplicated": "a different certificate already uses this `certName`; pick another name, or set `forceSet: true` to overwrite it",
    "CertificateContent.Duplicated": "this exact certificate is already uploaded under another name; reuse that `certName` or set `forceSet: true`",
    "CertStorage.failed": WAITED_OUT,
    DeleteFailed: perKind((again) => `the API failed to remove the old certificate; ${again}, and if it persists ${CONTACT_SUPPORT}`),
    "Certificate.NotPermittedOff": {
        read: "Alibaba Cloud refuses to turn HTTPS off on this domain (it would change its scheduling); ask Alibaba Cloud support to allow it",
        set:
            'Alibaba Cloud refuses to turn HTTPS off on this domain (it would change its scheduling); declare `status: "on"` ' +
            "with a certificate instead, or ask Alibaba Cloud support to allow turning it off",
        delete:
            "Alibaba Cloud refuses to turn HTTPS off on this domain (it would change its scheduling). To remove the resource " +
            "from the stack without turning HTTPS off, set the `retainOnDelete: true` resource option (then run `pulumi up` " +
            "before `pulumi destroy`), or ask Alibaba Cloud support to allow it",
    },
    "Certificate.SettedNotEffect": `the certificate was stored but is not serving yet, to protect the current service; ${CONTACT_SUPPORT}`,

    // --- Failures that never reached the API ---
    [LOCAL_ERROR_CODES.requestTimeout]: perKind(
        (again, kind) =>
            `the API did not answer in time, again and again until the resource's deadline (transient; the provider ${kind === "read" ? "read on" : "retried"} through it); check network access to the endpoint, raise the timeouts if your network is slow, and ${again}`,
    ),
    [LOCAL_ERROR_CODES.connectionFailed]: perKind(
        (again, kind) =>
            `the connection to the API failed or was dropped, again and again until the resource's deadline (transient; the provider ${kind === "read" ? "read on" : "retried"} through it); check network access to the endpoint and ${again}`,
    ),
    [LOCAL_ERROR_CODES.endpointUnresolvable]: `the endpoint's host name does not resolve; check ${ENDPOINTS}, or your DNS`,
    [LOCAL_ERROR_CODES.invalidResponse]: perKind(
        (again) =>
            `the endpoint kept answering with something that is not the Alibaba Cloud API until the resource's deadline (a proxy page, or a server with a small header limit); check ${ENDPOINTS}, then ${again}`,
    ),
    [LOCAL_ERROR_CODES.credentialsNotFound]: `no credentials found; ${CONFIGURE_CREDENTIALS}`,
    [LOCAL_ERROR_CODES.unexpected]: "an unexpected failure; please report it with the request id, if any",
};

/** Every code this package has a hint for, exactly as the API spells it. */
export const HINTED_CODES: readonly string[] = Object.keys(HINTS);

const BY_LOWERCASE_CODE = new Map(Object.entries(HINTS).map(([code, hint]) => [code.toLowerCase(), hint]));

function worded(hint: Hint, facts: HintFacts): string {
    if (typeof hint === "string") return hint;
    return typeof hint === "function" ? hint(facts) : hint[facts.kind];
}

/** The fix hint for an API error code from a call of `kind` (exact match, then case-insensitive, then by family). */
export function hintFor(code: string, kind: ActionKind, ramAction?: string): string {
    const facts: HintFacts = { kind, ...(ramAction ? { ramAction } : {}) };
    const exact = HINTS[code] ?? BY_LOWERCASE_CODE.get(code.toLowerCase());
    if (exact !== undefined) return worded(exact, facts);
    if (code.includes("Throttling")) return worded(THROTTLED, facts);
    if (code.startsWith("InvalidSecurityToken")) return worded(HINTS["InvalidSecurityToken.Expired"]!, facts);
    if (code.startsWith("InvalidAccessKeyId")) return worded(HINTS["InvalidAccessKeyId.NotFound"]!, facts);
    if (code.startsWith("Forbidden")) return worded(HINTS["Forbidden.RAM"]!, facts);
    return "see the Alibaba Cloud error center (https://error-center.alibabacloud.com) for this code, quoting the request id";
}
