// The shapes of a group (one certificate on many domains) across the engine boundary. A group's declared settings
// are a single resource's (`CertificateInputs`) with `domains` in place of `domainName`: each domain is worked on
// as a single resource would be, by the same per-domain steps (../operations.ts).
import { canonicalDomainName } from "../../certificate";
import type { CertificateInputs } from "../model";
import { servesDeclaration } from "../confirmation/decide";
import type { PendingCleanup } from "../storedCertificates";
import type { SslStatus } from "../port";

/** The declared settings every domain of the group shares. */
export type SharedInputs = Omit<CertificateInputs, "domainName">;

export interface GroupInputs extends SharedInputs {
    /**
     * Normalized (lower case, punycode), unique, sorted. With `matchDomains`, the domains found in the account at the
     * last create, update or refresh (check leaves it out; the operations fill it in).
     */
    domains: string[];
    /** Every domain of the account's product that the certificate covers, instead of a list. */
    matchDomains: boolean;
    /** With matchDomains: domains never to take, normalized and sorted. */
    excludeDomains: string[];
    /** Leave a domain removed from the group serving its certificate, instead of turning HTTPS off on it. */
    retainRemovedDomains: boolean;
    /** The resource's own URN, which the engine does not hand a dynamic provider: its progress messages name it. */
    resourceUrn?: string;
}

/** What one domain of the group serves, as of the last read or deploy. */
export interface ServedByDomain {
    status: SslStatus;
    /** SHA-256 of the served leaf; absent while HTTPS is off or for a certificate not parsed. */
    fingerprint?: string;
    certType?: string;
    certId?: string;
    /** Why the domain does not serve the declared certificate, when its last change failed. */
    failure?: string;
}

/** The group's outputs: its inputs less the private key (withoutPrivateKey, ../model.ts), and what each domain serves. */
export interface GroupOutputs extends Omit<GroupInputs, "privateKey"> {
    /** The group's domains, sorted, as of the last read. */
    domainNames: string[];
    /** For each domain, what it serves. */
    served: Record<string, ServedByDomain>;
    /** With matchDomains: the domains the account's listing gave at the last read (the next update's set). */
    matchedDomains?: string[];
    /** With matchDomains: domains the certificate covers that were left out, and why (their state). */
    leftOut?: Record<string, string>;
    /** Replaced certificates this package uploaded, still to delete (../storedCertificates.ts). */
    pendingCleanup?: PendingCleanup[];
    // The declared certificate's details (fingerprint and notAfter come from check, the rest from the parse).
    chainFingerprint?: string;
    notBefore?: string;
    subject?: string;
    issuer?: string;
    serialNumber?: string;
    dnsNames?: string[];
}

/** One domain's declared settings, as the per-domain steps take them. */
export function inputsForDomain(group: Partial<GroupOutputs> & SharedInputs, domainName: string): CertificateInputs {
    const {
        domains: _d,
        retainRemovedDomains: _r,
        matchDomains: _m,
        excludeDomains: _e,
        matchedDomains: _md,
        leftOut: _l,
        served: _s,
        domainNames: _n,
        resourceUrn: _u,
        pendingCleanup: _p,
        ...shared
    } = group;
    return { ...(shared as SharedInputs), domainName };
}

/** The part of a per-domain output (or of a certificate read) that says what the domain serves. */
export type ServedLike = Readonly<Omit<ServedByDomain, "failure">>;

/** What a per-domain output says the domain serves. */
export function servedFrom(outputs: ServedLike): ServedByDomain {
    const served: ServedByDomain = { status: outputs.status };
    if (outputs.status === "on") {
        if (outputs.fingerprint !== undefined) served.fingerprint = outputs.fingerprint;
        if (outputs.certType !== undefined) served.certType = outputs.certType;
        if (outputs.certType === "cas" && outputs.certId !== undefined) served.certId = outputs.certId;
    }
    return served;
}

/** Whether a domain serves what the group declares, by its record (fingerprint and status, never PEM text). */
export function servesDeclared(served: ServedByDomain | undefined, declared: SharedInputs): boolean {
    if (!served || served.failure !== undefined) return false;
    return servesDeclaration({ ...served, leafFingerprint: () => served.fingerprint }, declared);
}

/**
 * A group's state with its domain names in the one form the package uses (canonicalDomainName): a state written
 * before wildcard domains were named as the API names them holds "*.example.com" in its lists and as keys of
 * `served` and `leftOut`; read as ".example.com", the domain is the same one, and nothing shows as added or removed.
 * Anything that is not a list or a record passes through as it is (group/diff.ts reads such a list as none).
 */
export function withCanonicalDomains<T extends Partial<GroupOutputs>>(state: T): T {
    const list = (value: unknown) => (Array.isArray(value) ? value.map((d) => (typeof d === "string" ? canonicalDomainName(d) : d)) : value);
    const keyed = (value: unknown) =>
        typeof value === "object" && value !== null && !Array.isArray(value)
            ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([d, v]) => [canonicalDomainName(d), v]))
            : value;
    const out: Record<string, unknown> = { ...state };
    for (const key of ["domains", "domainNames", "matchedDomains", "excludeDomains"] as const) if (key in out) out[key] = list(out[key]);
    for (const key of ["served", "leftOut"] as const) if (key in out) out[key] = keyed(out[key]);
    return out as T;
}
