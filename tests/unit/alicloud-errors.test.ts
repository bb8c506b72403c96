// The typed API error: a hint for every documented code worded for the kind of call that failed, nothing secret in
// any message, and one decision on which answers are waited out.
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ClientError, ServerError, ThrottlingError } from "@alicloud/openapi-core";
import {
    ACTION_KINDS,
    AlicloudApiError,
    HINTED_CODES,
    LOCAL_ERROR_CODES,
    RUN_AGAIN,
    asDeleteFailure,
    hintFor,
    isDomainNotFound,
    isTransientAnswer,
    redact,
} from "../../provider/apiErrors";
import { CredentialsError, toApiError } from "../../provider/alicloud/sdkErrors";

// Every code of the error tables of the API pages the project was founded on (SetDomainServerCertificate in two doc
// versions and the English reference, BatchSetCdnDomainServerCertificate, SetLiveDomainCertificate), plus the common
// codes every Alibaba Cloud RPC API answers (signature, throttling, 5xx).
const SEED_CODES = [
    "Certificate.FormatError",
    "Certificate.NotFind",
    "Certificate.MissMatch",
    "InvalidDomain.NotFound",
    "IllegalOperation",
    "ServiceBusy",
    "InvalidDomain.Offline",
    "OperationDenied",
    "InvalidServerCertificateStatus.ValueNotSupported",
    "ServerCertificate.MissingParameter",
    "PrivateKey.MissingParameter",
    "InvalidCertificate",
    "InvalidPrivateKey",
    "InvalidCertificate.TooLong",
    "InvalidCertName.TooLong",
    "SetDomainServerCertificate.ParameterError",
    "Certificate.StatusError",
    "DeleteFailed",
    "Certificate.Duplicated",
    "Certificate.KeyNull",
    "Key.Malformed",
    "Certificate.NotPermittedOff",
    "Certificate.SettedNotEffect",
    "SSLPub.MissingParameter",
    "SSLPri.MissingParameter",
    "InvalidSSLPub",
    "InvalidSSLPri",
    "IllegalOperationDomain",
    "AuthenticationFailed",
    "SetDomainCertificate.ParameterError",
    "CertStorage.failed",
    "CertificateContent.Duplicated",
    "Certificate.Expired",
    "InvalidDomain.notOnline",
    "Decode.Error",
    "sslPub.Error",
    "sslPri.Error",
    "DomainInSafeMode",
    "InvalidSSLPubOrInvalidSSLPri",
    "DomainInProtectedMode",
    "CertName.MissingParameter",
    "InvalidSSLProtocol.ValueNotSupported",
    "FunctionMutex",
];
const WIRE_CONTRACT_CODES = [
    "Throttling.User",
    "ServiceBusy",
    "InvalidDomain.NotFound",
    "IllegalOperation",
    "MissingParameter",
    "DomainNameOverLimit",
    "ServiceUnavailable",
    "InternalError",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId.NotFound",
    "IncompleteSignature",
    "InvalidTimeStamp.Expired",
    "SignatureNonceUsed",
    "InvalidAction.NotFound",
    "InvalidSecurityToken.Expired",
    "InvalidSecurityToken.Malformed",
    "InvalidSecurityToken.MismatchWithAccessKey",
];

const PEM_KEY = [
    "-----BEGIN PRIVATE KEY-----",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
    "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu",
    "-----END PRIVATE KEY-----",
].join("\n");
const SECRET = "s3cr3tAccessKeySecretValue42";
const TOKEN = "CAIS-security-token-with+special/chars==";

function codesInSeedFiles(dir: string): string[] {
    const codes = new Set<string>();
    for (const file of readdirSync(dir)) {
        const text = readFileSync(join(dir, file), "utf8");
        // Markdown tables: |400|Code|Message|... or |Code|Message|400|...
        for (const match of text.matchAll(/^\|\s*(?:\d{3}\s*\|\s*)?([A-Za-z][A-Za-z0-9.]*)\s*\|[^|\n]*\|\s*(?:\d{3}\s*\|)?/gm)) {
            const code = match[1]!;
            if (/\d{3}\s*\|/.test(match[0]) && code !== "HttpCode" && !/^(Parameter|Action|DomainName)$/.test(code)) codes.add(code);
        }
        // Flattened HTML tables: 400Code.NameMessage...
        for (const match of text.matchAll(
            /^(?:400|403|404)([A-Za-z][A-Za-z.]*?)(?=[A-Z][a-z]+ |The |Error |Turn |Certificate was |This domain |Function |Authentication |Parameters |Illegal |Not find |You are )/gm,
        )) {
            codes.add(match[1]!);
        }
    }
    return [...codes];
}

