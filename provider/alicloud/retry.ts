// Retrying transient failures: capped exponential backoff with full jitter, a bounded number of attempts and a
// total time budget. The SDK retries nothing (openapi-core 1.x ignores RuntimeOptions.autoretry), so this is the
// only retry layer. Sleep, randomness and the clock are injectable so that tests run instantly and exactly.

import { systemClock, type Clock } from "../clock";
import { isTransient } from "../apiErrors";

export interface RetryPolicy {
    /** Attempts in total, the first one included. 1 disables retrying. */
    readonly maxAttempts: number;
    /** The backoff ceiling before the first retry; doubles with each retry. */
    readonly baseDelayMs: number;
    /** No single backoff is longer than this (a server's retry-after may be, within the budget). */
    readonly maxDelayMs: number;
    /** No retry starts after this much time since the first attempt began. */
    readonly totalBudgetMs: number;
}

/**
 * One call's patience: a throttled burst or a blip gets about 20 seconds on average, and a hard stop at one minute.
 * Longer waits are the lifecycle's (lifecycle/confirmation.ts): it reads on through transient answers at the polling
 * pace until the resource's deadline, saying on what it waits, and it waits out a domain that is `configuring`
 * (ServiceBusy to a set) by reading its state, not by sending the set again.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
    maxAttempts: 8,
    baseDelayMs: 200,
    maxDelayMs: 10_000,
    totalBudgetMs: 60_000,
};

/** The clock, plus the randomness of the jitter: both injectable so that tests are exact. */
export interface RetryEnvironment extends Clock {
    /** Uniform in [0, 1). */
    random(): number;
}

export const REAL_ENVIRONMENT: RetryEnvironment = { ...systemClock, random: Math.random };

/** What a retry callback learns; nothing about the request itself, so it is safe to log. */
export interface RetryEvent {
    /** The attempt that just failed (1-based). */
    readonly attempt: number;
    readonly delayMs: number;
    readonly error: unknown;
}

export interface RetryOptions extends Partial<RetryPolicy>, Partial<RetryEnvironment> {
    /** Which failures to retry; default: the transient ones (../apiErrors/transience.ts). */
    isRetryable?(error: unknown): boolean;
    /** A server-imposed minimum wait for this failure; default: the error's `retryAfterMs` property. */
    retryAfterMs?(error: unknown): number | undefined;
    onRetry?(event: RetryEvent): void;
}

/**
 * The backoff before retry number `retry` (1 for the first retry): "full jitter", uniform in
 * [0, min(maxDelayMs, baseDelayMs * 2^(retry-1))). Full jitter spreads the retries of many resources that failed
 * together, which matters here: a throttled burst of hundreds of updates must not come back as one burst.
 */
export function backoffDelay(retry: number, policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">, random: () => number): number {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
    return Math.floor(random() * ceiling);
}

function defaultRetryAfter(error: unknown): number | undefined {
    const value = typeof error === "object" && error !== null ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
    return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Runs `operation` until it succeeds, a failure is not retryable, the attempts are used up, or the next wait would
 * end past the time budget. Throws the last failure unchanged; a caller that wants to report the number of attempts
 * reads it from the argument `operation` receives.
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
    const policy: RetryPolicy = {
        maxAttempts: Math.max(1, Math.floor(options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts)),
        baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
        maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
        totalBudgetMs: options.totalBudgetMs ?? DEFAULT_RETRY_POLICY.totalBudgetMs,
    };
    const sleep = options.sleep ?? REAL_ENVIRONMENT.sleep;
    const random = options.random ?? REAL_ENVIRONMENT.random;
    const now = options.now ?? REAL_ENVIRONMENT.now;
    const isRetryable = options.isRetryable ?? isTransient;
    const retryAfter = options.retryAfterMs ?? defaultRetryAfter;

    const startedAt = now();
    for (let attempt = 1; ; attempt++) {
        try {
            return await operation(attempt);
        } catch (error) {
            if (attempt >= policy.maxAttempts || !isRetryable(error)) throw error;
            // The server's retry-after is a floor (it knows when capacity returns); jitter still spreads the herd.
            const delayMs = Math.max(backoffDelay(attempt, policy, random), retryAfter(error) ?? 0);
            if (now() - startedAt + delayMs > policy.totalBudgetMs) throw error;
            options.onRetry?.({ attempt, delayMs, error });
            await sleep(delayMs);
        }
    }
}
