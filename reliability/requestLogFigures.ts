// Figures a scenario takes from the emulator's request log (bench/emulator.ts's summary is reused as it is).
import type { RequestLogEntry } from "../emulator";
import { REQUEST_LOG_CAPACITY } from "../bench/emulator";

/** Whether the log filled up: its oldest entries are then gone and counts from it are low. */
export function logTruncated(entries: readonly RequestLogEntry[]): boolean {
    return entries.length >= REQUEST_LOG_CAPACITY;
}

/**
 * The most calls of each action the emulator saw arrive within any one second (a sliding window over the log's
 * arrival times, millisecond resolution), all answers counted, and counting only those not refused as throttled.
 */
export function peakPerSecond(entries: readonly RequestLogEntry[]): Map<string, { all: number; accepted: number }> {
    const byAction = new Map<string, { all: number[]; accepted: number[] }>();
    for (const entry of entries) {
        if (!entry.action) continue;
        const at = Date.parse(entry.time);
        if (!Number.isFinite(at)) continue;
        const times = byAction.get(entry.action) ?? { all: [], accepted: [] };
        times.all.push(at);
        if (!entry.code?.includes("Throttling")) times.accepted.push(at);
        byAction.set(entry.action, times);
    }
    const peak = (times: number[]) => {
        times.sort((a, b) => a - b);
        let best = 0;
        for (let lo = 0, hi = 0; hi < times.length; hi++) {
            // The window (t - 1000, t]: the emulator's limiter counts calls "in the last 1000 ms" the same way.
            while (times[lo]! <= times[hi]! - 1000) lo++;
            best = Math.max(best, hi - lo + 1);
        }
        return best;
    };
    const result = new Map<string, { all: number; accepted: number }>();
    for (const [action, times] of byAction) result.set(action, { all: peak(times.all), accepted: peak(times.accepted) });
    return result;
}