const UNKNOWN_CODE_HINT = hintFor("Never.Seen.Before", "set");

describe("hints", () => {
    for (const code of new Set([...SEED_CODES, ...WIRE_CONTRACT_CODES])) {
        it(`GIVEN ${code} THEN the hint table has an entry of its own, for every kind of call`, () => {
            assert.ok(HINTED_CODES.includes(code), `no hint for ${code}`);
            for (const kind of ACTION_KINDS) assert.notEqual(hintFor(code, kind), UNKNOWN_CODE_HINT, `${code} (${kind})`);
        });
    }

    const seedDir = "/work/shared/reference/seeds";
    it("GIVEN the seed documents THEN every code found in their error tables has a hint", { skip: !existsSync(seedDir) }, () => {
        const found = codesInSeedFiles(seedDir);
        assert.ok(found.length >= 20, `parsed only ${found.length} codes`);
        const missing = found.filter((code) => !HINTED_CODES.includes(code));
        assert.deepEqual(missing, []);
    });

    // Every code of the table, against each kind of call: a hint that says what to run names the command of its own
    // kind and never another's ("run the update again" was the hint of a failed listing in the fault storm, #18).
    for (const code of HINTED_CODES) {
        for (const kind of ACTION_KINDS) {
            it(`GIVEN ${code} from a ${kind} THEN its hint speaks of a ${kind} only`, () => {
                const hint = hintFor(code, kind);
                for (const other of ACTION_KINDS) if (other !== kind) assert.ok(!hint.includes(RUN_AGAIN[other]), `says "${RUN_AGAIN[other]}": ${hint}`);
                if (kind !== "set") assert.doesNotMatch(hint, /\bthe update\b|run `pulumi up` again/);
                if (kind === "read") assert.doesNotMatch(hint, /applying a previous change|`pulumi destroy`/);
                if (isTransientAnswer(code)) assert.ok(hint.includes(RUN_AGAIN[kind]), `a transient code's hint says to ${RUN_AGAIN[kind]}: ${hint}`);
            });
        }
    }

    it("GIVEN ServiceBusy THEN a read is told the API was busy, a set that the domain is configuring, a delete to destroy again", () => {
        assert.match(hintFor("ServiceBusy", "read"), /^the API answered a read as busy, which says nothing about the domain/);
        assert.match(hintFor("ServiceBusy", "set"), /^the domain is still applying a previous change .* run `pulumi up` again/);
        assert.match(hintFor("ServiceBusy", "delete"), /^the domain is still applying a previous change .* run `pulumi destroy` again/);
    });

    it("GIVEN Certificate.NotPermittedOff THEN the delete's hint names the retainOnDelete resource option, the set's does not", () => {
        assert.match(hintFor("Certificate.NotPermittedOff", "delete"), /retainOnDelete/);
        assert.doesNotMatch(hintFor("Certificate.NotPermittedOff", "set"), /retainOnDelete/);
    });

    it("GIVEN a set's error THEN asDeleteFailure rewords it for the delete; a read's stays a read's", () => {
        const fields = { action: "SetCdnDomainSSLCertificate", domainNames: ["d.example.com"], code: "ServiceBusy", statusCode: 403, apiMessage: "busy" };
        const deleted = asDeleteFailure(new AlicloudApiError({ ...fields, actionKind: "set" })) as AlicloudApiError;
        assert.equal(deleted.actionKind, "delete");
        assert.match(deleted.message, /run `pulumi destroy` again/);
        const read = new AlicloudApiError({ ...fields, action: "DescribeUserDomains", actionKind: "read" });
        assert.equal(asDeleteFailure(read), read);
    });

    it("GIVEN an unknown code of a known family THEN the family's hint; else a pointer to the error center", () => {
        assert.equal(hintFor("Throttling.Api.Burst", "read"), hintFor("Throttling", "read"));
        assert.equal(hintFor("InvalidSecurityToken.Whatever", "set"), hintFor("InvalidSecurityToken.Expired", "set"));
        assert.match(hintFor("Never.Seen", "read"), /error-center/);
    });

    it("GIVEN a code in another case THEN the hint is still found", () => {
        assert.equal(hintFor("invaliddomain.notonline", "set"), hintFor("InvalidDomain.notOnline", "set"));
    });
});

