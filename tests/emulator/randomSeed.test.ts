// `--random-seed N`: the emulator's draws (whether a fault with a probability strikes, a configuring time drawn
// from a range) come from a generator seeded with N, so that a run of the reliability suite's fault storm can be
// repeated. The command is run as users run it; the same calls in the same order meet the same draws.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, test, type TestContext } from "node:test";
import type { RunningEmulator } from "../../emulator";
import { seededRandom } from "../../emulator/random";
import { $Cdn, cdnClient } from "./support/clients";
import { account, keysOf } from "./support/fixtures";
import { hook } from "./support/rawRequests";

const CDN = "seeded.cdn.test";
const owner = account("Seeded", { cdn: [CDN] });

async function emulatorCommand(t: TestContext, args: string[]): Promise<RunningEmulator> {
    const dir = mkdtempSync(join(tmpdir(), "emulator-seeded-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const seedFile = join(dir, "seed.json");
    writeFileSync(seedFile, JSON.stringify({ accounts: [owner] }));
    const child = spawn(
        process.execPath,
        ["--import", "tsx", join(__dirname, "../../emulator/cli.ts"), "--port", "0", "--seed", seedFile, "--no-rate-limits", ...args],
        {
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    t.after(() => {
        child.kill("SIGTERM");
    });
    const first = (await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next()).value as string;
    const port = Number(/^listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(first)?.[1]);
    assert.ok(port > 0, `unexpected first line: ${first}`);
    return { port, hostPort: `127.0.0.1:${port}`, endpoint: `http://127.0.0.1:${port}` } as RunningEmulator;
}

/** 40 reads in a row under a fault that strikes half the calls: which of them met it, as a string of 0s and 1s. */
async function pattern(t: TestContext, randomSeed: string): Promise<string> {
    const emulator = await emulatorCommand(t, ["--random-seed", randomSeed]);
    const added = await hook(emulator, "POST", "/__emulator/faults", { action: "DescribeCdnDomainDetail", fault: "service-unavailable", probability: 0.5 });
    assert.equal(added.status, 200, added.text);
    const cdn = cdnClient(emulator, keysOf(owner));
    let met = "";
    for (let i = 0; i < 40; i++) {
        try {
            await cdn.describeCdnDomainDetail(new $Cdn.DescribeCdnDomainDetailRequest({ domainName: CDN }));
            met += "0";
        } catch {
            met += "1";
        }
    }
    return met;
}

describe("alicloud-cert-emulator --random-seed", () => {
    test("the same seed gives the same faults to the same calls; another seed, other ones", async (t) => {
        const first = await pattern(t, "20261201");
        assert.equal(await pattern(t, "20261201"), first);
        assert.notEqual(await pattern(t, "7"), first);
        // Half, roughly: the draws are the seeded generator's, compared against the fault's probability.
        const expected = (() => {
            const random = seededRandom(20261201);
            return Array.from({ length: 40 }, () => (random() < 0.5 ? "1" : "0")).join("");
        })();
        assert.equal(first, expected);
    });

    test("a seed that is not a whole number from 0 to 4294967295 is refused, naming the flag", async () => {
        for (const given of ["-3", "1.5", "4294967296", "abc"]) {
            const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "../../emulator/cli.ts"), `--random-seed=${given}`], {
                stdio: ["ignore", "pipe", "pipe"],
            });
            let stderr = "";
            child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
            const code = await new Promise((resolve) => child.once("exit", resolve));
            assert.equal(code, 2, given);
            assert.ok(stderr.includes(`--random-seed must be an integer from 0 to 4294967295; got ${JSON.stringify(given)}`), stderr);
        }
    });
});
