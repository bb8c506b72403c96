// What the emulator tests assert with: an SDK call's exact error, a condition reached in time, and the fields a
// comparison picks.
import assert from "node:assert/strict";
import type { CasSummary, RunningEmulator } from "../../../emulator";

/** Only the named fields of `object`, each present even when undefined, so one deepEqual checks them all. */
export function picked<T extends object, K extends keyof T>(object: T | undefined, ...keys: K[]): Pick<T, K> {
    return Object.fromEntries(keys.map((key) => [key, object?.[key]])) as Pick<T, K>;
}

/** One field of each of the account's certificate-service entries, sorted: what a test compares when order is not the point. */
export function sortedCasField<K extends keyof CasSummary>(emulator: RunningEmulator, accessKeyId: string, field: K): CasSummary[K][] {
    return emulator
        .casCertificates(accessKeyId)
        .map((entry) => entry[field])
        .sort();
}

/** Asserts an SDK call failed with exactly this code and HTTP status. */
export async function expectApiError(promise: Promise<unknown>, code: string, status: number): Promise<void> {
    await assert.rejects(promise, (error: { code?: string; statusCode?: number; message?: string }) => {
        assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
        assert.equal(error.statusCode, status);
        return true;
    });
}

/** Polls until `check` returns true (changes take effect asynchronously); fails after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (await check()) return;
        if (Date.now() > deadline) assert.fail("condition not reached in time");
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}
