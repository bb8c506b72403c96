// `diff` for a group: the shared settings as a single resource diffs them (../diff.ts: fingerprints and status,
// never PEM text), the set of domains, and each domain's served state. Pure. A group never replaces: adding or
// removing domains is an update, and so is a domain that drifted.
import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { changedProperties } from "../diff";
import { isUnknown } from "../model";
import { inputsForDomain, servesDeclared, type GroupInputs, type GroupOutputs } from "./model";

/** What differs between the group's state (`olds`: its outputs, or refreshed outputs) and what is declared. */
export interface GroupChanges {
    /** Shared settings that differ (as a single resource names them: fingerprint, status, certName, ...). */
    readonly shared: string[];
    readonly added: string[];
    readonly removed: string[];
    /** Domains in both whose served state is not what is declared (drift, or a failed change). */
    readonly drifted: string[];
    /** The domain list is not known yet (preview). */
    readonly domainsUnknown: boolean;
}

/**
 * With matchDomains, the inputs hold no list: the domains wanted are those the account's listing gave at the last
 * read (a refresh), less any now excluded. So a domain added to the account shows as a change after a refresh.
 */
export function wantedDomains(olds: Partial<GroupOutputs>, news: Partial<GroupInputs>): Partial<GroupInputs> {
    if (!news.matchDomains) return news;
    const excluded = new Set(news.excludeDomains ?? []);
    return { ...news, domains: (olds.matchedDomains ?? olds.domains ?? []).filter((d) => !excluded.has(d)) };
}

export function groupChanges(olds: Partial<GroupOutputs>, wanted: Partial<GroupInputs>): GroupChanges {
    const news = wantedDomains(olds, wanted);
    const probe = "group.invalid";
    // The shared settings, compared as a single resource compares them (its domainName aside).
    const shared = changedProperties(inputsForDomain(olds as GroupOutputs, probe), inputsForDomain(news as GroupInputs, probe)).filter((p) => p !== "domainName");
    const domainsUnknown = isUnknown(news.domains) || (news.domains ?? []).some(isUnknown);
    if (domainsUnknown) return { shared, added: [], removed: [], drifted: [], domainsUnknown };
    const before = new Set(olds.domains ?? []);
    const after = new Set(news.domains ?? []);
    const added = [...after].filter((d) => !before.has(d));
    const removed = [...before].filter((d) => !after.has(d));
    const served = olds.served ?? {};
    const drifted = shared.length > 0 ? [] : [...after].filter((d) => before.has(d) && !servesDeclared(served[d], news as GroupInputs));
    return { shared, added, removed, drifted, domainsUnknown };
}

export function diffGroup(olds: Partial<GroupOutputs>, news: Partial<GroupInputs>): DiffResult {
    const changes = groupChanges(olds, news);
    const settingChanged =
        (olds.retainRemovedDomains ?? false) !== (news.retainRemovedDomains ?? false) || (olds.matchDomains ?? false) !== (news.matchDomains ?? false);
    const any = changes.shared.length > 0 || changes.added.length > 0 || changes.removed.length > 0 || changes.drifted.length > 0 || changes.domainsUnknown || settingChanged;
    return { changes: any, replaces: [], deleteBeforeReplace: false };
}
