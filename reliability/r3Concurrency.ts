// R3, concurrency (issue #13): four stacks on one account at once, four `pulumi up` processes of 50
// DomainCertificates each (at scale 1) on disjoint domains, against one emulator with the documented limits on.
// Each process paces its calls at the account's limits, but only within itself: the four together offer up to four
// times the limit, and the emulator throttles what is over. It ends as it must when every stack exits 0, every
// domain serves its stack's certificate (asked with the official SDK, per domain), and no CLI's output mentions
// throttling: the provider's retries absorb the emulator's Throttling answers, and the user never sees one.
//
// Figures: the Throttling.User answers the emulator gave, and per action the peak calls it saw in any one second
// (all arrivals, and those it accepted), against the documented limit.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CDN, CDN_BATCH_SET, CDN_LEGACY_SET, CERTIFICATE_STORE } from "../provider/products";
import { ACTIONS } from "../emulator/handlers/actions";
import { issueCertificate, type Issued } from "../harness/certs";
import { EmulatorProcess } from "../harness/emulatorProcess";
import { preparePackageInstall } from "../harness/packageInstall";
import type { PulumiProject } from "../harness/project";
import type { RunResult } from "../harness/commands";
import { appliedSets } from "./r1/storm";
import { stackDomains, ZONE_PROGRAM } from "./r3/program";
import type { Outcome, ProducedText, Scenario, ScenarioOptions, SecretUsed } from "./scenario";
import { emulatorTexts, cdnSeed } from "./emulatorOutput";
import { certificateStack, cliOutput, exportText, listed, keySecrets, throttlingLines } from "./stacks";
import { leafFingerprint } from "../harness/certs";
import { logTruncated, peakPerSecond } from "./requestLogFigures";
import { serves, viewDomains } from "./domainViews";
import { milliseconds } from "./table";

const STACKS = 4;
/** Short changes: what is measured is the calls of four processes on one account, not waiting. */
const CONFIGURING_MS = "500-2000";
/** Each stack alone takes 15-30 s here; four share two cores. The bound only stops a run that hangs. */
const UP_TIMEOUT_MS = 200_000;

/** A key pair the R3 emulator accepts; not a credential anywhere else. */
const KEYS = { accessKeyId: "LTAIreliabilityR3stacks1", accessKeySecret: "r3StacksAccountSecretNotReal00001" };

/**
 * The documented calls per second of each action a CDN rollout calls (CDN's and the certificate service's), as the
 * package paces them (provider/products.ts).
 */
function documentedLimits(): Map<string, number> {
    const limits = new Map<string, number>();
    const store = [CERTIFICATE_STORE.upload, CERTIFICATE_STORE.detail, CERTIFICATE_STORE.list, CERTIFICATE_STORE.remove];
    for (const spec of [
        CDN.setAction,
        CDN.describeCertificateAction,
        CDN.describeDomainAction,
        CDN.domainListing.action,
        CDN_LEGACY_SET,
        CDN_BATCH_SET,
        ...store,
    ]) {
        limits.set(spec.name, spec.callsPerSecond);
    }
    return limits;
}

interface Stack {
    readonly zone: string;
    readonly issued: Issued;
    readonly project: PulumiProject;
    readonly domains: readonly string[];
}

