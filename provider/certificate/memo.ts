// Results of the module's pure parsing, remembered by a digest of their input. A fleet of resources usually shares
// one certificate and key, and check and diff run for every resource on every preview: parsing it once instead of
// N times is most of the provider's CPU in a large preview. Failures are not remembered (they throw, and are rare).
import { createHash } from "node:crypto";

/** Wraps a pure function of a string; keeps the last `capacity` results, keyed by SHA-256 (not the text itself). */
export function rememberByContent<R extends object>(compute: (input: string) => R, capacity = 64): (input: string) => R {
    const results = new Map<string, R>();
    return (input: string): R => {
        if (typeof input !== "string") return compute(input);
        const key = createHash("sha256").update(input).digest("hex");
        const known = results.get(key);
        if (known) {
            // Map keeps insertion order: re-inserting marks it most recently used.
            results.delete(key);
            results.set(key, known);
            return known;
        }
        const result = deepFreeze(compute(input));
        results.set(key, result);
        if (results.size > capacity) results.delete(results.keys().next().value as string);
        return result;
    };
}

/** Shared results must not be changed by one caller under another's feet. */
function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const inner of Object.values(value)) deepFreeze(inner);
    }
    return value;
}
