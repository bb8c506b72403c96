// ACS3-HMAC-SHA256, the SDK's default signature (wire-contract.md, "Verifying the V3 signature").
import { createHash, createHmac } from "node:crypto";
import { header, type ApiRequest } from "../apiRequest";
import * as errors from "../errors";
import { canonicalParameters } from "./encoding";
import { constantTimeEqual } from "./compare";

export const V3_ALGORITHM = "ACS3-HMAC-SHA256";

export interface V3Authorization {
    readonly accessKeyId: string;
    readonly signedHeaders: readonly string[];
    readonly signature: string;
}

/** Headers a V3 request must sign, or a replay could swap the action, the time or the body. */
const REQUIRED_SIGNED_HEADERS = ["host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"];

export function parseV3Authorization(value: string): V3Authorization {
    const space = value.indexOf(" ");
    const algorithm = space < 0 ? value : value.slice(0, space);
    if (algorithm !== V3_ALGORITHM) throw errors.incompleteSignature(`unsupported signature algorithm "${algorithm.slice(0, 40)}"`);
    const fields = new Map<string, string>();
    for (const part of value.slice(space + 1).split(",")) {
        const at = part.indexOf("=");
        if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
    }
    const accessKeyId = fields.get("Credential");
    const signedHeaders = fields.get("SignedHeaders");
    const signature = fields.get("Signature");
    if (!accessKeyId || !signedHeaders || !signature) {
        throw errors.incompleteSignature("the Authorization header needs Credential, SignedHeaders and Signature");
    }
    if (!/^[0-9a-f]{64}$/.test(signature)) throw errors.incompleteSignature("the signature is not 64 lower-case hex digits");
    const names = signedHeaders.split(";");
    for (const required of REQUIRED_SIGNED_HEADERS) {
        if (!names.includes(required)) throw errors.incompleteSignature(`header ${required} must be signed`);
    }
    return { accessKeyId, signedHeaders: names, signature };
}

export function verifyV3(request: ApiRequest, authorization: V3Authorization, secret: string): void {
    const payloadHash = createHash("sha256").update(request.body).digest("hex");
    if (header(request, "x-acs-content-sha256") !== payloadHash) throw errors.contentHashMismatch();
    // Headers the client sent with x-acs- but did not sign could be altered in transit: refuse them.
    for (const name of Object.keys(request.headers)) {
        if (name.startsWith("x-acs-") && !authorization.signedHeaders.includes(name)) {
            throw errors.incompleteSignature(`header ${name} must be signed`);
        }
    }
    const sortedNames = [...authorization.signedHeaders].sort();
    let canonicalHeaders = "";
    for (const name of sortedNames) {
        const value = header(request, name);
        if (value === undefined) throw errors.incompleteSignature(`signed header ${name} is missing`);
        canonicalHeaders += `${name}:${value.trim()}\n`;
    }
    const canonicalRequest = [request.method, request.path, canonicalParameters(request.query), canonicalHeaders, sortedNames.join(";"), payloadHash].join(
        "\n",
    );
    const stringToSign = `${V3_ALGORITHM}\n${createHash("sha256").update(canonicalRequest).digest("hex")}`;
    const expected = createHmac("sha256", secret).update(stringToSign).digest("hex");
    if (!constantTimeEqual(expected, authorization.signature)) throw errors.signatureDoesNotMatch();
}
