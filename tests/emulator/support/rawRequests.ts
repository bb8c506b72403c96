// Raw HTTP to an emulator, for what the SDK will not send: malformed, replayed and skewed requests, signed with the
// SDK's own utilities, and the testing hooks.
import * as $dara from "@darabonba/typescript";
import { OpenApiUtil } from "@alicloud/openapi-core";
import { createHash } from "node:crypto";
import * as http from "node:http";
import { stringify } from "node:querystring";
import type { RunningEmulator } from "../../../emulator";
import type { Keys } from "./fixtures";

export interface RawResponse {
    readonly status: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly text: string;
    readonly json: Record<string, unknown>;
}

/** A plain HTTP request (no SDK), for malformed and replayed requests. */
export function rawRequest(
    emulator: RunningEmulator,
    options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
        const req = http.request(
            { host: "127.0.0.1", port: emulator.port, method: options.method ?? "POST", path: options.path, headers: options.headers ?? {}, agent: false },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => {
                    const text = Buffer.concat(chunks).toString("utf8");
                    let json: Record<string, unknown>;
                    try {
                        json = JSON.parse(text) as Record<string, unknown>;
                    } catch {
                        reject(new Error(`not JSON (status ${res.statusCode}): ${text.slice(0, 200)}`));
                        return;
                    }
                    resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
                });
            },
        );
        req.on("error", reject);
        if (options.body !== undefined) req.write(options.body);
        req.end();
    });
}

export function acsTimestamp(date: Date): string {
    return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * A V3-signed request built and signed with the SDK's own OpenApiUtil.getAuthorization, for what the SDK will
 * not send by itself: a skewed clock, a replay of the same nonce, an unknown version.
 */
export function signedV3(
    emulator: RunningEmulator,
    keys: Keys,
    action: string,
    version: string,
    query: Record<string, string>,
    overrides: { date?: Date; nonce?: string } = {},
): { path: string; headers: Record<string, string> } {
    const request = new $dara.Request();
    request.method = "POST";
    request.pathname = "/";
    request.query = query;
    const payload = createHash("sha256").update("").digest("hex");
    request.headers = {
        host: emulator.hostPort,
        "x-acs-action": action,
        "x-acs-version": version,
        "x-acs-date": acsTimestamp(overrides.date ?? new Date()),
        "x-acs-signature-nonce": overrides.nonce ?? OpenApiUtil.getNonce(),
        "x-acs-content-sha256": payload,
    };
    request.headers.Authorization = OpenApiUtil.getAuthorization(request, "ACS3-HMAC-SHA256", payload, keys.accessKeyId, keys.accessKeySecret);
    return { path: `/?${stringify(query)}`, headers: request.headers };
}

/** A legacy (HMAC-SHA1) request signed with the SDK's OpenApiUtil.getRPCSignature. */
export function signedLegacy(
    keys: Keys,
    action: string,
    version: string,
    query: Record<string, string>,
    overrides: { date?: Date; nonce?: string } = {},
): { path: string } {
    const params: Record<string, string> = {
        Action: action,
        Format: "json",
        Version: version,
        Timestamp: acsTimestamp(overrides.date ?? new Date()),
        SignatureNonce: overrides.nonce ?? OpenApiUtil.getNonce(),
        SignatureMethod: "HMAC-SHA1",
        SignatureVersion: "1.0",
        AccessKeyId: keys.accessKeyId,
        ...query,
    };
    params.Signature = OpenApiUtil.getRPCSignature(params, "POST", keys.accessKeySecret);
    return { path: `/?${stringify(params)}` };
}

/** JSON from a hook. */
export async function hook(emulator: RunningEmulator, method: string, path: string, body?: unknown): Promise<RawResponse> {
    return rawRequest(emulator, {
        method,
        path,
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
}