describe("isTransientAnswer: everything but a verdict about the domain, the account or the request is waited out", () => {
    const table: [string, number | undefined, boolean][] = [
        ["Throttling.User", 400, true],
        ["Throttling", 503, true],
        ["FlowControlError", 400, true],
        ["Rejected.Throttling", 400, true],
        ["ServiceBusy", 403, true],
        ["ServiceUnavailable", 503, true],
        ["InternalError", 500, true],
        ["SomethingNew", 502, true],
        ["SomethingNew", 400, true],
        ["SignatureNonceUsed", 400, true],
        ["CertStorage.failed", 400, true],
        [LOCAL_ERROR_CODES.requestTimeout, undefined, true],
        [LOCAL_ERROR_CODES.connectionFailed, undefined, true],
        [LOCAL_ERROR_CODES.invalidResponse, undefined, true],
        ["InvalidDomain.NotFound", 404, false],
        ["IllegalOperation", 403, false],
        ["Forbidden.RAM", 400, false],
        ["Forbidden.Whatever", 403, false],
        ["InvalidAccessKeyId.NotFound", 404, false],
        ["InvalidSecurityToken.Expired", 400, false],
        ["SignatureDoesNotMatch", 400, false],
        ["InvalidTimeStamp.Expired", 400, false],
        ["MissingParameter", 400, false],
        ["InvalidParameter", 400, false],
        ["Something.Malformed", 400, false],
        ["InvalidAction.NotFound", 404, false],
        ["Certificate.MissMatch", 400, false],
        ["Certificate.NotPermittedOff", 400, false],
        [LOCAL_ERROR_CODES.endpointUnresolvable, undefined, false],
        [LOCAL_ERROR_CODES.credentialsNotFound, undefined, false],
        [LOCAL_ERROR_CODES.unexpected, undefined, false],
    ];
    for (const [code, status, expected] of table) {
        it(`GIVEN ${code} (${status ?? "no status"}) THEN transient is ${expected}`, () => {
            assert.equal(isTransientAnswer(code, status), expected);
        });
    }
});

describe("redact", () => {
    it("GIVEN a PEM block THEN it is replaced", () => {
        const out = redact(`bad key: ${PEM_KEY} (end)`);
        assert.doesNotMatch(out, /BEGIN|MIIE/);
        assert.match(out, /bad key: \[redacted PEM\] \(end\)/);
    });
    it("GIVEN a URL-encoded PEM in a query THEN neither the PEM nor the query survive", () => {
        const url = `POST http://127.0.0.1:9/?DomainName=a.example.com&SSLPri=${encodeURIComponent(PEM_KEY)} failed.`;
        const out = redact(url);
        assert.doesNotMatch(out, /BEGIN|MIIE|SSLPri/);
    });
    it("GIVEN a truncated PEM (no END line) THEN the rest of the text is dropped", () => {
        assert.doesNotMatch(redact(PEM_KEY.slice(0, 80)), /MIIE/);
    });
    it("GIVEN a key body without armour THEN the long base64 run is replaced", () => {
        assert.doesNotMatch(redact("key MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj"), /MIIE/);
    });
    it("GIVEN literal secrets THEN they are replaced raw and URL-encoded", () => {
        const out = redact(`a ${SECRET} b ${encodeURIComponent(TOKEN)} c`, [SECRET, TOKEN]);
        assert.ok(!out.includes(SECRET) && !out.includes(encodeURIComponent(TOKEN)), out);
    });
    it("GIVEN ordinary text with a request id THEN it is unchanged", () => {
        const text = "The certificate is not match the private key. request 16A96B9A-F203-4EC5-8E43-CB92E68F4CD8";
        assert.equal(redact(text), text);
    });
});

