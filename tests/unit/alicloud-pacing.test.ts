// Pacing: under any burst, with any network delay, no one-second window holds more calls than the documented limit.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import type { Clock } from "../../provider/clock";
import { VirtualClock } from "../support/virtualClock";
import { DEFAULT_MARGIN_MS, Pacer, PacerRegistry, sharedPacerRegistry, type Release } from "../../provider/alicloud/pacing";
import { CDN, CDN_BATCH_SET, LIVE } from "../../provider/products";

/** The largest number of starts inside any closed window [t, t + 1000 ms]. */
function busiestSecond(starts: readonly number[]): number {
    const sorted = [...starts].sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0, j = 0; i < sorted.length; i++) {
        while (sorted[j]! < sorted[i]! - 1000) j++;
        busiest = Math.max(busiest, i - j + 1);
    }
    return busiest;
}

/** A deterministic spread of call durations (ms), so that runs are repeatable. */
function durations(count: number, min: number, max: number): number[] {
    let seed = 12345;
    return Array.from({ length: count }, () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return min + (seed % (max - min + 1));
    });
}

interface Call {
    start: number;
    finish: number;
}

/** `lengths.length` calls asking at once; each starts when admitted, lasts its length, then releases. */
async function burst(acquire: () => Promise<Release>, clock: VirtualClock, lengths: readonly number[]): Promise<Call[]> {
    const calls: Call[] = [];
    const all = lengths.map(async (length) => {
        const release = await acquire();
        const call = { start: clock.now(), finish: Number.NaN };
        calls.push(call);
        await clock.sleep(length);
        call.finish = clock.now();
        release();
    });
    await clock.run();
    await Promise.all(all);
    return calls;
}

/**
 * The property the server relies on, whatever the network does: a call arrives between its start and its finish,
 * so if every call starts more than a second after the call `limit` places before it finished, no one-second
 * window of arrivals holds more than `limit` calls.
 */
function assertSafe(calls: readonly Call[], limit: number): void {
    for (let i = limit; i < calls.length; i++) {
        const gap = calls[i]!.start - calls[i - limit]!.finish;
        assert.ok(gap > 1000, `call ${i} started ${gap} ms after call ${i - limit} finished`);
    }
    assert.ok(busiestSecond(calls.map((c) => c.start)) <= limit, "starts");
    assert.ok(busiestSecond(calls.map((c) => c.finish)) <= limit, "finishes");
}

describe("Pacer", () => {
    for (const action of [CDN.setAction, CDN.describeCertificateAction, LIVE.describeDomainAction, CDN_BATCH_SET]) {
        it(`GIVEN 500 concurrent ${action.name} calls THEN no one-second window can exceed ${action.callsPerSecond}, and the burst takes the seconds that requires`, async () => {
            const clock = new VirtualClock();
            const pacer = new Pacer({ callsPerSecond: action.callsPerSecond, clock });
            const calls = await burst(() => pacer.acquire(), clock, durations(500, 5, 80));
            assert.equal(calls.length, 500);
            assertSafe(calls, action.callsPerSecond);
            // A full second's budget at once, then the next as each call of the previous one is a second done.
            const rounds = Math.ceil(500 / action.callsPerSecond) - 1;
            const lastStart = Math.max(...calls.map((c) => c.start));
            assert.ok(lastStart >= rounds * 1000 && lastStart <= rounds * (1000 + DEFAULT_MARGIN_MS + 80), `last start ${lastStart} ms, ${rounds} rounds`);
        });
    }

    it("GIVEN an idle pacer THEN a full second's budget starts at once, and the next call waits a second after the first finished", async () => {
        const clock = new VirtualClock();
        const pacer = new Pacer({ callsPerSecond: 10, clock });
        const calls = await burst(() => pacer.acquire(), clock, durations(11, 50, 50));
        assert.deepEqual(
            calls.slice(0, 10).map((c) => c.start),
            Array(10).fill(0),
        );
        assert.equal(calls[10]!.start, 50 + 1000 + DEFAULT_MARGIN_MS);
    });

    it("GIVEN calls in flight for longer than a second THEN no more than the limit are ever in flight", async () => {
        const clock = new VirtualClock();
        const pacer = new Pacer({ callsPerSecond: 10, clock });
        const calls = await burst(() => pacer.acquire(), clock, Array(25).fill(3000));
        assertSafe(calls, 10);
        assert.deepEqual([...new Set(calls.map((c) => c.start))], [0, 3000 + 1000 + DEFAULT_MARGIN_MS, 2 * (4000 + DEFAULT_MARGIN_MS)]);
    });

    it("GIVEN a stalled event loop that wakes the pacer late THEN it admits only what the clock allows at that moment", async () => {
        // The pacer's wake-up fires 2.5 s late, as timers do after a long synchronous stretch.
        const clock = new VirtualClock();
        const late: Clock = { now: clock.now, sleep: (ms) => clock.sleep(ms + 2500) };
        const pacer = new Pacer({ callsPerSecond: 10, clock: late });
        const calls = await burst(() => pacer.acquire(), clock, durations(40, 5, 40));
        assertSafe(calls, 10);
    });

    it("GIVEN calls already more than a second apart THEN none waits", async () => {
        const clock = new VirtualClock();
        const pacer = new Pacer({ callsPerSecond: 1, clock });
        const starts: number[] = [];
        for (let i = 0; i < 3; i++) {
            const release = await pacer.acquire();
            starts.push(clock.now());
            clock.advance(20);
            release();
            release(); // a second release changes nothing
            clock.advance(1100);
        }
        assert.deepEqual(starts, [0, 1120, 2240]);
        assert.equal(pacer.queued, 0);
    });

    it("GIVEN a nonsensical limit or margin THEN a RangeError", () => {
        assert.throws(() => new Pacer({ callsPerSecond: 0 }), RangeError);
        assert.throws(() => new Pacer({ callsPerSecond: 2.5 }), RangeError);
        assert.throws(() => new Pacer({ callsPerSecond: 10, marginMs: -1 }), RangeError);
    });
});

describe("PacerRegistry", () => {
    it("GIVEN one account and action THEN one shared pacer; other accounts and actions get their own", () => {
        const registry = new PacerRegistry();
        const a = registry.pacerFor("LTAI-account-a", CDN.setAction);
        assert.equal(registry.pacerFor("LTAI-account-a", CDN.setAction), a);
        assert.notEqual(registry.pacerFor("LTAI-account-b", CDN.setAction), a);
        assert.notEqual(registry.pacerFor("LTAI-account-a", CDN.describeCertificateAction), a);
    });

    it("GIVEN two accounts bursting together THEN each gets its full budget", async () => {
        const clock = new VirtualClock();
        const registry = new PacerRegistry({ clock });
        const startsA: number[] = [];
        const startsB: number[] = [];
        const call = (account: string, starts: number[]) => async () => {
            const release = await registry.acquire(account, LIVE.setAction);
            starts.push(clock.now());
            await clock.sleep(10);
            release();
        };
        const all = [...Array.from({ length: 60 }, call("a", startsA)), ...Array.from({ length: 60 }, call("b", startsB))];
        await clock.run();
        await Promise.all(all);
        assert.equal(busiestSecond(startsA), 30);
        assert.equal(busiestSecond(startsB), 30);
    });

    it("GIVEN the shared registry THEN one object per process", () => {
        assert.equal(sharedPacerRegistry(), sharedPacerRegistry());
        assert.equal((globalThis as Record<symbol, unknown>)[Symbol.for("pulumi-alicloud-certs/pacer-registry")], sharedPacerRegistry());
    });
});
