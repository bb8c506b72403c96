// `check` for a group: every input a single resource has is checked exactly as `DomainCertificate` checks it
// (../check.ts), and each listed domain as that resource checks its one domain: a valid name, covered by the
// certificate. A duplicate (after normalization) is refused too. Failures name the domains, the first few, then a
// count, so that a list of hundreds reads in a line.
import { quoteGiven } from "../../certificate/quote";
import type { CheckFailure, CheckResult } from "@pulumi/pulumi/dynamic";
import type { ProductSpec } from "../../products";
import { CertificateInputError, coversDomain, normalizeDomainName, parseCertificateChain } from "../../certificate";
import { checkInputs } from "../check";
import { isUnknown } from "../model";
import type { GroupInputs } from "./model";

/** How many names a message lists before it says "and N more". */
export const NAMES_LISTED = 20;

export function listSome(names: readonly string[], limit = NAMES_LISTED): string {
    const shown = names.slice(0, limit).join(", ");
    return names.length > limit ? `${shown} and ${names.length - limit} more` : shown;
}

export function checkGroupInputs(product: ProductSpec, news: Record<string, unknown>, now: Date = new Date()): CheckResult<GroupInputs> {
    const { domains: rawDomains, retainRemovedDomains, domainName, matchDomains, excludeDomains, ...shared } = news;
    const failures: CheckFailure[] = [];
    if (domainName !== undefined) failures.push({ property: "domainName", reason: "a group takes `domains` (a list), not `domainName`" });
    // Everything but the domains, as a single resource checks it (a single resource without its domain checks no
    // coverage; that is done below for each domain).
    const single = checkInputs(product, shared, now);
    failures.push(...(single.failures ?? []));
    const inputs = { ...(single.inputs as unknown as Record<string, unknown>) };
    delete inputs.domainName;

    const matching = booleanOf(matchDomains, "matchDomains", failures);
    inputs.matchDomains = matching;
    inputs.excludeDomains = [];
    if (excludeDomains !== undefined && excludeDomains !== null) {
        if (!matching)
            failures.push({ property: "excludeDomains", reason: "only used with matchDomains: true; remove it, or leave the domains out of `domains`" });
        else {
            const excluded =
                isUnknown(excludeDomains) || (Array.isArray(excludeDomains) && excludeDomains.length === 0)
                    ? []
                    : checkDomains(excludeDomains, failures, "excludeDomains");
            if (excluded !== undefined) inputs.excludeDomains = excluded;
        }
    }
    if (matching) {
        if (rawDomains !== undefined && rawDomains !== null)
            failures.push({ property: "domains", reason: "give either `domains` (a list) or `matchDomains: true`, not both" });
        // The certificate's names decide which of the account's domains belong: an uploaded certificate is needed.
        if (inputs.certType !== undefined && inputs.certType !== "upload" && !isUnknown(inputs.certType)) {
            failures.push({
                property: "matchDomains",
                reason: `needs the certificate itself (certType "upload") to know which domains it covers; list the domains in \`domains\` for certType ${quoteGiven(inputs.certType)}`,
            });
        }
        delete inputs.domains;
    }
    const domains = matching ? undefined : checkDomains(rawDomains, failures);
    if (domains !== undefined) {
        inputs.domains = domains;
        const certificate = inputs.certificate;
        if (Array.isArray(domains) && typeof certificate === "string" && !isUnknown(certificate) && inputs.certType === "upload") {
            let dnsNames: readonly string[] | undefined;
            try {
                dnsNames = parseCertificateChain(certificate).info.dnsNames;
            } catch {
                dnsNames = undefined; // already a failure on `certificate`
            }
            const uncovered = dnsNames === undefined ? [] : domains.filter((domain) => !isUnknown(domain) && !coversDomain(dnsNames!, domain));
            if (uncovered.length > 0) {
                failures.push({
                    property: "domains",
                    reason:
                        `the certificate does not cover ${listSome(uncovered)}: its names are ${dnsNames!.join(", ") || "(none)"}; ` +
                        `issue one whose subjectAltName includes them (a wildcard covers exactly one label), or remove them from the group`,
                });
            }
        }
    } else if (!matching) {
        delete inputs.domains;
    }
    if (retainRemovedDomains === undefined || retainRemovedDomains === null || isUnknown(retainRemovedDomains)) inputs.retainRemovedDomains = false;
    else if (typeof retainRemovedDomains === "boolean") inputs.retainRemovedDomains = retainRemovedDomains;
    else failures.push({ property: "retainRemovedDomains", reason: `must be true or false; got ${quoteGiven(retainRemovedDomains)}` });

    const result = inputs as unknown as GroupInputs;
    return failures.length > 0 ? { inputs: result, failures } : { inputs: result };
}

function booleanOf(value: unknown, property: string, failures: CheckFailure[]): boolean {
    if (value === undefined || value === null || isUnknown(value)) return false;
    if (typeof value === "boolean") return value;
    failures.push({ property, reason: `must be true or false; got ${quoteGiven(value)}` });
    return false;
}

/** The normalized, sorted, unique domains; undefined (with a failure) when they cannot be. Unknown passes through. */
function checkDomains(raw: unknown, failures: CheckFailure[], property = "domains"): string[] | undefined {
    const fail = (reason: string) => failures.push({ property, reason });
    if (raw === undefined || raw === null) {
        fail("required: the list of domains the certificate goes on (or matchDomains: true for every domain of the account it covers)");
        return undefined;
    }
    if (isUnknown(raw)) return raw as unknown as string[];
    if (!Array.isArray(raw)) {
        fail(`must be a list of domain names; got ${typeof raw}`);
        return undefined;
    }
    if (raw.length === 0) {
        fail("must list at least one domain");
        return undefined;
    }
    const malformed: string[] = [];
    const byName = new Map<string, string[]>();
    const normalized: string[] = [];
    for (const item of raw) {
        if (isUnknown(item)) {
            normalized.push(item as string);
            continue;
        }
        try {
            if (typeof item !== "string") throw new CertificateInputError(`must be a string; got ${quoteGiven(item)}`);
            const name = normalizeDomainName(item);
            byName.set(name, [...(byName.get(name) ?? []), item]);
            if (byName.get(name)!.length === 1) normalized.push(name);
        } catch (error) {
            if (!(error instanceof CertificateInputError)) throw error;
            malformed.push(`${quoteGiven(item)} (${error.reason})`);
        }
    }
    if (malformed.length > 0) fail(`not valid domain names: ${listSome(malformed, 5)}`);
    const duplicates = [...byName.entries()].filter(([, given]) => given.length > 1);
    if (duplicates.length > 0) {
        fail(
            `each domain may appear once: ${listSome(
                duplicates.map(([name, given]) => `${name} (given as ${given.map((g) => quoteGiven(g)).join(", ")})`),
                5,
            )}`,
        );
    }
    if (malformed.length > 0 || duplicates.length > 0) return undefined;
    return normalized.sort();
}
