// RAM policies: an account's key pair may be limited to a policy document, as a RAM user's is. Each API call is
// allowed only when a statement allows its action (`cdn:SetCdnDomainSSLCertificate`, `live:*`, `*`) and none denies
// it, as RAM evaluates policies (an explicit Deny wins). Resources are not modelled: every statement applies to all of
// the account's domains.
//
// A call the policy does not allow answers 400 Forbidden.RAM, "User not authorized to operate on the specified
// resource, or this API doesn't support RAM." (as the Alibaba Cloud gateway answers RAM users: honwen/aliyun-ddns-cli
// #27, mgsky1/DDNS #27, acmesh-official/acme.sh #1898).

export interface PolicyStatement {
    readonly Effect: "Allow" | "Deny";
    readonly Action: string | readonly string[];
    readonly Resource?: string | readonly string[];
}

export interface PolicyDocument {
    readonly Version?: string;
    readonly Statement: readonly PolicyStatement[];
}

/** Whether a RAM action pattern (with `*` wildcards, case-insensitive as RAM matches actions) matches the action. */
export function actionMatches(pattern: string, action: string): boolean {
    const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${escaped.join(".*")}$`, "i").test(action);
}

export function policyAllows(policy: PolicyDocument, action: string): boolean {
    const matching = (effect: "Allow" | "Deny") =>
        policy.Statement.some((statement) => statement.Effect === effect && [statement.Action].flat().some((pattern) => actionMatches(pattern, action)));
    return matching("Allow") && !matching("Deny");
}

/** Checks an untrusted policy document; returns a reason when it is not one. */
export function policyProblem(input: unknown): string | undefined {
    if (typeof input !== "object" || input === null || !Array.isArray((input as { Statement?: unknown }).Statement))
        return 'must be a policy document: {"Statement": [...]}';
    for (const [i, statement] of (input as { Statement: unknown[] }).Statement.entries()) {
        const s = statement as Record<string, unknown>;
        if (s.Effect !== "Allow" && s.Effect !== "Deny") return `Statement[${i}].Effect must be "Allow" or "Deny"`;
        const actions = [s.Action].flat();
        if (actions.length === 0 || actions.some((a) => typeof a !== "string" || a === ""))
            return `Statement[${i}].Action must be an action name or a list of them`;
    }
    return undefined;
}
