// R1's storm: which faults the emulator gets, and what its request log says they did.
import type { FaultKind, FaultSpec, RequestLogEntry } from "../../emulator";
import { FAULT_KINDS } from "../../emulator";
import { faultOutcome } from "../../emulator/faults";
import { ACTIONS } from "../../emulator/handlers/actions";

/** Outcome faults after which the domain can take no change until someone fixes it in the console. */
export const PERMANENT_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>(["configure-failed", "check-failed"]);

/**
 * The kinds a call of this action can meet. Every kind that is not an outcome meets every action, reads included:
 * no public source says which answers the real API gives a read, and ServiceBusy is a generic "try again" across
 * Alibaba Cloud's APIs, so a provider must read on through it (issue #18). Outcome faults wait for a set (the emulator
 * never fires them on a read), and with `outcomes: false` they are left out: a storm of transient answers only, in
 * which every domain must converge.
 */
export function kindsFor(actionKind: string, outcomes = true): FaultKind[] {
    return FAULT_KINDS.filter((kind) => (faultOutcome(kind) === undefined ? true : outcomes && actionKind === "set"));
}

/**
 * One fault per (action, kind), for every action a CDN rollout calls (CDN's and the certificate service's), so that
 * `probability` of every call of every action fails, each kind taking an equal share. The emulator tries the faults in the order they were added and the first whose draw hits fires, so
 * the k-th (from 0) of n kinds gets s / (1 - k s), s = probability / n: it is tried only when the k before it missed,
 * which happens with probability 1 - k s, and then fires s of all calls. Per action, because a set can meet 11 kinds
 * and a read 7: one list on "*" could not give both 30%.
 */
export function stormFaults(probability: number, outcomes = true): FaultSpec[] {
    const specs: FaultSpec[] = [];
    for (const action of ACTIONS.filter((a) => a.product === "cdn" || a.product === "cas")) {
        const kinds = kindsFor(action.kind, outcomes);
        const share = probability / kinds.length;
        for (const [k, fault] of kinds.entries()) specs.push({ action: action.name, fault, probability: share / (1 - k * share) });
    }
    return specs;
}

/** The answer reached the client and was not an error: the logical call is done. */
export function succeeded(entry: RequestLogEntry): boolean {
    return entry.status === 200 && entry.fault !== "applied-then-drop";
}

/** Domains whose set was accepted (200) with an outcome fault that leaves them configure_failed or check_failed. */
export function permanentlyFailed(entries: readonly RequestLogEntry[]): Map<string, FaultKind> {
    const failed = new Map<string, FaultKind>();
    for (const entry of entries) {
        if (entry.status !== 200 || entry.fault === undefined || !PERMANENT_KINDS.has(entry.fault as FaultKind)) continue;
        for (const domain of entry.domains) if (!failed.has(domain)) failed.set(domain, entry.fault as FaultKind);
    }
    return failed;
}

export interface CallFigures {
    readonly calls: number;
    readonly successes: number;
    /** Calls an injected fault shaped, by kind. */
    readonly faults: Partial<Record<FaultKind, number>>;
    readonly faulted: number;
    /** Throttling.User answers of the rate limiter itself (not injected). */
    readonly limited: number;
    /** Per action: calls seen, successes, calls an injected fault shaped. */
    readonly byAction: Record<string, { calls: number; successes: number; faulted: number }>;
    /**
     * Transient answers the provider met and went on through (an injected fault other than an outcome, or the rate
     * limiter's Throttling.User): each one a wait, a read again or a set sent again.
     */
    readonly waits: number;
}

export function callFigures(entries: readonly RequestLogEntry[]): CallFigures {
    const faults: Partial<Record<FaultKind, number>> = {};
    const byAction: Record<string, { calls: number; successes: number; faulted: number }> = {};
    let successes = 0;
    let faulted = 0;
    let limited = 0;
    let waits = 0;
    for (const entry of entries) {
        const action = entry.action ?? "(none)";
        byAction[action] ??= { calls: 0, successes: 0, faulted: 0 };
        const row = byAction[action];
        row.calls++;
        if (succeeded(entry)) {
            row.successes++;
            successes++;
        }
        if (entry.fault !== undefined) {
            faults[entry.fault as FaultKind] = (faults[entry.fault as FaultKind] ?? 0) + 1;
            faulted++;
            row.faulted++;
            if (faultOutcome(entry.fault as FaultKind) === undefined) waits++;
        } else if (entry.code?.includes("Throttling")) {
            limited++;
            waits++;
        }
    }
    return { calls: entries.length, successes, faults, faulted, limited, byAction, waits };
}

/** "1.42" calls per successful call, or "-" with none. */
export function perSuccess(calls: number, successes: number): string {
    return successes === 0 ? "-" : (calls / successes).toFixed(2);
}

const SET_ACTIONS: ReadonlySet<string> = new Set(ACTIONS.filter((a) => a.kind === "set").map((a) => a.name));

/**
 * Per domain, the set calls that changed it: answered 200, whether or not the answer then reached the client (an
 * applied-then-drop did apply). A domain changed twice by one create was configured twice, minutes each on the real
 * cloud: what the provider must avoid by reading the domain before it sends a set whose answer was lost again.
 */
export function appliedSets(entries: readonly RequestLogEntry[]): Map<string, number> {
    const applied = new Map<string, number>();
    for (const entry of entries) {
        if (entry.status !== 200 || !SET_ACTIONS.has(entry.action ?? "")) continue;
        for (const domain of entry.domains) applied.set(domain, (applied.get(domain) ?? 0) + 1);
    }
    return applied;
}