describe("AlicloudApiError", () => {
    it("GIVEN the fields THEN the message has action, domain, code, request id, API message and hint", () => {
        const error = new AlicloudApiError({
            action: "SetCdnDomainSSLCertificate",
            actionKind: "set",
            domainNames: ["www.example.com"],
            code: "Certificate.MissMatch",
            statusCode: 400,
            requestId: "1A2B-3C4D",
            apiMessage: "The certificate is not match the private key.",
        });
        assert.equal(
            error.message,
            "SetCdnDomainSSLCertificate on www.example.com failed: Certificate.MissMatch (request 1A2B-3C4D): " +
                `The certificate is not match the private key. Fix: ${hintFor("Certificate.MissMatch", "set")}`,
        );
        assert.equal(error.domainName, "www.example.com");
        assert.equal(error.name, "AlicloudApiError");
        assert.ok(error instanceof Error);
    });
    it("GIVEN a bulk read's failure handed to one domain THEN the message names that domain and how many shared the call", () => {
        const error = new AlicloudApiError({
            action: "DescribeUserDomains",
            actionKind: "read",
            domainNames: ["a.example.com", "b.example.com"],
            code: "ServiceBusy",
            apiMessage: "busy",
        });
        const mine = error.with({ domainNames: ["b.example.com"], readWithOthers: 1 });
        assert.match(
            mine.message,
            /^DescribeUserDomains on b\.example\.com \(read together with 1 other domain\) failed: ServiceBusy: busy\. Fix: the API answered a read as busy/,
        );
    });
    it("GIVEN attempts THEN the message says after how many", () => {
        const error = new AlicloudApiError({ action: "A", actionKind: "set", domainNames: ["d"], code: "ServiceBusy", apiMessage: "busy" }).with({
            attempts: 8,
        });
        assert.match(error.message, /^A on d failed after 8 attempts: ServiceBusy: busy\. Fix: /);
        assert.equal(error.attempts, 8);
    });
    it("GIVEN an API message echoing a PEM THEN the error never holds it", () => {
        const error = new AlicloudApiError({ action: "A", actionKind: "set", domainNames: ["d"], code: "InvalidSSLPri", apiMessage: `bad: ${PEM_KEY}` });
        assert.doesNotMatch(error.message + error.apiMessage + String(error.stack), /BEGIN|MIIE/);
    });
});

