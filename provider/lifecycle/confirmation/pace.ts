// The pace of waiting: how often a convergence reads, and how a read keeps trying through answers that are no
// verdict until the resource's deadline.
import { isTransient } from "../../apiErrors";
import type { Clock } from "../../clock";
import { codeOf } from "../errors";

export interface ConfirmPolicy {
    /** First pause before reading; it grows by half each time up to `maxIntervalMs`. */
    readonly initialIntervalMs: number;
    readonly maxIntervalMs: number;
    /**
     * Reads wake on whole multiples of this on the clock, and at the longest interval on multiples of that (0:
     * unaligned). Domains set at different moments then still poll at the same instants, so their state reads meet
     * in one listing call (50 CDN domains each) instead of each waking alone: 500 domains configuring for minutes,
     * measured in the bench, took 3.82 listing calls per domain unaligned.
     */
    readonly alignMs?: number;
}

/** The wake-up time `interval` after `now`, rounded up to the next multiple of `alignMs`. */
export function alignedWake(now: number, interval: number, alignMs = 0): number {
    const wake = now + interval;
    return alignMs > 0 ? Math.ceil(wake / alignMs) * alignMs : wake;
}

/**
 * A first look after a second, then every 1.5 times longer up to 10 s, on whole seconds: a quick change is seen within
 * a second or two, and a change of minutes costs a poll every 10 s, a fiftieth of a listing call per CDN domain.
 */
export const DEFAULT_CONFIRM_POLICY: ConfirmPolicy = { initialIntervalMs: 1000, maxIntervalMs: 10_000, alignMs: 1000 };

/** What a convergence tells an observer (a group's progress): its set went out, or what it now waits on. */
export type ConvergeEvent = { readonly kind: "set" } | { readonly kind: "waiting"; readonly on: string };

/** What waiting needs: the clock, the polling pace, and who is told what it waits on. */
export interface Pace {
    readonly clock: Clock;
    readonly policy: ConfirmPolicy;
    readonly events?: (domainName: string, event: ConvergeEvent) => void;
}

/**
 * A read that keeps trying until the resource's deadline. Each call already retries transient answers within its
 * own budget (alicloud/retry.ts: 8 attempts, a minute), but a create or update may wait for up to
 * `confirmTimeoutSeconds` (30 minutes by default), and a run of transient answers longer than one call's budget must
 * not fail a domain that would converge a minute later (the reliability suite's fault storm met 8 in a row on one
 * read at 30% of calls failing). So while the deadline allows, a read whose answer is transient (no verdict about
 * the domain, the account or the request: ../apiErrors/transience.ts) is tried again at the polling pace, the
 * domain reported as waiting on that answer's code; a verdict, or a failure at the deadline, is thrown as it is.
 * A bulk read (50 CDN domains' states in one call) that fails is, for each domain waiting on it, a read not made
 * yet: each decides on its own deadline.
 */
export async function readPersistently<T>(io: Pace, domainName: string, deadline: number, read: () => Promise<T>): Promise<T> {
    let interval = io.policy.initialIntervalMs;
    for (;;) {
        try {
            return await read();
        } catch (error) {
            const now = io.clock.now();
            if (!isTransient(error) || now + interval >= deadline) throw error;
            io.events?.(domainName, { kind: "waiting", on: codeOf(error) ?? "a failing read" });
            await io.clock.sleep(interval);
            interval = Math.min(io.policy.maxIntervalMs, Math.ceil(interval * 1.5));
        }
    }
}
