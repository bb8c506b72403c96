// Per-account, per-action flow control at the documented calls per second (handlers/actions.ts).
//
// Policy: a sliding one-second window. A call is refused with Throttling.User when the account already made
// `limit` accepted calls of that action in the last 1000 ms; refused calls do not count. A client pacing itself
// at the documented rate with a little slack is never throttled; a burst above it always is.
export class RateLimiter {
    private readonly windows = new Map<string, number[]>();

    constructor(private readonly windowMs = 1000) {}

    /** Records the call and returns true when allowed. */
    tryAcquire(accountKey: string, action: string, limit: number, now: number): boolean {
        const key = `${accountKey}\n${action}`;
        const recent = (this.windows.get(key) ?? []).filter((at) => at > now - this.windowMs);
        if (recent.length >= limit) {
            this.windows.set(key, recent);
            return false;
        }
        recent.push(now);
        this.windows.set(key, recent);
        return true;
    }

    reset(): void {
        this.windows.clear();
    }
}
