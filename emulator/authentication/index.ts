// Who is calling: verifies the request's signature (ACS3-HMAC-SHA256 or the legacy HMAC-SHA1), its freshness and,
// for temporary credentials, the STS token. Everything that fails here fails before any handler runs.
//
// Order of checks: signature form, timestamp, access key, signature, STS token, nonce. The nonce is claimed last
// so that a request rejected for any other reason can be corrected and resent with the same nonce.
import { actionParameters, header, type ApiRequest } from "../apiRequest";
import * as errors from "../errors";
import type { Credential, Store } from "../persistence/store";
import type { ReplayGuard } from "./replayGuard";
import { verifyLegacy } from "./signatureLegacy";
import { parseV3Authorization, verifyV3 } from "./signatureV3";

export type SignatureKind = "ACS3-HMAC-SHA256" | "HMAC-SHA1";

export interface Caller {
    readonly credential: Credential;
    readonly action: string;
    readonly version: string;
    readonly signature: SignatureKind;
}

/** The access key id a request claims, before anything is verified (for the request log only). */
export function claimedAccessKeyId(request: ApiRequest): string | undefined {
    const authorization = header(request, "authorization");
    const match = authorization ? /Credential=([^,\s]+)/.exec(authorization) : null;
    if (match) return match[1];
    return request.query.get("AccessKeyId") ?? request.form.get("AccessKeyId");
}

/** The action a request names, before anything is verified (for the request log only). */
export function claimedAction(request: ApiRequest): string | undefined {
    return header(request, "x-acs-action") ?? request.query.get("Action") ?? request.form.get("Action");
}

function checkSecurityToken(credential: Credential, token: string | undefined, now: number): void {
    if (credential.securityToken === undefined) {
        // A token with a long-term key: the gateway cannot have issued it for this key.
        if (token) throw errors.invalidSecurityTokenMalformed();
        return;
    }
    if (!token) throw errors.missingSecurityToken();
    if (token !== credential.securityToken) throw errors.invalidSecurityTokenMismatch();
    if (credential.expiration !== undefined && Date.parse(credential.expiration) <= now) throw errors.invalidSecurityTokenExpired();
}

function lookUp(store: Store, accessKeyId: string): Credential {
    const credential = store.findCredential(accessKeyId);
    if (!credential) throw errors.invalidAccessKeyIdNotFound();
    return credential;
}

export function authenticate(request: ApiRequest, store: Store, guard: ReplayGuard, now: number): Caller {
    const authorization = header(request, "authorization")?.trim();
    if (authorization) {
        const parsed = parseV3Authorization(authorization);
        const action = header(request, "x-acs-action");
        const version = header(request, "x-acs-version");
        if (!action) throw errors.missingParameter("x-acs-action");
        if (!version) throw errors.missingParameter("x-acs-version");
        guard.checkTimestamp(header(request, "x-acs-date"), now);
        const credential = lookUp(store, parsed.accessKeyId);
        verifyV3(request, parsed, credential.accessKeySecret);
        const stsKeyId = header(request, "x-acs-accesskey-id");
        if (stsKeyId !== undefined && stsKeyId !== parsed.accessKeyId) throw errors.invalidSecurityTokenMismatch();
        checkSecurityToken(credential, header(request, "x-acs-security-token"), now);
        guard.claimNonce(parsed.accessKeyId, header(request, "x-acs-signature-nonce"), now);
        return { credential, action, version, signature: "ACS3-HMAC-SHA256" };
    }
    const params = actionParameters(request);
    if (!params.has("Signature")) throw errors.incompleteSignature("no Authorization header and no Signature parameter");
    const accessKeyId = params.get("AccessKeyId");
    if (!accessKeyId) throw errors.missingParameter("AccessKeyId");
    const action = params.get("Action");
    const version = params.get("Version");
    if (!action) throw errors.missingParameter("Action");
    if (!version) throw errors.missingParameter("Version");
    guard.checkTimestamp(params.get("Timestamp"), now);
    const credential = lookUp(store, accessKeyId);
    verifyLegacy(request, credential.accessKeySecret);
    checkSecurityToken(credential, params.get("SecurityToken"), now);
    guard.claimNonce(accessKeyId, params.get("SignatureNonce"), now);
    return { credential, action, version, signature: "HMAC-SHA1" };
}
