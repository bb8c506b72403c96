// The loop around the decision: it reads what decide() needs, sleeps, and sets, as decide() and classifySetFailure()
// say, until the domain serves what is declared, is gone, has failed, or the deadline passes.
import type { CertificateInputs } from "../model";
import { setRequestFor } from "../setRequest";
import { codeOf } from "../errors";
import type { CertificateService, DeployedCertificate } from "../port";
import { decide, type Final, type Observation, type Phase } from "./decide";
import { alignedWake, readPersistently, type Pace } from "./pace";
import { classifySetFailure } from "./setFailure";

/** How a convergence ended. `changed`: a set was accepted, or may have been (its answer was lost). */
export type Outcome =
    | { readonly result: "served"; readonly live: DeployedCertificate }
    | { readonly result: "gone" }
    | {
          readonly result: "failed";
          readonly cause: "domain" | "certificate";
          readonly live?: DeployedCertificate;
          readonly domainStatus: string;
          readonly changed: boolean;
      }
    | { readonly result: "timed-out"; readonly domainStatus?: string; readonly refusals: number; readonly lastRefusal?: string; readonly changed: boolean };

/** What a convergence does its I/O with: the product's service, and the pace of waiting. */
export interface ConvergeIO extends Pace {
    readonly service: CertificateService;
}

/** Refused for its state this many times while it reads online, a set's refusal is reported as the API gave it. */
const MAX_STATE_REFUSALS = 3;

/** One round: read what the decision needs (the state, then the certificate once the domain is online), and decide. */
async function look(
    io: ConvergeIO,
    phase: Phase,
    desired: CertificateInputs,
    deadline: number,
    given?: Observation,
): Promise<{ observation: Observation; decision: Final }> {
    const domainName = desired.domainName;
    const observation = given ?? { domainStatus: await readPersistently(io, domainName, deadline, () => io.service.domainStatus(domainName)) };
    const first = decide(phase, desired, observation);
    if (first.next !== "read-certificate") return { observation, decision: first };
    const certificate = await readPersistently(io, domainName, deadline, () => io.service.describe(domainName));
    if (!certificate) return { observation: { domainStatus: undefined }, decision: { next: "gone" } };
    const withCertificate = { ...observation, certificate };
    return { observation: withCertificate, decision: decide(phase, desired, withCertificate) };
}

/**
 * Reads, waits and sets until `decide` says done, gone or failed, or the deadline passes. `start` is what the
 * caller already knows: a first observation, or "set" to send the set straight away (an update, where diff has
 * just seen the difference). A set refused with a verdict is thrown as it is; any other refusal is waited out by
 * reading the domain (classifySetFailure).
 */
export async function converge(
    io: ConvergeIO,
    desired: CertificateInputs,
    start: { readonly phase: Phase; readonly observation?: Observation } | "set",
    deadline: number,
): Promise<Outcome> {
    const { clock, policy } = io;
    const domainName = desired.domainName;
    const request = setRequestFor(desired);
    const tally: Tally = { refusals: 0, stateRefusals: 0, changed: false };
    let phase: Phase = start === "set" ? "await-idle" : start.phase;
    let interval = policy.initialIntervalMs;
    let round: { observation?: Observation; decision: Final } | undefined =
        start === "set" ? { decision: { next: "set" } } : await look(io, phase, desired, deadline, start.observation);
    for (;;) {
        if (!round) {
            const now = clock.now();
            if (now >= deadline)
                return {
                    result: "timed-out",
                    domainStatus: tally.lastStatus,
                    refusals: tally.refusals,
                    lastRefusal: tally.lastRefusal,
                    changed: tally.changed,
                };
            // At the longest interval, on its multiples: every domain waiting long polls at the same instants.
            const align = policy.alignMs ? (interval >= policy.maxIntervalMs ? policy.maxIntervalMs : policy.alignMs) : 0;
            await clock.sleep(Math.min(alignedWake(now, interval, align) - now, Math.max(0, deadline - now)));
            round = await look(io, phase, desired, deadline);
        }
        const { observation, decision } = round;
        round = undefined;
        tally.lastStatus = observation?.domainStatus ?? tally.lastStatus;
        switch (decision.next) {
            case "done":
                return { result: "served", live: { ...observation!.certificate!, domainStatus: observation!.domainStatus! } };
            case "gone":
                return { result: "gone" };
            case "fail":
                return {
                    result: "failed",
                    cause: decision.cause,
                    domainStatus: observation!.domainStatus!,
                    changed: tally.changed,
                    ...(observation!.certificate ? { live: observation!.certificate } : {}),
                };
            case "wait":
                io.events?.(domainName, { kind: "waiting", on: observation?.domainStatus ?? "unknown" });
                phase = decision.phase;
                interval = Math.min(policy.maxIntervalMs, Math.ceil(interval * 1.5));
                break;
            case "set":
                try {
                    await io.service.set(request);
                    tally.changed = true;
                    io.events?.(domainName, { kind: "set" });
                    phase = "confirm";
                    interval = policy.initialIntervalMs;
                } catch (error) {
                    const failure = classifySetFailure(error);
                    if (failure === "fatal" || (failure === "state" && ++tally.stateRefusals >= MAX_STATE_REFUSALS)) throw error;
                    if (failure === "maybe-applied") tally.changed = true;
                    else {
                        tally.refusals++;
                        tally.lastRefusal = codeOf(error);
                    }
                    io.events?.(domainName, { kind: "waiting", on: codeOf(error) ?? "a refused set" });
                    phase = "await-idle";
                }
                break;
        }
    }
}

/** What a convergence counts on its way: the refusals of its set, and whether a set went out. */
interface Tally {
    /** Sets refused (busy, or transient) and not known to have applied; the last one's code. */
    refusals: number;
    lastRefusal?: string;
    stateRefusals: number;
    changed: boolean;
    lastStatus?: string;
}
