// A request as the API layer sees it: parameters decoded once, the raw body kept for the signature checks.
import type { IncomingHttpHeaders } from "node:http";
import * as errors from "./errors";

export interface ApiRequest {
    readonly method: string;
    readonly path: string;
    readonly headers: IncomingHttpHeaders;
    /** Decoded query parameters (the first occurrence of a repeated key wins). */
    readonly query: ReadonlyMap<string, string>;
    /** Decoded `application/x-www-form-urlencoded` body parameters, if any. */
    readonly form: ReadonlyMap<string, string>;
    readonly body: Buffer;
}

/**
 * Decodes `a=b&c=d` strictly: a broken percent-escape is an error, not a silently different parameter (which
 * would surface later as a baffling signature mismatch). `+` means space, as in every form encoding.
 */
export function parseParameters(raw: string): Map<string, string> {
    const params = new Map<string, string>();
    if (raw === "") return params;
    for (const pair of raw.split("&")) {
        if (pair === "") continue;
        const at = pair.indexOf("=");
        const rawKey = at < 0 ? pair : pair.slice(0, at);
        const rawValue = at < 0 ? "" : pair.slice(at + 1);
        let key: string;
        let value: string;
        try {
            key = decodeURIComponent(rawKey.replace(/\+/g, " "));
            value = decodeURIComponent(rawValue.replace(/\+/g, " "));
        } catch {
            throw errors.malformedRequest("a query or form parameter has a broken percent-encoding");
        }
        if (key === "") throw errors.malformedRequest("a query or form parameter has no name");
        if (!params.has(key)) params.set(key, value);
    }
    return params;
}

export function header(request: ApiRequest, name: string): string | undefined {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(",") : value;
}

/** Action parameters: the query, then form fields the query does not already carry. */
export function actionParameters(request: ApiRequest): Map<string, string> {
    const merged = new Map(request.query);
    for (const [k, v] of request.form) if (!merged.has(k)) merged.set(k, v);
    return merged;
}
