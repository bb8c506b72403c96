// Whether a test that drives the real Pulumi CLI runs: skipped, with the reason, where no engine is installed
// (harness/pulumiCli.ts looks), and failed instead with CI=true, where a missing engine must never pass as a skip.
import type { TestContext } from "node:test";
import { locatePulumiCli } from "../../harness/pulumiCli";

/** For `describe(name, { skip: e2eSkipReason() }, ...)`: false when the engine is there, else the reason to skip. */
export function e2eSkipReason(): string | false {
    const { dir, reason } = locatePulumiCli();
    if (dir) {
        return false;
    }
    if (process.env.CI === "true") {
        throw new Error(`CI=true and ${reason}`);
    }
    return reason ?? "no Pulumi engine";
}

/** Inside a test: returns the engine directory, or skips the test (returns undefined; the caller returns). */
export function requirePulumiCli(t: TestContext): string | undefined {
    const reason = e2eSkipReason();
    if (reason) {
        t.skip(reason);
        return undefined;
    }
    return locatePulumiCli().dir;
}
