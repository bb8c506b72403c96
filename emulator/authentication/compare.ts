import { timingSafeEqual } from "node:crypto";

/** Compares signatures without leaking, through timing, how many leading characters matched. */
export function constantTimeEqual(expected: string, received: string): boolean {
    const a = Buffer.from(expected);
    const b = Buffer.from(received);
    return a.length === b.length && timingSafeEqual(a, b);
}
