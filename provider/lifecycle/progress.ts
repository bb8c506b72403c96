// A change that takes minutes must not be a silent spinner: while a resource applies, it says every few seconds
// how far it is, as an ephemeral status message on the resource's row of the CLI's display (sent by engineLog.ts).
// A group says how many of its domains are done, set and confirming (and on what they wait), not yet set, and
// failed; a single resource says what its domain waits on (configuring, ServiceBusy, a read answered InternalError).
import { systemClock, type Clock } from "../clock";
import type { ConvergeEvent } from "./confirmation";
import { SILENT, type ProgressSink } from "./engineLog";
import type { LifecycleContext } from "./operations";

/** How often a rollout says how far it is. */
export const PROGRESS_INTERVAL_MS = 10_000;

type DomainPhase = { readonly phase: "pending" } | { readonly phase: "set" } | { readonly phase: "waiting"; readonly on: string } | { readonly phase: "done" } | { readonly phase: "failed" };

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

/** Reports the tracker's summary every `intervalMs` until stopped; the last word is the final count. */
export function reportPeriodically(tracker: ProgressTracker, sink: ProgressSink, clock: Clock, intervalMs = PROGRESS_INTERVAL_MS): { stop(): void } {
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
            sink.report(tracker.summary());
            sink.close();
        },
    };
}

/**
 * Runs `work` over the domains with progress: each domain's events feed a tracker whose summary goes to `sink`
 * every 10 s, and once more at the end. A single domain's line also goes out whenever it changes: its waits are a
 * second or a few (a read answered ServiceBusy is read again a second later), and a sample every 10 s would show
 * almost none of them. `work` gets the context with the tracker's event handler in it.
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
    const reporting = reportPeriodically(tracker, out, ctx.clock ?? systemClock);
    let last = tracker.summary();
    const event: typeof tracker.event = (domainName, happened) => {
        tracker.event(domainName, happened);
        if (domains.length !== 1) return;
        const now = tracker.summary();
        if (now !== last) out.report((last = now));
    };
    try {
        return await work({ ...ctx, events: event }, tracker);
    } finally {
        reporting.stop();
    }
}
