// Stage: parse. Reads the body within its limit and decodes the query and the form, strictly. What the request
// claims (its key, action and version) is noted before anything is verified, so that even a refused request's log
// entry and error body name them.
import { actionParameters, header, parseParameters } from "../apiRequest";
import { claimedAccessKeyId, claimedAction } from "../authentication";
import * as errors from "../errors";
import { ApiError } from "../errors";
import { productForVersion } from "../handlers/actions";
import { readBodyWithin } from "../wire";
import type { ApiCall, StageResult } from "./call";

export async function parse(call: ApiCall): Promise<StageResult> {
    const { req, res } = call;
    const body = await readBodyWithin(req, call.emulator.maxBodyBytes).catch((error: unknown) => {
        // What is left of a body over the limit is never read, so the connection can carry no further request.
        if (error instanceof ApiError) res.setHeader("connection", "close");
        throw error;
    });
    const method = req.method ?? "GET";
    if (method !== "POST" && method !== "GET") throw errors.unsupportedMethod(method);
    const query = parseParameters(call.rawQuery);
    // Only a form-encoded body carries parameters; the official SDKs send none and put everything in the query.
    const contentType = (req.headers["content-type"] ?? "").toLowerCase();
    const form = contentType.startsWith("application/x-www-form-urlencoded") ? parseParameters(body.toString("utf8")) : new Map<string, string>();
    const request = { method, path: call.path, headers: req.headers, query, form, body };
    call.request = request;
    call.accessKeyId = claimedAccessKeyId(request);
    call.action = claimedAction(request);
    const claimedVersion = header(request, "x-acs-version") ?? actionParameters(request).get("Version");
    call.hostId = (claimedVersion && productForVersion(claimedVersion)?.host) || call.hostId;
    return "next";
}