export const r3Concurrency: Scenario = {
    id: "r3",
    name: "R3 concurrency",
    async run(options: ScenarioOptions): Promise<Outcome> {
        const n = Math.max(5, Math.round(50 * options.scale));
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "pac-r3-"));
        const produced: ProducedText[] = [];
        const secrets: SecretUsed[] = [{ label: "access key secret of the R3 account", value: KEYS.accessKeySecret }];
        const notes: string[] = [];
        const lost: string[] = [];
        let figures = "";
        let converged = 0;
        const stacks: Stack[] = [];
        let emulator: EmulatorProcess | undefined;
        const onExit = () => emulator?.killNow();
        process.once("exit", onExit);
        try {
            options.progress(`R3: ${STACKS} stacks of ${n} domains on one account, configuring ${CONFIGURING_MS} ms; preparing the package install`);
            const installDir = await preparePackageInstall();
            const zones = Array.from({ length: STACKS }, (_, i) => `s${i + 1}.r3.test`);
            const allDomains = zones.flatMap((zone) => stackDomains(zone, n));
            emulator = await EmulatorProcess.start({ stateFile: true, workDir: work, seed: cdnSeed(KEYS, allDomains), configuringMs: CONFIGURING_MS });
            for (const zone of zones) {
                // A certificate per stack, as four teams each deploying their own would have.
                const issued = await issueCertificate({ dnsNames: [`*.${zone}`], key: "ec256", notAfterDays: 90 });
                secrets.push(...keySecrets(`R3 ${zone}`, issued));
                const project = await certificateStack({
                    name: `r3-${zone.split(".")[0]}`,
                    program: ZONE_PROGRAM,
                    installDir,
                    issued,
                    keys: KEYS,
                    endpoint: emulator.endpoint,
                    config: { domains: String(n), zone },
                    timeoutMs: UP_TIMEOUT_MS,
                });
                stacks.push({ zone, issued, project, domains: stackDomains(zone, n) });
            }
            await emulator.hooks.reset();
            options.progress(`R3: ${STACKS} x pulumi up --parallel ${n} at once`);
            const begin = Date.now();
            // --parallel N, as the README tells a user with a fleet. All four start together: the worst moment for
            // the account's budget, every process's first burst of batch sets and reads in the same second.
            const results: RunResult[] = await Promise.all(
                stacks.map((s) => s.project.up(["--parallel", String(n)], { allowFailure: true, timeoutMs: UP_TIMEOUT_MS })),
            );
            const wall = Date.now() - begin;
            const entries = await emulator.hooks.requests();
            options.progress(
                `R3: all four ended in ${milliseconds(wall)} (${results.map((r) => `exit ${r.code}${r.timedOut ? " timed out" : ""}`).join(", ")}); ${entries.length} calls`,
            );
            const views = await viewDomains(emulator.endpoint, KEYS, allDomains);
            // A throttled set changes nothing; one that went through and was sent again would configure the domain twice.
            const applied = appliedSets(entries);

            for (const [i, stack] of stacks.entries()) {
                const result = results[i]!;
                const output = cliOutput(result);
                produced.push({ source: `R3 stack ${stack.zone}: pulumi up output`, text: output });
                const exported = await exportText(stack.project);
                if (exported !== undefined) produced.push({ source: `R3 stack ${stack.zone}: pulumi stack export`, text: exported });
                const fingerprint = leafFingerprint(stack.issued.chainPem);
                const unserved = stack.domains.filter((d) => !serves(views.get(d), fingerprint));
                const throttled = throttlingLines(output);
                const problems: string[] = [];
                if (result.timedOut) problems.push(`did not end in ${milliseconds(result.durationMs)}`);
                else if (result.code !== 0)
                    problems.push(`exited ${result.code}: ${(output.split("\n").find((l) => /error:/i.test(l)) ?? "").trim().slice(0, 300)}`);
                if (unserved.length > 0) problems.push(`${unserved.length}/${n} domains do not serve its certificate: ${listed(unserved, 5)}`);
                const setTwice = stack.domains.filter((d) => (applied.get(d) ?? 0) > 1);
                if (setTwice.length > 0) problems.push(`${setTwice.length} domains were changed by more than one set: ${listed(setTwice, 5)}`);
                if (throttled.length > 0) problems.push(`${throttled.length} output lines mention throttling, e.g. ${throttled[0]!.trim().slice(0, 200)}`);
                if (problems.length === 0) converged++;
                else lost.push(`R3 stack ${stack.zone}: ${problems.join("; ")}`);
                notes.push(
                    `R3 stack ${stack.zone}: exit ${result.code}, ${milliseconds(result.durationMs)}, ${n - unserved.length}/${n} serve, ${throttled.length} throttling lines in its output`,
                );
            }

            const throttlingAnswers = entries.filter((e) => e.code?.includes("Throttling")).length;
            const peaks = peakPerSecond(entries);
            const documented = documentedLimits();
            const emulatorLimits = new Map(ACTIONS.map((a) => [a.name, a.callsPerSecond]));
            const perAction = [...peaks]
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([action, peak]) => {
                    const limit = documented.get(action);
                    // The emulator enforces its own table (emulator/handlers/actions.ts); the two must agree.
                    if (limit !== undefined && emulatorLimits.get(action) !== limit)
                        lost.push(`R3: ${action} is paced at ${limit}/s by the package but limited at ${emulatorLimits.get(action)}/s by the emulator`);
                    const throttledHere = entries.filter((e) => e.action === action && e.code?.includes("Throttling")).length;
                    return { action, peak, limit, throttledHere, calls: entries.filter((e) => e.action === action).length };
                });
            for (const p of perAction) {
                if (p.limit === undefined || p.peak.accepted <= p.limit) continue;
                // The log's time is the request's arrival; the limiter counts a call at its check, after the body is
                // read and the signature checked, a few milliseconds later and not by the same amount for every call.
                // So a 1000 ms window of arrivals can hold a call or two more than any window of checks: 101 of 100
                // is that. More than 5% over would be the limiter letting a burst through.
                const tolerated = p.peak.accepted <= Math.ceil(p.limit * 1.05);
                if (tolerated)
                    notes.push(
                        `R3: ${p.action}: ${p.peak.accepted} accepted calls within 1000 ms of arrivals against ${p.limit}/s (within the arrival-to-check skew, not a burst)`,
                    );
                else lost.push(`R3: the emulator accepted ${p.peak.accepted} ${p.action} calls within one second, over its limit of ${p.limit}/s`);
            }
            figures =
                `${STACKS} stacks x ${n} domains: ${STACKS * n - [...stacks].reduce((sum, s) => sum + s.domains.filter((d) => !serves(views.get(d), leafFingerprint(s.issued.chainPem))).length, 0)}/${STACKS * n} serve in ${milliseconds(wall)}; ` +
                `${throttlingAnswers} Throttling.User answers of ${entries.length} calls, 0 allowed to reach a user; peak calls/s seen (accepted) / limit: ` +
                perAction.map((p) => `${p.action} ${p.peak.all} (${p.peak.accepted}) / ${p.limit ?? "?"}`).join(", ");
            notes.push(
                `R3 per action: ${perAction.map((p) => `${p.action}: ${p.calls} calls, ${p.throttledHere} throttled, peak ${p.peak.all}/s seen, ${p.peak.accepted}/s accepted, limit ${p.limit ?? "?"}/s`).join("; ")}`,
                'R3: peaks are the most calls of an action whose arrival times (the request log\'s, ms) fall within any 1000 ms; "accepted" leaves out the Throttling answers, which the emulator does not count either.',
            );
            if (logTruncated(entries)) notes.push(`R3: the emulator's request log filled up (${entries.length} entries): its counts are low`);
            await emulator.stop();
            produced.push(...emulatorTexts(emulator, "R3", entries));
        } catch (error) {
            lost.push(`R3 did not complete: ${(error as Error).message.split("\n")[0]}`);
            notes.push(`R3 error: ${(error as Error).stack ?? String(error)}`);
        } finally {
            await emulator?.stop();
            process.off("exit", onExit);
            for (const stack of stacks) await stack.project.cleanup();
            fs.rmSync(work, { recursive: true, force: true });
        }
        return {
            row: {
                scenario: "R3 concurrency",
                runs: STACKS,
                converged,
                lost: lost.length === 0 ? "nothing" : lost.join("; "),
                figures,
                ok: lost.length === 0 && converged === STACKS,
            },
            notes,
            produced,
            secrets,
        };
    },
};
