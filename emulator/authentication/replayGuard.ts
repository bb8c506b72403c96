// Freshness checks shared by both signature versions: the request time must be within the tolerated clock skew,
// and a signature nonce is accepted once per access key while its request could still be fresh. Nonces are kept
// in memory per process (a restart forgets them, as the window is minutes long anyway).
import * as errors from "../errors";

/** `YYYY-MM-DDTHH:mm:ssZ`, the only form the SDK sends (x-acs-date, Timestamp). */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z$/;

export function parseAcsTimestamp(value: string): number | undefined {
    if (!TIMESTAMP.test(value)) return undefined;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
}

export class ReplayGuard {
    private readonly seen = new Map<string, number>();
    private nextPrune = 0;

    constructor(private readonly toleranceMs: number) {}

    checkTimestamp(value: string | undefined, now: number): void {
        if (value === undefined || value === "") throw errors.missingParameter("Timestamp");
        const at = parseAcsTimestamp(value);
        if (at === undefined) throw errors.invalidTimeStampFormat();
        if (Math.abs(now - at) > this.toleranceMs) throw errors.invalidTimeStampExpired();
    }

    /** Call only after the signature verified, so a forged request cannot burn a legitimate nonce. */
    claimNonce(accessKeyId: string, nonce: string | undefined, now: number): void {
        if (nonce === undefined || nonce === "") throw errors.missingParameter("SignatureNonce");
        this.prune(now);
        const key = `${accessKeyId}\n${nonce}`;
        const until = this.seen.get(key);
        if (until !== undefined && until > now) throw errors.signatureNonceUsed();
        // A timestamp can be up to `tolerance` in the future, so the nonce must be remembered for twice that.
        this.seen.set(key, now + 2 * this.toleranceMs);
    }

    private prune(now: number): void {
        if (now < this.nextPrune) return;
        this.nextPrune = now + 60_000;
        for (const [key, until] of this.seen) if (until <= now) this.seen.delete(key);
    }
}
