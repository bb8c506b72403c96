// A domain belongs to one resource. A DomainCertificate and a group, or two groups, that list the same domain undo
// each other's change whenever their certificates differ, and a delete of either turns HTTPS off on it. Within one
// `pulumi preview` or `pulumi up`, every certificate resource of the stack is checked in this one provider process,
// so `check` records which resource claims which domain and refuses a second claimant, before anything is called.
// A group with matchDomains learns its domains only at apply: it leaves out any domain another resource of the
// stack declares by name, since the one that names it is the more specific (group/operations.ts). Across stacks
// nothing can see it: the README says so.

/** Domains claimed in this process, by resource URN. */
export class DomainClaims {
    private readonly holderOf = new Map<string, string>();
    private readonly claimedBy = new Map<string, readonly string[]>();

    /**
     * Claims `domains` for `urn`, replacing what that resource claimed before (a resource checked again). Returns the
     * domains another resource holds, with that resource's URN; those are not taken.
     */
    claim(urn: string, domains: readonly string[]): { domain: string; holder: string }[] {
        for (const domain of this.claimedBy.get(urn) ?? []) if (this.holderOf.get(domain) === urn) this.holderOf.delete(domain);
        const conflicts: { domain: string; holder: string }[] = [];
        const taken: string[] = [];
        for (const domain of domains) {
            const holder = this.holderOf.get(domain);
            if (holder !== undefined && holder !== urn) conflicts.push({ domain, holder });
            else {
                this.holderOf.set(domain, urn);
                taken.push(domain);
            }
        }
        this.claimedBy.set(urn, taken);
        return conflicts;
    }

    /** The URN of the resource that claimed `domain`, if one did. */
    holder(domain: string): string | undefined {
        return this.holderOf.get(domain);
    }
}

// One registry per process, whichever copy of this module a provider loaded (the single and group providers share it).
const CLAIMS = Symbol.for("pulumi-alicloud-certs/domain-claims");

export function processClaims(): DomainClaims {
    const holder = globalThis as { [CLAIMS]?: DomainClaims };
    holder[CLAIMS] ??= new DomainClaims();
    return holder[CLAIMS];
}

/** "the DomainCertificateGroup `all`", from a URN (its type's last part and its name). */
export function describeHolder(urn: string): string {
    const parts = urn.split("::");
    const name = parts.at(-1) ?? urn;
    const type = (parts.at(-2) ?? "").split("$").at(-1)?.split(":").at(-1) ?? "resource";
    return `the ${type} \`${name}\``;
}

/** The failure reason for domains another resource of the stack already declares. */
export function conflictReason(conflicts: readonly { domain: string; holder: string }[]): string {
    const listed = conflicts.slice(0, 5).map((c) => `${c.domain} (declared by ${describeHolder(c.holder)})`);
    const more = conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : "";
    return (
        `already declared by another resource of this stack: ${listed.join(", ")}${more}. A domain belongs to one ` +
        "resource (one DomainCertificate, or one group): two would undo each other's certificate, and a delete of either " +
        "would turn HTTPS off; remove it from one of them"
    );
}
