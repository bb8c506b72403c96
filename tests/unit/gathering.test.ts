// A group's first sets go out in full calls (provider/lifecycle/group/gathering.ts): held until enough to fill one
// call of the service have arrived, or until every domain of the group has reached its set or finished, or until the
// group has been quiet for the hold's bound, then sent in one tick; later sets pass through.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GATHER_HOLD_MS, SetGathering } from "../../provider/lifecycle/group/gathering";
import type { SetCertificateRequest } from "../../provider/lifecycle/port";
import { VirtualClock } from "../support/virtualClock";
import { OnlineDomainsService } from "../support/onlineDomainsService";

/** Records each set with the virtual time it reached the service. */
class Recorder extends OnlineDomainsService {
    readonly sets: { domainName: string; at: number }[] = [];
    constructor(private readonly clock: VirtualClock) {
        super();
    }
    async set(request: SetCertificateRequest) {
        this.sets.push({ domainName: request.domainName, at: this.clock.now() });
        return { requestId: request.domainName };
    }
}

/** A Recorder behind a batching service that sends `perCall` sets in one call. */
class BatchOf extends Recorder {
    constructor(
        clock: VirtualClock,
        readonly setsPerCall: number,
    ) {
        super(clock);
    }
}

const off = (domainName: string): SetCertificateRequest => ({ domainName, status: "off", certType: "upload" });

describe("a group's gathered sets", () => {
    it("GIVEN three domains reaching their sets at different times THEN none goes out before the last, and all go out together", async () => {
        const clock = new VirtualClock();
        const inner = new Recorder(clock);
        const gathering = new SetGathering(inner, ["a", "b", "c"], clock);
        const results = [gathering.set(off("a"))];
        clock.advance(2000);
        results.push(gathering.set(off("b")));
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(inner.sets, [], "held while c is still reading");
        clock.advance(3000);
        results.push(gathering.set(off("c")));
        assert.deepEqual(
            (await Promise.all(results)).map((r) => r.requestId),
            ["a", "b", "c"],
        );
        assert.deepEqual(inner.sets, [
            { domainName: "a", at: 5000 },
            { domainName: "b", at: 5000 },
            { domainName: "c", at: 5000 },
        ]);
    });

    it("GIVEN a domain that finishes without a set THEN the others are not held for it", async () => {
        const clock = new VirtualClock();
        const inner = new Recorder(clock);
        const gathering = new SetGathering(inner, ["a", "adopted"], clock);
        const a = gathering.set(off("a"));
        gathering.finished("adopted");
        await a;
        assert.deepEqual(inner.sets, [{ domainName: "a", at: 0 }]);
    });

    it(`GIVEN a domain that never reaches its set THEN the others go out ${GATHER_HOLD_MS} ms after the last of them arrived, and a later set passes straight through`, async () => {
        const clock = new VirtualClock();
        const inner = new Recorder(clock);
        const gathering = new SetGathering(inner, ["a", "b", "slow"], clock);
        clock.advance(100);
        const held = [gathering.set(off("a"))];
        clock.advance(1000);
        held.push(gathering.set(off("b")));
        await clock.run();
        await Promise.all(held);
        assert.deepEqual(inner.sets, [
            { domainName: "a", at: 1100 + GATHER_HOLD_MS },
            { domainName: "b", at: 1100 + GATHER_HOLD_MS },
        ]);
        await gathering.set(off("slow"));
        await gathering.set(off("a"));
        assert.deepEqual(
            inner.sets.slice(2).map((s) => s.domainName),
            ["slow", "a"],
        );
    });

    it(`GIVEN arrivals spread over more than ${GATHER_HOLD_MS} ms, none further apart than that THEN they are all held for the last (a large group whose reads are paced)`, async () => {
        const clock = new VirtualClock();
        const inner = new Recorder(clock);
        const names = Array.from({ length: 5 }, (_, i) => `d${i}`);
        const gathering = new SetGathering(inner, names, clock);
        // Each domain reaches its set one step after the one before, as paced reads bring them in.
        const held = names.map((name, i) => clock.sleep(i * (GATHER_HOLD_MS - 1)).then(() => gathering.set(off(name))));
        await clock.run();
        await Promise.all(held);
        const last = 4 * (GATHER_HOLD_MS - 1);
        assert.deepEqual(
            inner.sets,
            names.map((domainName) => ({ domainName, at: last })),
        );
    });

    it("GIVEN a service that sends 3 sets a call and 7 domains read one after another THEN every 3 held go out as soon as the third arrives, the last one when the group is done", async () => {
        const clock = new VirtualClock();
        const inner = new BatchOf(clock, 3);
        const names = Array.from({ length: 7 }, (_, i) => `d${i}`);
        const gathering = new SetGathering(inner, names, clock);
        // One domain reaches its set every 10 ms, as reads paced at 100/s bring them in.
        const sets = names.map((name, i) => clock.sleep(i * 10).then(() => gathering.set(off(name))));
        await clock.run();
        await Promise.all(sets);
        assert.deepEqual(
            inner.sets.map(({ domainName, at }) => `${domainName}@${at}`),
            ["d0@20", "d1@20", "d2@20", "d3@50", "d4@50", "d5@50", "d6@60"],
        );
    });

    it(`GIVEN sets sent as a full call and a quiet of more than ${GATHER_HOLD_MS} ms before the next domain THEN the later domains are still gathered`, async () => {
        const clock = new VirtualClock();
        const inner = new BatchOf(clock, 2);
        const names = ["a", "b", "c", "d"];
        const gathering = new SetGathering(inner, names, clock);
        // a and b fill a call at once; c comes after a long read, d a little later: they fill the next call together.
        const arrivals = [0, 10, GATHER_HOLD_MS + 10_000, GATHER_HOLD_MS + 15_000];
        const sets = names.map((name, i) => clock.sleep(arrivals[i]!).then(() => gathering.set(off(name))));
        await clock.run();
        await Promise.all(sets);
        assert.deepEqual(
            inner.sets.map(({ domainName, at }) => `${domainName}@${at}`),
            ["a@10", "b@10", `c@${GATHER_HOLD_MS + 15_000}`, `d@${GATHER_HOLD_MS + 15_000}`],
        );
    });
});
