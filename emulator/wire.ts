// The HTTP exchange as the Alibaba endpoints make it, shared by the API pipeline, the test hooks and the server's own
// answers: a body read within its limit, a JSON answer, and the JSON error body with its request id.
import { randomUUID } from "node:crypto";
import type * as http from "node:http";
import * as errors from "./errors";
import type { ApiError } from "./errors";
import { productForHost } from "./handlers/actions";

/** A request id as the real endpoints spell it: an upper-case UUID. */
export function newRequestId(): string {
    return randomUUID().toUpperCase();
}

/** The body every error answers with; `hostId` names the product (or `emulator`, for the emulator's own answers). */
export function errorBody(error: ApiError, requestId: string, hostId: string) {
    return {
        RequestId: requestId,
        HostId: hostId,
        Code: error.code,
        Message: error.message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=${productForHost(hostId)?.troubleshootProduct ?? "Cdn"}`,
    };
}

const JSON_HEADERS = { "content-type": "application/json;charset=utf-8" } as const;

/**
 * Answers `body` as JSON. Every answer says `connection: keep-alive` itself (unless the request or the server asked
 * to close), so that Node adds no `Keep-Alive: timeout=` hint a real front end would not send (connections.ts).
 */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, extraHeaders: Readonly<Record<string, string>> = {}): void {
    const text = JSON.stringify(body);
    const connection = res.getHeader("connection") ?? (res.req.headers.connection?.toLowerCase() === "close" ? "close" : "keep-alive");
    res.writeHead(status, { ...JSON_HEADERS, "content-length": Buffer.byteLength(text), connection: String(connection), ...extraHeaders });
    res.end(text);
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const declared = Number(req.headers["content-length"] ?? "0");
        if (declared > limit) {
            reject(new BodyTooLarge());
            return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
                reject(new BodyTooLarge());
                req.removeAllListeners("data");
                req.resume();
                return;
            }
            chunks.push(chunk);
        });
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

/** The request's body; one over `limit` bytes is the gateway's RequestEntityTooLarge, and the rest of it is not kept. */
export async function readBodyWithin(req: http.IncomingMessage, limit: number): Promise<Buffer> {
    try {
        return await readBody(req, limit);
    } catch (error) {
        throw error instanceof BodyTooLarge ? errors.requestBodyTooLarge(limit) : error;
    }
}
