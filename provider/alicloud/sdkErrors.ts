// Converting whatever an SDK call threw into an AlicloudApiError: the API's answer as the API gave it, and a local
// code for a failure that never got one (lost connection, timeout, a body that is not JSON, no credentials).
import { AlicloudApiError, type ApiErrorFields } from "../apiErrors/apiError";
import { LOCAL_ERROR_CODES, type ActionKind } from "../apiErrors/codes";
import { redact } from "../apiErrors/redaction";

export interface ErrorContext {
    readonly action: string;
    /** The action as a RAM policy names it, for a permission error's hint. */
    readonly ramAction?: string;
    readonly actionKind: ActionKind;
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

/** Failures before the request could have reached the server: it was not sent, so it had no effect. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENETDOWN", "EAI_AGAIN"]);

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
    const base = {
        action: context.action,
        actionKind: context.actionKind,
        domainNames: context.domainNames,
        ...(context.ramAction ? { ramAction: context.ramAction } : {}),
    };
    const clean = (message: string) => redact(message, context.secrets ?? []);

    if (error instanceof CredentialsError) {
        return new AlicloudApiError({ ...base, code: LOCAL_ERROR_CODES.credentialsNotFound, apiMessage: clean(error.message) });
    }

    const data = field(error, "data");
    const apiCode = text(field(data, "Code")) ?? text(field(data, "code"));
    const sdkName = text(field(error, "name")) ?? "";
    const isSdkApiError = ["ThrottlingError", "ClientError", "ServerError", "AlibabaCloudError"].includes(sdkName);
    if (apiCode !== undefined || isSdkApiError) {
        const code = apiCode ?? text(field(error, "code")) ?? LOCAL_ERROR_CODES.unexpected;
        const statusCodeValue = field(error, "statusCode");
        const statusCode = typeof statusCodeValue === "number" ? statusCodeValue : undefined;
        const requestId = text(field(data, "RequestId")) ?? text(field(data, "requestId")) ?? text(field(error, "requestId"));
        const retryAfterValue = field(error, "retryAfter");
        const retryAfterMs = typeof retryAfterValue === "number" && Number.isFinite(retryAfterValue) && retryAfterValue >= 0 ? retryAfterValue : undefined;
        // The body's Message, not error.message: the latter is "code: 400, <Message> request id: <id>".
        const apiMessage = text(field(data, "Message")) ?? text(field(data, "message")) ?? (apiCode === undefined ? sdkMessage(error) : "");
        return new AlicloudApiError({ ...base, code, statusCode, requestId, apiMessage: clean(apiMessage || "(no message)"), retryAfterMs });
    }

    const transport = classifyTransportFailure(error);
    if (transport !== undefined) return new AlicloudApiError({ ...base, ...transport });
    const description = clean(`${sdkName || "Error"}: ${sdkMessage(error)}`);
    return new AlicloudApiError({ ...base, code: LOCAL_ERROR_CODES.unexpected, apiMessage: description });
}

function sdkMessage(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    // httpx appends "<METHOD> <url> failed." to transport errors; drop it entirely rather than trust redaction.
    return message.replace(/\b(GET|POST|PUT|DELETE|HEAD)\s+\S+\s+failed\.?/g, "").trim();
}

function classifyTransportFailure(error: unknown): Pick<ApiErrorFields, "code" | "apiMessage" | "outcomeUnknown"> | undefined {
    const name = text(field(error, "name")) ?? "";
    const code = text(field(error, "code")) ?? "";
    const message = error instanceof Error ? error.message : "";
    if (name.includes("RequestTimeout") || /^(ReadTimeout|ConnectTimeout)/.test(message)) {
        const which = message.startsWith("ConnectTimeout") ? "connecting" : "waiting for the response";
        // Outcome unknown even for httpx's "ConnectTimeout": it is the socket's idle timeout, which also fires after
        // the request was sent, when the answer takes longer than the connect timeout (httpx lib/index.js).
        return { code: LOCAL_ERROR_CODES.requestTimeout, apiMessage: `timed out ${which}`, outcomeUnknown: true };
    }
    if (code === "ENOTFOUND") {
        return { code: LOCAL_ERROR_CODES.endpointUnresolvable, apiMessage: "the host name does not resolve (ENOTFOUND)" };
    }
    if (CONNECTION_ERROR_CODES.has(code) || /socket hang up/i.test(message)) {
        const what = code || "socket hang up";
        return { code: LOCAL_ERROR_CODES.connectionFailed, apiMessage: `the connection failed (${what})`, outcomeUnknown: !NOT_SENT_CODES.has(code) };
    }
    if (error instanceof SyntaxError) {
        // The body did not parse: whatever answered may have acted on the request first.
        return { code: LOCAL_ERROR_CODES.invalidResponse, apiMessage: "the response body is not JSON", outcomeUnknown: true };
    }
    return undefined;
}
