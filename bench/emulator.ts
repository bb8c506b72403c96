// What one benchmark phase did on the wire, from the emulator's request log. The emulator itself runs as its own
// process (harness/emulatorProcess.ts), so that its request handling never competes with the benchmark's
// event loop (the memory sampler, the anchors' observer).
import type { RequestLogEntry } from "../emulator";
import { CERTIFICATE_STORE, PRODUCTS } from "../provider/products";

/** The batch set actions of every product, whose calls carry several domains. */
const BATCH_SET_ACTIONS: ReadonlySet<string> = new Set(Object.values(PRODUCTS).flatMap((product) => (product.batchSet ? [product.batchSet.name] : [])));

/** The emulator's request log is capped (emulator/requestLog.ts); a phase that fills it cannot be counted. */
export const REQUEST_LOG_CAPACITY = 10_000;

/** What one phase did on the wire, from the request log. */
export interface CallSummary {
    readonly total: number;
    readonly byAction: Record<string, number>;
    /** Answers with an error code, by code. */
    readonly errors: Record<string, number>;
    readonly throttled: number;
    /** Domains carried by batch calls, and the most in one call. */
    readonly batchDomains: number;
    readonly largestBatch: number;
    readonly truncated: boolean;
    /**
     * Calls that carried a private key: uploads to the certificate service, and set calls of an uploaded
     * certificate (certType upload; the request log says which type a set sent, never its values).
     */
    readonly keyTransmissions: number;
    /** Wall-clock times (epoch ms) of the first and last request, when there were any. */
    readonly firstAt?: number;
    readonly lastAt?: number;
}

export function summarize(entries: readonly RequestLogEntry[]): CallSummary {
    const byAction: Record<string, number> = {};
    const errors: Record<string, number> = {};
    let throttled = 0;
    let batchDomains = 0;
    let largestBatch = 0;
    let keyTransmissions = 0;
    for (const entry of entries) {
        const action = entry.action ?? "(none)";
        if (action === CERTIFICATE_STORE.upload.name || entry.certType === "upload") keyTransmissions++;
        byAction[action] = (byAction[action] ?? 0) + 1;
        if (entry.code) {
            errors[entry.code] = (errors[entry.code] ?? 0) + 1;
            if (entry.code.includes("Throttling")) throttled++;
        }
        if (BATCH_SET_ACTIONS.has(action) && !entry.code) {
            batchDomains += entry.domains.length;
            largestBatch = Math.max(largestBatch, entry.domains.length);
        }
    }
    const times = entries.map((e) => Date.parse(e.time)).filter((t) => Number.isFinite(t));
    return {
        total: entries.length,
        byAction,
        errors,
        keyTransmissions,
        throttled,
        batchDomains,
        largestBatch,
        truncated: entries.length >= REQUEST_LOG_CAPACITY,
        ...(times.length > 0 ? { firstAt: Math.min(...times), lastAt: Math.max(...times) } : {}),
    };
}
