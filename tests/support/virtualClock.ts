// Virtual time for tests of concurrent waits (the pacer, confirmations running side by side): sleeping registers a
// timer, and `run` jumps from timer to timer until none is left, so a test of minutes runs in milliseconds, exactly.
import type { Clock } from "../../provider/clock";

export class VirtualClock implements Clock {
    private time = 0;
    private timers: { at: number; wake: () => void }[] = [];

    now = (): number => this.time;

    /** Lets time pass without anyone sleeping (an idle stretch between calls). */
    advance(ms: number): void {
        this.time += ms;
    }

    sleep = (ms: number, wake?: AbortSignal): Promise<void> =>
        new Promise<void>((resolve) => {
            if (wake?.aborted) return resolve();
            const timer = { at: this.time + ms, wake: resolve };
            this.timers.push(timer);
            wake?.addEventListener(
                "abort",
                () => {
                    this.timers = this.timers.filter((t) => t !== timer);
                    resolve();
                },
                { once: true },
            );
        });

    /** Runs until no timer is left: after each step the woken code runs to its next sleep before time moves on. */
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
