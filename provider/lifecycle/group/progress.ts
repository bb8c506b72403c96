// A rollout of hundreds of domains in one resource must not be a silent spinner for minutes: while a group applies,
// it says a few times a minute how many domains are done, set and confirming (and on what they wait), not yet set,
// and failed, as an ephemeral status message on the resource's row of the CLI's display (sent by ../engineLog.ts).
import type { Clock } from "../../clock";
import type { ConvergeEvent } from "../confirmation";
import type { ProgressSink } from "../engineLog";

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

    /** E.g. "120/500 domains done; 300 set and confirming (280 configuring, 20 ServiceBusy); 78 not set yet; 2 failed". */
    summary(): string {
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
