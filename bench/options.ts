// What the bench's commands (run.ts, sweep.ts) share in reading their flags: a bad flag is a usage error, told with the
// usage and no stack, and a number is a whole number within its range or refused by name.

export class UsageError extends Error {}

/** `raw` as a whole number from `min` to `max`, or `fallback` when absent; refused naming the flag otherwise. */
export function wholeNumber(raw: string | undefined, fallback: number, name: string, min: number, max: number): number {
    if (raw === undefined || raw === "") return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}; got ${raw}`);
    return Number(raw);
}
