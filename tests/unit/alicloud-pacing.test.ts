// Pacing: under any burst, no one-second window holds more calls than the documented limit.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import type { Clock } from "../../provider/clock";
import { Pacer, PacerRegistry, sharedPacerRegistry } from "../../provider/alicloud/pacing";
import { CDN, CDN_BATCH_SET, LIVE } from "../../provider/alicloud/products";

/** Virtual time: sleeping registers a timer; `run` jumps from timer to timer until none is left. */
class FakeClock implements Clock {
    private time = 0;
    private timers: { at: number; wake: () => void }[] = [];
    now = () => this.time;
    /** Lets time pass without anyone sleeping (an idle stretch between calls). */
    advance(ms: number): void {
        this.time += ms;
    }
    sleep = (ms: number) => new Promise<void>((wake) => this.timers.push({ at: this.time + ms, wake }));
    async run(): Promise<void> {
        for (;;) {
            await new Promise((resolve) => setImmediate(resolve));
            if (this.timers.length === 0) return;
            this.timers.sort((a, b) => a.at - b.at);
            const next = this.timers.shift()!;
            this.time = Math.max(this.time, next.at);
            next.wake();
        }
    }
}

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

async function burst(pacerAcquire: () => Promise<void>, clock: FakeClock, calls: number): Promise<number[]> {
    const starts: number[] = [];
    const all = Array.from({ length: calls }, () => pacerAcquire().then(() => starts.push(clock.now())));
    await clock.run();
    await Promise.all(all);
    return starts;
}

describe("Pacer", () => {
    for (const action of [CDN.setAction, CDN.describeCertificateAction, LIVE.describeDomainAction, CDN_BATCH_SET]) {
        it(`GIVEN 500 concurrent ${action.name} calls THEN no one-second window exceeds ${action.callsPerSecond}`, async () => {
            const clock = new FakeClock();
            const pacer = new Pacer({ callsPerSecond: action.callsPerSecond, clock });
            const starts = await burst(() => pacer.acquire(), clock, 500);
            assert.equal(starts.length, 500);
            assert.ok(busiestSecond(starts) <= action.callsPerSecond, `busiest second: ${busiestSecond(starts)}`);
            // Spread evenly at 90% of the limit: the burst takes 500 / (0.9 * limit) seconds, not much more.
            const expectedSpan = (499 * 1000) / (action.callsPerSecond * 0.9);
            assert.ok(Math.abs(Math.max(...starts) - expectedSpan) < 1, `span ${Math.max(...starts)} vs ${expectedSpan}`);
        });
    }

    it("GIVEN a stalled event loop that fires every due timer at once THEN the calls still start an interval apart", async () => {
        // Sleeps all end together at 500 ms, as timers do after a long synchronous stretch.
        let time = 0;
        let stalled: (() => void)[] = [];
        const clock: Clock = {
            now: () => time,
            sleep: (ms) => new Promise<void>((wake) => (time < 500 ? stalled.push(wake) : setTimeout(() => ((time += ms), wake()), 0))),
        };
        const pacer = new Pacer({ callsPerSecond: 100, clock });
        const starts: number[] = [];
        const all = Array.from({ length: 20 }, () => pacer.acquire().then(() => starts.push(time)));
        await new Promise((resolve) => setImmediate(resolve));
        time = 500;
        for (const wake of stalled.splice(0)) wake();
        await Promise.all(all);
        const sorted = [...starts].sort((a, b) => a - b);
        for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i]! - sorted[i - 1]! >= pacer.intervalMs - 1.001, `starts ${sorted.join(", ")}`);
        assert.ok(busiestSecond(starts) <= 100);
        stalled = [];
    });

    it("GIVEN an idle pacer THEN the first call starts at once", async () => {
        const clock = new FakeClock();
        const pacer = new Pacer({ callsPerSecond: 10, clock });
        const starts = await burst(() => pacer.acquire(), clock, 1);
        assert.deepEqual(starts, [0]);
    });

    it("GIVEN calls already spaced wider than the interval THEN none waits", async () => {
        const clock = new FakeClock();
        const pacer = new Pacer({ callsPerSecond: 10, headroom: 1, clock });
        const starts: number[] = [];
        for (let i = 0; i < 3; i++) {
            await pacer.acquire();
            starts.push(clock.now());
            clock.advance(150);
        }
        assert.deepEqual(starts, [0, 150, 300]);
        assert.equal(pacer.backlogMs(), 0);
    });

    it("GIVEN headroom 1 THEN exactly the interval 1/limit", () => {
        assert.equal(new Pacer({ callsPerSecond: 10, headroom: 1 }).intervalMs, 100);
    });

    it("GIVEN a nonsensical limit THEN a RangeError", () => {
        assert.throws(() => new Pacer({ callsPerSecond: 0 }), RangeError);
        assert.throws(() => new Pacer({ callsPerSecond: 10, headroom: 1.5 }), RangeError);
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
        const clock = new FakeClock();
        const registry = new PacerRegistry({ clock });
        const startsA: number[] = [];
        const startsB: number[] = [];
        const all = [
            ...Array.from({ length: 60 }, () => registry.acquire("a", LIVE.setAction).then(() => startsA.push(clock.now()))),
            ...Array.from({ length: 60 }, () => registry.acquire("b", LIVE.setAction).then(() => startsB.push(clock.now()))),
        ];
        await clock.run();
        await Promise.all(all);
        assert.ok(busiestSecond(startsA) <= 30 && busiestSecond(startsA) >= 25);
        assert.ok(busiestSecond(startsB) <= 30 && busiestSecond(startsB) >= 25);
    });

    it("GIVEN the shared registry THEN one object per process", () => {
        assert.equal(sharedPacerRegistry(), sharedPacerRegistry());
        assert.equal((globalThis as Record<symbol, unknown>)[Symbol.for("pulumi-alicloud-certs/pacer-registry")], sharedPacerRegistry());
    });
});
