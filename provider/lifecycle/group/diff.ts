// `diff` for a group: the shared settings as a single resource diffs them (../diff.ts: fingerprints and status,
// never PEM text), the set of domains, and each domain's served state. Pure. A group never replaces: adding or
// removing domains is an update, and so is a domain that drifted.
import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { changedProperties } from "../diff";
import { isUnknown } from "../model";
import { listSome } from "./check";
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
    /** How many domains the group holds once the change is made (0 while the list is unknown). */
    readonly total: number;
}

/** The engine's diff result, and what it was computed from (the preview's note is written from `changes`). */
export interface GroupDiff {
    readonly result: DiffResult;
    readonly changes: GroupChanges;
}

/**
 * With matchDomains, the inputs hold no list: the domains wanted are those the account's listing gave at the last
 * read (a refresh), less any now excluded. So a domain added to the account shows as a change after a refresh.
 */
function wantedDomains(olds: Partial<GroupOutputs>, news: Partial<GroupInputs>): Partial<GroupInputs> {
    if (!news.matchDomains) return news;
    const excluded = new Set(news.excludeDomains ?? []);
    return { ...news, domains: domainsOf(olds.matchedDomains ?? olds.domains).filter((d) => !excluded.has(d)) };
}

/**
 * A domain list out of the state. The engine hands back whatever the state holds, and a state edited by hand or
 * imported (`pulumi stack import`) may hold anything there: anything but a list of names reads as no domains, so
 * the diff shows each declared domain as added and the update sets them, instead of a TypeError out of diff (found
 * by the reliability suite's R4 fuzzing).
 */
function domainsOf(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((d): d is string => typeof d === "string") : [];
}

export function groupChanges(olds: Partial<GroupOutputs>, wanted: Partial<GroupInputs>): GroupChanges {
    const news = wantedDomains(olds, wanted);
    const probe = "group.invalid";
    // The shared settings, compared as a single resource compares them (its domainName aside).
    const shared = changedProperties(inputsForDomain(olds as GroupOutputs, probe), inputsForDomain(news as GroupInputs, probe)).filter(
        (p) => p !== "domainName",
    );
    const domainsUnknown = isUnknown(news.domains) || (news.domains ?? []).some(isUnknown);
    if (domainsUnknown) return { shared, added: [], removed: [], drifted: [], domainsUnknown, total: 0 };
    const before = new Set(domainsOf(olds.domains));
    const after = new Set(domainsOf(news.domains));
    const added = [...after].filter((d) => !before.has(d));
    const removed = [...before].filter((d) => !after.has(d));
    const served = typeof olds.served === "object" && olds.served !== null ? olds.served : {};
    const drifted = shared.length > 0 ? [] : [...after].filter((d) => before.has(d) && !servesDeclared(served[d], news as GroupInputs));
    return { shared, added, removed, drifted, domainsUnknown, total: after.size };
}

export function diffGroup(olds: Partial<GroupOutputs>, news: Partial<GroupInputs>): GroupDiff {
    const changes = groupChanges(olds, news);
    const settingChanged =
        (olds.retainRemovedDomains ?? false) !== (news.retainRemovedDomains ?? false) || (olds.matchDomains ?? false) !== (news.matchDomains ?? false);
    const any =
        changes.shared.length > 0 ||
        changes.added.length > 0 ||
        changes.removed.length > 0 ||
        changes.drifted.length > 0 ||
        changes.domainsUnknown ||
        settingChanged;
    return { result: { changes: any, replaces: [], deleteBeforeReplace: false }, changes };
}

/** How many domains a preview's message names before it gives a count. */
export const NAMES_PREVIEWED = 5;

/**
 * The preview's one line for a group's change (the engine's own diff shows only `domainCount`, see provider.ts):
 * e.g. "adds 495 domains: a.example.com, b.example.com, c.example.com, d.example.com, e.example.com and 490 more;
 * removes 1, turning HTTPS off on it: old.example.com; 500 domains in all". Undefined when no domain changes.
 */
export function describeGroupChanges(changes: GroupChanges, wanted: Partial<GroupInputs>): string | undefined {
    if (changes.domainsUnknown) return undefined;
    const total = changes.total;
    const counted = (n: number) => `${n} domain${n === 1 ? "" : "s"}`;
    const parts: string[] = [];
    if (changes.shared.length > 0 && total > 0) parts.push(`${sharedChange(changes.shared, wanted)} on all ${counted(total)}`);
    if (changes.added.length > 0) parts.push(`adds ${counted(changes.added.length)}: ${listSome(changes.added, NAMES_PREVIEWED)}`);
    if (changes.removed.length > 0) {
        const how = wanted.retainRemovedDomains ? "leaving HTTPS on as it is" : `turning HTTPS off on ${changes.removed.length === 1 ? "it" : "them"}`;
        parts.push(`removes ${counted(changes.removed.length)}, ${how}: ${listSome(changes.removed, NAMES_PREVIEWED)}`);
    }
    if (changes.drifted.length > 0)
        parts.push(
            `restores ${counted(changes.drifted.length)} that no longer ${changes.drifted.length === 1 ? "serves" : "serve"} the certificate: ${listSome(changes.drifted, NAMES_PREVIEWED)}`,
        );
    if (parts.length === 0) return undefined;
    return `${parts.join("; ")}; ${counted(total)} in all`;
}

function sharedChange(shared: readonly string[], wanted: Partial<GroupInputs>): string {
    if (shared.includes("status")) return wanted.status === "off" ? "turns HTTPS off" : "turns HTTPS on";
    if (["fingerprint", "certId", "certType"].some((p) => shared.includes(p))) return "puts the new certificate";
    return `changes ${shared.join(", ")}`;
}
