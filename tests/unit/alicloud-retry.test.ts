// Retry: capped exponential backoff with full jitter, bounded attempts and budget, all on injected time.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryOptions, withRetry } from "../../provider/alicloud/retry";

class Transient extends Error {
    readonly transient = true;
    constructor(readonly retryAfterMs?: number) {
        super("transient");
    }
}
class Permanent extends Error {
    readonly transient = false;
}

/** A clock that advances only when the code under test sleeps. */
function fakeTime(random = () => 0.5) {
    const sleeps: number[] = [];
    let time = 0;
    const options: RetryOptions = {
        sleep: async (ms) => {
            sleeps.push(ms);
            time += ms;
        },
        random,
        now: () => time,
    };
    return { sleeps, options, elapsed: () => time };
}

/** An operation failing with the given errors in turn, then returning "ok". */
function failing(...errors: Error[]) {
    const attempts: number[] = [];
    const operation = async (attempt: number) => {
        attempts.push(attempt);
        const error = errors.shift();
        if (error) throw error;
        return "ok";
    };
    return { operation, attempts };
}

describe("backoffDelay", () => {
    const policy = { baseDelayMs: 200, maxDelayMs: 10_000 };
    it("GIVEN random just below 1 THEN the ceiling doubles per retry and stops at maxDelayMs", () => {
        const ceilings = [1, 2, 3, 4, 5, 6, 7, 8].map((retry) => backoffDelay(retry, policy, () => 0.999999));
        assert.deepEqual(ceilings, [199, 399, 799, 1599, 3199, 6399, 9999, 9999]);
    });
    it("GIVEN random 0 THEN no wait (full jitter reaches down to zero)", () => {
        assert.equal(
            backoffDelay(5, policy, () => 0),
            0,
        );
    });
    it("GIVEN any random in [0,1) THEN the delay stays in [0, ceiling)", () => {
        for (let retry = 1; retry <= 12; retry++) {
            for (const r of [0, 0.1, 0.5, 0.9, 0.999]) {
                const delay = backoffDelay(retry, policy, () => r);
                assert.ok(delay >= 0 && delay < Math.min(10_000, 200 * 2 ** (retry - 1)), `${retry}/${r}: ${delay}`);
            }
        }
    });
});

describe("withRetry", () => {
    it("GIVEN success at once THEN one attempt, no sleep", async () => {
        const time = fakeTime();
        const { operation, attempts } = failing();
        assert.equal(await withRetry(operation, time.options), "ok");
        assert.deepEqual(attempts, [1]);
        assert.deepEqual(time.sleeps, []);
    });

    it("GIVEN two transient failures THEN the third attempt succeeds after two jittered waits", async () => {
        const time = fakeTime(() => 0.5);
        const { operation, attempts } = failing(new Transient(), new Transient());
        assert.equal(await withRetry(operation, time.options), "ok");
        assert.deepEqual(attempts, [1, 2, 3]);
        assert.deepEqual(time.sleeps, [100, 200]);
    });

    it("GIVEN a permanent failure THEN it is thrown at once, unchanged", async () => {
        const time = fakeTime();
        const permanent = new Permanent("no");
        const { operation, attempts } = failing(permanent);
        await assert.rejects(withRetry(operation, time.options), (error) => error === permanent);
        assert.deepEqual(attempts, [1]);
        assert.deepEqual(time.sleeps, []);
    });

    it("GIVEN only transient failures THEN maxAttempts attempts and the last error is thrown", async () => {
        const time = fakeTime(() => 0.999);
        const errors = Array.from({ length: 20 }, () => new Transient());
        const last = errors[DEFAULT_RETRY_POLICY.maxAttempts - 1];
        const { operation, attempts } = failing(...errors);
        await assert.rejects(withRetry(operation, time.options), (error) => error === last);
        assert.equal(attempts.length, DEFAULT_RETRY_POLICY.maxAttempts);
        assert.equal(time.sleeps.length, DEFAULT_RETRY_POLICY.maxAttempts - 1);
        assert.ok(time.sleeps.every((ms) => ms <= DEFAULT_RETRY_POLICY.maxDelayMs));
    });

    it("GIVEN maxAttempts 1 THEN no retry", async () => {
        const { operation, attempts } = failing(new Transient());
        await assert.rejects(withRetry(operation, { ...fakeTime().options, maxAttempts: 1 }));
        assert.deepEqual(attempts, [1]);
    });

    it("GIVEN a server retry-after longer than the jitter THEN it is honoured as the wait", async () => {
        const time = fakeTime(() => 0.5);
        const { operation } = failing(new Transient(1500));
        await withRetry(operation, time.options);
        assert.deepEqual(time.sleeps, [1500]);
    });

    it("GIVEN a retry-after shorter than the jitter THEN the jitter wins", async () => {
        const time = fakeTime(() => 0.9);
        const { operation } = failing(new Transient(), new Transient(), new Transient(), new Transient(1));
        await withRetry(operation, time.options);
        assert.deepEqual(time.sleeps, [180, 360, 720, 1440]);
    });

    it("GIVEN a wait that would end past the budget THEN the error is thrown instead of waiting", async () => {
        const time = fakeTime(() => 0.999);
        const errors = Array.from({ length: 20 }, () => new Transient());
        const { operation, attempts } = failing(...errors);
        await assert.rejects(withRetry(operation, { ...time.options, maxAttempts: 20, totalBudgetMs: 5_000 }));
        assert.ok(time.elapsed() <= 5_000, `waited ${time.elapsed()}`);
        // 199 + 399 + 799 + 1599 = 2996; the next (3199) would pass 5 s.
        assert.equal(attempts.length, 5);
    });

    it("GIVEN a retry-after beyond the budget THEN no wait at all", async () => {
        const time = fakeTime();
        const { operation, attempts } = failing(new Transient(120_000));
        await assert.rejects(withRetry(operation, time.options));
        assert.deepEqual(attempts, [1]);
        assert.deepEqual(time.sleeps, []);
    });

    it("GIVEN onRetry THEN it sees each failed attempt and its delay", async () => {
        const time = fakeTime(() => 0.5);
        const events: [number, number][] = [];
        const { operation } = failing(new Transient(), new Transient());
        await withRetry(operation, { ...time.options, onRetry: (event) => events.push([event.attempt, event.delayMs]) });
        assert.deepEqual(events, [
            [1, 100],
            [2, 200],
        ]);
    });

    it("GIVEN a custom isRetryable THEN it decides", async () => {
        const time = fakeTime();
        const { operation, attempts } = failing(new Permanent("x"));
        assert.equal(await withRetry(operation, { ...time.options, isRetryable: () => true }), "ok");
        assert.deepEqual(attempts, [1, 2]);
    });
});
