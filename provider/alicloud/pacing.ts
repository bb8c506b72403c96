// Keeping calls under the documented per-account limits (wire-contract.md, products.ts). Alibaba Cloud counts calls
// per account and action; a burst over the limit is rejected with Throttling.User, and retries of a throttled burst
// only make the next second worse. So calls are spaced, not bucketed: each (AccessKey id, action) pair hands out
// start times at least 1/rate apart. A token bucket would allow a full bucket at once and then the refill rate,
// which is two seconds' worth inside one sliding one-second window; even spacing never is.

import { systemClock, type Clock } from "../clock";
import type { ActionSpec } from "./products";


export interface PacerOptions {
    /** The documented limit, calls per second. */
    readonly callsPerSecond: number;
    /**
     * The fraction of the limit actually used. Below 1 so that timer lateness on our side, network jitter and the
     * server's own window boundaries never push a steady stream over the limit. Default 0.9.
     */
    readonly headroom?: number;
    readonly clock?: Clock;
}

export const DEFAULT_HEADROOM = 0.9;

/** Tolerance for timers firing a fraction of a millisecond early (setTimeout works in whole milliseconds). */
const TIMER_SLACK_MS = 1;

/** Hands out call start times for one (account, action) pair, evenly spaced. */
export class Pacer {
    /** Milliseconds between two consecutive call starts. */
    readonly intervalMs: number;
    private readonly clock: Clock;
    /** The earliest time the next call may start. */
    private nextSlotAt = Number.NEGATIVE_INFINITY;
    /** When the last call actually started (after its sleep), as opposed to when its slot said it would. */
    private lastStartAt = Number.NEGATIVE_INFINITY;

    constructor(options: PacerOptions) {
        const headroom = options.headroom ?? DEFAULT_HEADROOM;
        if (!(options.callsPerSecond > 0) || !(headroom > 0 && headroom <= 1)) {
            throw new RangeError(`invalid pacing: ${options.callsPerSecond} calls/s at headroom ${headroom}`);
        }
        this.intervalMs = 1000 / (options.callsPerSecond * headroom);
        this.clock = options.clock ?? systemClock;
    }

    /**
     * Resolves when the caller may start its call. The slot is reserved synchronously, before any await, so
     * concurrent callers each get their own slot in call order.
     */
    async acquire(): Promise<void> {
        const now = this.clock.now();
        const slot = Math.max(now, this.nextSlotAt);
        this.nextSlotAt = slot + this.intervalMs;
        const wait = slot - now;
        if (wait > 0) await this.clock.sleep(wait);
        // Slots are spaced, but the timers that end the sleeps are not: when the event loop stalls (hundreds of
        // resources parsing certificates, a busy CI machine), every timer that fell due during the stall fires at
        // once, and their calls would leave together, over the server's limit (seen as Throttling.User on
        // DescribeDomainCertificateInfo in a 200-domain burst). So actual starts are spaced too: a call that wakes
        // less than an interval after the previous start waits out the difference. TIMER_SLACK_MS absorbs timers
        // rounding a fractional delay down to whole milliseconds.
        for (;;) {
            const at = this.clock.now();
            const earliest = this.lastStartAt + this.intervalMs - TIMER_SLACK_MS;
            if (at >= earliest) {
                this.lastStartAt = at;
                return;
            }
            await this.clock.sleep(earliest - at);
        }
    }

    /** How long a call asking now would wait (for diagnostics and tests). */
    backlogMs(): number {
        return Math.max(0, this.nextSlotAt - this.clock.now());
    }
}

export interface PacerRegistryOptions {
    readonly headroom?: number;
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

    acquire(accessKeyId: string, action: ActionSpec): Promise<void> {
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
    return (holder[REGISTRY_SYMBOL] ??= new PacerRegistry());
}