describe("toApiError", () => {
    const context = { action: "SetLiveDomainCertificate", actionKind: "set" as const, domainNames: ["live.example.com"], secrets: [SECRET, TOKEN, PEM_KEY] };

    function sdkError(
        kind: typeof ClientError | typeof ServerError | typeof ThrottlingError,
        status: number,
        code: string,
        message: string,
        extra: object = {},
    ) {
        const data = { RequestId: "REQ-1", HostId: "live.aliyuncs.com", Code: code, Message: message, Recommend: "" };
        return new kind({ statusCode: status, code, message: `code: ${status}, ${message} request id: REQ-1`, data, requestId: "REQ-1", ...extra });
    }

    it("GIVEN a ClientError THEN code, status, request id and the body's Message are kept", () => {
        const error = toApiError(sdkError(ClientError, 400, "Certificate.MissMatch", "The SSLPri does not match."), context);
        assert.equal(error.code, "Certificate.MissMatch");
        assert.equal(error.statusCode, 400);
        assert.equal(error.requestId, "REQ-1");
        assert.equal(error.apiMessage, "The SSLPri does not match.");
        assert.equal(error.transient, false);
        assert.equal(error.action, "SetLiveDomainCertificate");
        assert.deepEqual(error.domainNames, ["live.example.com"]);
    });
    it("GIVEN a ThrottlingError with retry-after THEN transient with retryAfterMs", () => {
        const error = toApiError(
            sdkError(ThrottlingError, 400, "Throttling.User", "Request was denied due to user flow control.", { retryAfter: 1500 }),
            context,
        );
        assert.equal(error.code, "Throttling.User");
        assert.equal(error.transient, true);
        assert.equal(error.retryAfterMs, 1500);
    });
    it("GIVEN a ServerError THEN transient", () => {
        const error = toApiError(sdkError(ServerError, 503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."), context);
        assert.equal(error.transient, true);
        assert.equal(error.statusCode, 503);
    });
    it("GIVEN ServiceBusy (403) THEN transient: a read reads on, a set waits for the domain (the lifecycle's)", () => {
        assert.equal(
            toApiError(sdkError(ClientError, 403, "ServiceBusy", "The specified Domain is configuring, please retry later."), context).transient,
            true,
        );
    });
    it("GIVEN InvalidDomain.NotFound THEN isDomainNotFound", () => {
        assert.ok(isDomainNotFound(toApiError(sdkError(ClientError, 404, "InvalidDomain.NotFound", "The domain provided does not belong to you."), context)));
    });
    it("GIVEN an API message echoing the key and the secret THEN neither reaches the error", () => {
        const error = toApiError(sdkError(ClientError, 400, "InvalidSSLPri", `SSLPri ${PEM_KEY} for ${SECRET} token ${TOKEN}`), context);
        for (const leaked of [SECRET, TOKEN, "MIIE", "BEGIN"]) assert.ok(!error.message.includes(leaked), `${leaked} in ${error.message}`);
    });

    const url = `http://127.0.0.1:9/?DomainName=live.example.com&SSLPri=${encodeURIComponent(PEM_KEY)}`;
    // The last column: whether the request may have reached the API and taken effect with its answer lost.
    const transport: [string, () => Error, string, boolean, boolean][] = [
        [
            "a read timeout",
            () => Object.assign(new Error(`ReadTimeout(30000). POST ${url} failed.`), { name: "RequestTimeoutError" }),
            LOCAL_ERROR_CODES.requestTimeout,
            true,
            true,
        ],
        // httpx's ConnectTimeout is the socket's idle timeout: it also fires after the request was sent.
        [
            "a connect timeout",
            () => Object.assign(new Error(`ConnectTimeout: Connect ${url} failed.`), { name: "RequestTimeoutError" }),
            LOCAL_ERROR_CODES.requestTimeout,
            true,
            true,
        ],
        [
            "ECONNREFUSED",
            () => Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:9POST ${url} failed.`), { code: "ECONNREFUSED" }),
            LOCAL_ERROR_CODES.connectionFailed,
            true,
            false,
        ],
        [
            "ECONNRESET",
            () => Object.assign(new Error(`read ECONNRESET POST ${url} failed.`), { code: "ECONNRESET" }),
            LOCAL_ERROR_CODES.connectionFailed,
            true,
            true,
        ],
        ["socket hang up", () => new Error(`socket hang up POST ${url} failed.`), LOCAL_ERROR_CODES.connectionFailed, true, true],
        [
            "ENOTFOUND",
            () => Object.assign(new Error(`getaddrinfo ENOTFOUND cdn.example.invalid POST ${url} failed.`), { code: "ENOTFOUND" }),
            LOCAL_ERROR_CODES.endpointUnresolvable,
            false,
            false,
        ],
        // Whatever answered may have acted on the request first: a change is read back before it is sent again.
        ["a non-JSON body", () => new SyntaxError("Unexpected token < in JSON at position 0"), LOCAL_ERROR_CODES.invalidResponse, true, true],
        ["something else", () => new TypeError(`boom at ${url}`), LOCAL_ERROR_CODES.unexpected, false, false],
    ];
    for (const [what, make, code, transient, outcomeUnknown] of transport) {
        it(`GIVEN ${what} THEN code ${code}, transient ${transient}, outcome unknown ${outcomeUnknown}, and no URL or key in the message`, () => {
            const error = toApiError(make(), context);
            assert.equal(error.code, code);
            assert.equal(error.transient, transient);
            assert.equal(error.outcomeUnknown, outcomeUnknown);
            assert.equal(error.requestId, undefined);
            for (const leaked of ["MIIE", "BEGIN", "SSLPri", "%2D"]) assert.ok(!error.message.includes(leaked), `${leaked} in ${error.message}`);
        });
    }

    it("GIVEN a CredentialsError THEN code CredentialsNotFound, not transient, the fix kept", () => {
        const error = toApiError(new CredentialsError("no credentials. Set `pulumi config set alicloud:accessKey`"), context);
        assert.equal(error.code, LOCAL_ERROR_CODES.credentialsNotFound);
        assert.equal(error.transient, false);
        assert.match(error.message, /alicloud:accessKey/);
    });
    it("GIVEN an AlicloudApiError THEN it passes through unchanged", () => {
        const original = new AlicloudApiError({ action: "A", actionKind: "set", domainNames: [], code: "X", apiMessage: "m" });
        assert.equal(toApiError(original, context), original);
    });
});
