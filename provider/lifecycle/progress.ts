// A change that takes minutes must not be a silent spinner: while a resource applies, it says every few seconds
// how far it is, as an ephemeral status message on the resource's row of the CLI's display (sent by ../engine/engineLog.ts).
// A group says how many of its domains are done, set and confirming (and on what they wait), not yet set, and
// failed; a single resource says what its domain waits on (configuring, ServiceBusy, a read answered InternalError).
import { systemClock, type Clock } from "../clock";
import type { ConvergeEvent } from "./confirmation";
import type { ProgressSink } from "./port";
import type { LifecycleContext } from "./operations";

/** No engine to tell (tests, a program run outside the engine): progress goes nowhere. */
export const SILENT: ProgressSink = { report: () => undefined, close: () => undefined };

/** How often a rollout says how far it is. */
export const PROGRESS_INTERVAL_MS = 10_000;

type DomainPhase =
    | { readonly phase: "pending" }
    | { readonly phase: "set" }
    | { readonly phase: "waiting"; readonly on: string }
    | { readonly phase: "done" }
    | { readonly phase: "failed" };

/** Counts each domain's phase, from the convergence events and the outcomes. */
export class ProgressTracker {
    private readonly phases = new Map<string, DomainPhase>();

    constructor(
        private readonly what: string,
        domains: readonly string[],
    ) {
        for (const domain of domains) this.phases.set(domain, { phase: "pending" });
    }

    readonly event = (domainName: string, event: ConvergeEvent): void => {
        if (!this.phases.has(domainName)) return;
        this.phases.set(domainName, event.kind === "set" ? { phase: "set" } : { phase: "waiting", on: event.on });
    };

    finished(domainName: string, ok: boolean): void {
        if (this.phases.has(domainName)) this.phases.set(domainName, { phase: ok ? "done" : "failed" });
    }

    /**
     * E.g. "120/500 domains done; 300 set and confirming (280 configuring, 20 ServiceBusy); 78 not set yet; 2 failed",
     * or for one domain "www.example.com: waiting on ServiceBusy".
     */
    summary(): string {
        if (this.phases.size === 1) {
            const [domain, state] = [...this.phases][0]!;
            return `${domain}: ${describePhase(state, this.what)}`;
        }
        let done = 0;
        let failed = 0;
        let pending = 0;
        let inFlight = 0;
        const waitingOn = new Map<string, number>();
        for (const state of this.phases.values()) {
            if (state.phase === "done") done++;
            else if (state.phase === "failed") failed++;
            else if (state.phase === "pending") pending++;
            else {
                inFlight++;
                if (state.phase === "waiting") waitingOn.set(state.on, (waitingOn.get(state.on) ?? 0) + 1);
            }
        }
        const on = [...waitingOn.entries()].sort((a, b) => b[1] - a[1]).map(([why, n]) => `${n} ${why}`);
        const parts = [`${done}/${this.phases.size} domains ${this.what}`];
        if (inFlight > 0) parts.push(`${inFlight} set and confirming${on.length > 0 ? ` (${on.join(", ")})` : ""}`);
        if (pending > 0) parts.push(`${pending} not set yet`);
        if (failed > 0) parts.push(`${failed} failed`);
        return parts.join("; ");
    }
}

function describePhase(state: DomainPhase, what: string): string {
    switch (state.phase) {
        case "pending":
            return "reading what it serves";
        case "set":
            return "set, confirming";
        case "waiting":
            return `waiting on ${state.on}`;
        case "done":
            return what;
        case "failed":
            return "failed";
    }
}

/** Reports the tracker's summary every `intervalMs` until stopped; the last word is the final count (unless `last` is false). */
export function reportPeriodically(
    tracker: ProgressTracker,
    sink: ProgressSink,
    clock: Clock,
    intervalMs = PROGRESS_INTERVAL_MS,
    last = true,
): { stop(): void } {
    const stopped = new AbortController();
    void (async () => {
        for (;;) {
            await clock.sleep(intervalMs, stopped.signal);
            if (stopped.signal.aborted) return;
            sink.report(tracker.summary());
        }
    })();
    return {
        stop() {
            if (stopped.signal.aborted) return;
            stopped.abort();
            if (last) sink.report(tracker.summary());
            sink.close();
        },
    };
}

/**
 * A single resource's line: what its domain waits on, as it changes, but nothing in its first `intervalMs` and at
 * most one line per `intervalMs` after that (a change meanwhile goes out at the next tick), and a last line only
 * when it said something before. 500 resources that each said every step kept the engine busy displaying them
 * (measured in the bench: 14-20 s more of the engine's CPU for a create or a rotation of 500); one that finishes in
 * seconds has nothing to say, and one that waits minutes on `configuring` or a failing read says so.
 */
export function reportChanges(
    tracker: ProgressTracker,
    sink: ProgressSink,
    clock: Clock,
    intervalMs = PROGRESS_INTERVAL_MS,
): { changed(): void; stop(): void } {
    let lastSent: string | undefined;
    let lastSentAt = clock.now();
    const send = () => {
        const line = tracker.summary();
        if (line === lastSent) return;
        lastSent = line;
        sink.report(line);
        lastSentAt = clock.now();
    };
    const ticks = reportPeriodically(tracker, { report: () => send(), close: () => undefined }, clock, intervalMs, false);
    return {
        changed() {
            if (clock.now() - lastSentAt >= intervalMs) send();
        },
        stop() {
            ticks.stop();
            if (lastSent !== undefined) send();
            sink.close();
        },
    };
}

/**
 * Runs `work` over the domains with progress: each domain's events feed a tracker. A group's summary goes to `sink`
 * every 10 s, and once more at the end; a single domain's line as reportChanges says. `work` gets the context with
 * the tracker's event handler in it.
 */
export async function withProgress<T>(
    ctx: LifecycleContext,
    sink: ProgressSink | undefined,
    what: string,
    domains: readonly string[],
    work: (ctx: LifecycleContext, tracker: ProgressTracker) => Promise<T>,
): Promise<T> {
    const tracker = new ProgressTracker(what, domains);
    const out = sink ?? SILENT;
    const clock = ctx.clock ?? systemClock;
    const single = domains.length === 1 ? reportChanges(tracker, out, clock) : undefined;
    const reporting = single ?? reportPeriodically(tracker, out, clock);
    const event: typeof tracker.event = (domainName, happened) => {
        tracker.event(domainName, happened);
        single?.changed();
    };
    try {
        return await work({ ...ctx, events: event }, tracker);
    } finally {
        reporting.stop();
    }
}
