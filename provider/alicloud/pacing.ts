// Keeping calls under the documented per-account limits (each action's QPS limit on its API page, held in ../products.ts). Alibaba Cloud counts calls
// per account and action per second; a call over the limit is rejected with Throttling.User, and retries of a
// throttled burst only make the next second worse.
//
// Policy: for each (AccessKey id, action), a call may start once the call `limit` places before it has FINISHED at
// least a second ago (plus a small margin). The server sees a call arrive after we start it and before we see its
// answer, so any limit + 1 consecutive calls arrive more than a second apart in the server's own clock: no
// one-second window, sliding or fixed, can hold more than `limit` of them, whatever the network's delays, and
// whatever our timers' lateness, because admission is decided on the clock at the moment a call starts, not when a
// timer was meant to fire. (A token bucket would let a full bucket go and then refill: two seconds' worth inside one
// sliding window. Spacing calls evenly is safe but wastes the first second: 500 reads at 100/s took 5 s of
// spacing, against 4 s plus answer times here.)

import { systemClock, type Clock } from "../clock";
import type { ActionSpec } from "../products";

export interface PacerOptions {
    /** The documented limit, calls per second. */
    readonly callsPerSecond: number;
    /**
     * Added to the second a call must have finished before the call `limit` places after it starts. It covers the
     * server's and our clocks counting in whole milliseconds. Default 5.
     */
    readonly marginMs?: number;
    readonly clock?: Clock;
}

const WINDOW_MS = 1000;
export const DEFAULT_MARGIN_MS = 5;

/** Call it when the call has finished: answered, failed or timed out. Later calls are idempotent. */
export type Release = () => void;

/** Admits calls for one (account, action) pair, in the order they ask. */
export class Pacer {
    /** Calls admitted per second at most: the documented limit. */
    readonly limit: number;
    private readonly spanMs: number;
    private readonly clock: Clock;
    /**
     * The last `limit` admitted calls, by admission order modulo `limit`: when each finished; +Infinity while it is
     * in flight; -Infinity for a slot never used. The next call takes the slot of the call `limit` places before it.
     */
    private readonly finishedAt: number[];
    private nextSlot = 0;
    private readonly waiting: Array<(release: Release) => void> = [];
    private wakeScheduled = false;

    constructor(options: PacerOptions) {
        const margin = options.marginMs ?? DEFAULT_MARGIN_MS;
        if (!Number.isInteger(options.callsPerSecond) || options.callsPerSecond < 1 || !(margin >= 0)) {
            throw new RangeError(`invalid pacing: ${options.callsPerSecond} calls/s with a margin of ${margin} ms`);
        }
        this.limit = options.callsPerSecond;
        this.spanMs = WINDOW_MS + margin;
        this.clock = options.clock ?? systemClock;
        this.finishedAt = new Array<number>(this.limit).fill(Number.NEGATIVE_INFINITY);
    }

    /** Resolves, in asking order, when the caller may start its call, with the function to call when it has finished. */
    acquire(): Promise<Release> {
        return new Promise<Release>((admit) => {
            this.waiting.push(admit);
            this.admitWhatMayStart();
        });
    }

    /** How many callers are waiting (for diagnostics and tests). */
    get queued(): number {
        return this.waiting.length;
    }

    private admitWhatMayStart(): void {
        while (this.waiting.length > 0) {
            const slot = this.nextSlot;
            const now = this.clock.now();
            const startsAt = this.finishedAt[slot]! + this.spanMs;
            if (startsAt > now) {
                // Still in flight (+Infinity): its release admits the next. Finished less than a second ago: wake then.
                if (startsAt !== Number.POSITIVE_INFINITY && !this.wakeScheduled) {
                    this.wakeScheduled = true;
                    void this.clock.sleep(startsAt - now).then(() => {
                        this.wakeScheduled = false;
                        this.admitWhatMayStart();
                    });
                }
                return;
            }
            this.finishedAt[slot] = Number.POSITIVE_INFINITY;
            this.nextSlot = (slot + 1) % this.limit;
            let released = false;
            const release: Release = () => {
                if (released) return;
                released = true;
                this.finishedAt[slot] = this.clock.now();
                this.admitWhatMayStart();
            };
            this.waiting.shift()!(release);
        }
    }
}

export interface PacerRegistryOptions {
    readonly marginMs?: number;
    readonly clock?: Clock;
}

/**
 * One Pacer per (AccessKey id, action). The AccessKey id is not secret (it is sent in clear in every request);
 * two stacks or resources on the same account in one process share one budget.
 */
export class PacerRegistry {
    private readonly pacers = new Map<string, Pacer>();

    constructor(private readonly options: PacerRegistryOptions = {}) {}

    pacerFor(accessKeyId: string, action: ActionSpec): Pacer {
        const key = `${accessKeyId}\u0000${action.name}`;
        let pacer = this.pacers.get(key);
        if (pacer === undefined) {
            pacer = new Pacer({ callsPerSecond: action.callsPerSecond, ...this.options });
            this.pacers.set(key, pacer);
        }
        return pacer;
    }

    acquire(accessKeyId: string, action: ActionSpec): Promise<Release> {
        return this.pacerFor(accessKeyId, action).acquire();
    }

    /** Forget all pacers (tests). */
    clear(): void {
        this.pacers.clear();
    }
}

// The process-wide registry lives on globalThis under a registered symbol, so that it stays one registry even when
// this module is loaded twice (a provider closure deserialized by Pulumi may require the package anew).
const REGISTRY_SYMBOL = Symbol.for("pulumi-alicloud-certs/pacer-registry");

/** The registry every client shares unless handed another one. Created on first use, not at module load. */
export function sharedPacerRegistry(): PacerRegistry {
    const holder = globalThis as { [REGISTRY_SYMBOL]?: PacerRegistry };
    holder[REGISTRY_SYMBOL] ??= new PacerRegistry();
    return holder[REGISTRY_SYMBOL];
}
