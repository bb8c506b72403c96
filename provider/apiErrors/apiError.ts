// One error type for everything that goes wrong talking to Alibaba Cloud. It names the action, the domain, the
// API's code and request id, and says what to do about it, worded for what the call was doing (hints.ts). Its
// message is built from scratch and redacted (redaction.ts); whether it is worth waiting out is transience.ts's
// one decision, made here once from the code and status.
import type { ActionKind } from "./codes";
import { hintFor } from "./hints";
import { redact } from "./redaction";
import { isTransientAnswer } from "./transience";

export interface ApiErrorFields {
    readonly action: string;
    /** The action as a RAM policy names it (`cdn:SetCdnDomainSSLCertificate`), for a permission error's hint. */
    readonly ramAction?: string;
    /** What the call was doing: a read, a set, or the set of a delete. */
    readonly actionKind: ActionKind;
    /** The domain(s) the call was about; several for a batch call. */
    readonly domainNames: readonly string[];
    /** A bulk read's failure handed to one of the domains it was for: how many others the call read with it. */
    readonly readWithOthers?: number;
    readonly code: string;
    readonly statusCode?: number;
    readonly requestId?: string;
    /** The API's own message (already redacted), or a description of the local failure. */
    readonly apiMessage: string;
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

// The fields, readable on the error itself (declaration merging: written once, in ApiErrorFields); the constructor
// fills `attempts` (1) and `outcomeUnknown` (false) when they are not given.
export interface AlicloudApiError extends Readonly<ApiErrorFields> {
    readonly attempts: number;
    readonly outcomeUnknown: boolean;
}

/** An Alibaba Cloud API call that failed, explained. Never holds a key, a certificate or a credential. */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above declares the fields Object.assign sets, written once
export class AlicloudApiError extends Error {
    override readonly name = "AlicloudApiError";
    readonly hint: string;
    /** Worth waiting out (transience.ts): no verdict about the domain, the account or the request. */
    readonly transient: boolean;
    readonly #fields: ApiErrorFields;

    constructor(fields: ApiErrorFields) {
        const clean: ApiErrorFields = {
            ...fields,
            domainNames: [...fields.domainNames],
            apiMessage: redact(fields.apiMessage),
            attempts: fields.attempts ?? 1,
            outcomeUnknown: fields.outcomeUnknown ?? false,
        };
        const hint = hintFor(clean.code, clean.actionKind, clean.ramAction);
        super(formatMessage(clean, hint));
        Object.assign(this, clean);
        this.#fields = clean;
        this.hint = hint;
        this.transient = isTransientAnswer(clean.code, clean.statusCode);
    }

    /** The single domain of the call (the first one of a batch). */
    get domainName(): string | undefined {
        return this.domainNames[0];
    }

    /** The same failure with some fields changed (the attempts the retry layer counted, the kind the lifecycle knows). */
    with(changes: Partial<ApiErrorFields>): AlicloudApiError {
        return new AlicloudApiError({ ...this.#fields, ...changes });
    }
}

function formatMessage(fields: ApiErrorFields, hint: string): string {
    const others = fields.readWithOthers ? ` (read together with ${fields.readWithOthers} other domain${fields.readWithOthers === 1 ? "" : "s"})` : "";
    const target = fields.domainNames.length === 0 ? "" : ` on ${fields.domainNames.join(", ")}${others}`;
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

/** A set's failure, reworded for the delete it was part of (the set that turns HTTPS off). */
export function asDeleteFailure(error: unknown): unknown {
    return error instanceof AlicloudApiError && error.actionKind === "set" ? error.with({ actionKind: "delete" }) : error;
}
