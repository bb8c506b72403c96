// A rollout of hundreds of domains in one resource must not be a silent spinner for minutes: while a group applies,
// it says a few times a minute how many domains are done, set and confirming (and on what they wait), not yet set,
// and failed, as an ephemeral status message on the resource's row of the CLI's display.
//
// The engine takes those through its Log RPC (LogRequest with `ephemeral` and the resource's URN). The dynamic
// provider's host is started with the engine's address as its first argument, but does not connect @pulumi/pulumi's
// log functions to it (cmd/dynamic-provider/index.js, 3.248), and a dynamic provider's create and update are not
// given the resource's URN: the resource passes its URN as the input `resourceUrn`, and this module makes its own
// Engine client to that address.
import * as path from "node:path";
import type { Clock } from "../../clock";
import type { ConvergeEvent } from "../confirmation";

/** How often a rollout says how far it is. */
export const PROGRESS_INTERVAL_MS = 10_000;

/** Where progress lines go. */
export interface ProgressSink {
    report(message: string): void;
    /** Release, once what was reported has gone out (or after a second); idempotent. */
    close(): Promise<void> | void;
}

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

/** No engine to tell (tests, a program run outside the engine): progress goes nowhere. */
export const SILENT: ProgressSink = { report: () => undefined, close: () => undefined };

/**
 * The engine's Log RPC, for the resource `urn`, at `address` (the dynamic-provider host's first argument). The
 * client is @pulumi/pulumi's own generated one, over the gRPC library it ships with. Any failure to connect or send
 * is dropped: progress must never fail a rollout. Progress is `ephemeral` (the CLI shows it on the resource's row
 * until the next one); a preview's note about what a change does is not (it stays in the resource's diagnostics).
 */
export function engineSink(
    address: string | undefined,
    urn: string | undefined,
    { ephemeral = true, severity = "info" }: { ephemeral?: boolean; severity?: "info" | "warning" } = {},
): ProgressSink {
    if (!address || !urn) return SILENT;
    try {
        const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
        /* eslint-disable @typescript-eslint/no-require-imports */
        const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as typeof import("@grpc/grpc-js");
        const { EngineClient } = require("@pulumi/pulumi/proto/engine_grpc_pb") as { EngineClient: new (address: string, credentials: unknown) => EngineLike };
        const proto = require("@pulumi/pulumi/proto/engine_pb") as { LogRequest: new () => LogRequestLike; LogSeverity: { INFO: number; WARNING: number } };
        /* eslint-enable @typescript-eslint/no-require-imports */
        const client = new EngineClient(address, grpc.credentials.createInsecure());
        const pending = new Set<Promise<void>>();
        return {
            report(message) {
                const request = new proto.LogRequest();
                request.setSeverity(severity === "warning" ? proto.LogSeverity.WARNING : proto.LogSeverity.INFO);
                request.setMessage(message);
                request.setUrn(urn);
                request.setEphemeral(ephemeral);
                const sent = new Promise<void>((resolve) => client.log(request, () => resolve()));
                pending.add(sent);
                void sent.then(() => pending.delete(sent));
            },
            async close() {
                // The last message must reach the engine before the channel closes (a preview's note is sent just before
                // the diff returns, and the preview may end right after), but a stuck engine must not hold a rollout.
                let timer: NodeJS.Timeout | undefined;
                const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)));
                await Promise.race([Promise.all(pending), limit]);
                clearTimeout(timer);
                client.close();
            },
        };
    } catch {
        return SILENT;
    }
}

interface LogRequestLike {
    setSeverity(severity: number): void;
    setMessage(message: string): void;
    setUrn(urn: string): void;
    setEphemeral(ephemeral: boolean): void;
}

interface EngineLike {
    log(request: LogRequestLike, callback: (error: unknown) => void): void;
    close(): void;
}

/** The engine's address, as the dynamic-provider host was started with it (`host:port`), if this is that host. */
export function engineAddressFromArgv(argv: readonly string[] = process.argv): string | undefined {
    return argv.slice(2).find((arg) => /^(?:[\w.-]+|\[[0-9a-f:]+\]):\d{1,5}$/i.test(arg));
}
