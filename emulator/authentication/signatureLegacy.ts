// The legacy RPC signature, HMAC-SHA1 over every parameter (`signatureAlgorithm: 'v2'` in the SDK config).
import { createHmac } from "node:crypto";
import { actionParameters, type ApiRequest } from "../apiRequest";
import * as errors from "../errors";
import { acsEncode, canonicalParameters } from "./encoding";
import { constantTimeEqual } from "./compare";

export function verifyLegacy(request: ApiRequest, secret: string): void {
    const params = actionParameters(request);
    const signature = params.get("Signature");
    if (!signature) throw errors.incompleteSignature("the Signature parameter is missing");
    if (params.get("SignatureMethod") !== "HMAC-SHA1") throw errors.incompleteSignature("SignatureMethod must be HMAC-SHA1");
    if (params.get("SignatureVersion") !== "1.0") throw errors.incompleteSignature("SignatureVersion must be 1.0");
    params.delete("Signature");
    const stringToSign = `${request.method}&${acsEncode("/")}&${acsEncode(canonicalParameters(params))}`;
    const expected = createHmac("sha1", `${secret}&`).update(stringToSign).digest("base64");
    if (!constantTimeEqual(expected, signature)) throw errors.signatureDoesNotMatch();
}
