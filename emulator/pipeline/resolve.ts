// Stage: resolve the action and check the RAM policy. The version picks the product and the product table
// (handlers/actions.ts) the action; a RAM user's policy must allow `<ramCode>:<Action>`. The domains and the
// certificate type the request names are noted for the log.
import { CERT_TYPES } from "../domains/record";
import * as errors from "../errors";
import { actionParameters } from "../apiRequest";
import { requestedDomains, resolveAction } from "../handlers";
import { policyAllows } from "../ramPolicy";
import type { ApiCall, StageResult } from "./call";

export function resolve(call: ApiCall): StageResult {
    const caller = call.caller!;
    const { product, spec } = resolveAction(caller.action, caller.version);
    call.product = product;
    call.spec = spec;
    const policy = caller.credential.account.ramPolicy;
    // Each service's own RAM code: cdn:SetCdnDomainSSLCertificate, live:..., yundun-cert:UploadUserCertificate.
    if (policy && !policyAllows(policy, `${product.ramCode}:${spec.name}`)) throw errors.forbiddenRam();
    const params = actionParameters(call.request!);
    call.params = params;
    call.domains = requestedDomains(params, spec.set?.batch ?? false);
    // A set's log entry names the certificate type it sent (a type, never a parameter value).
    const sentType = params.get("CertType");
    if (spec.set && sentType !== undefined && (CERT_TYPES as readonly string[]).includes(sentType)) call.certType = sentType;
    return "next";
}
