// Getting a domain to serve what is declared, and seeing that it does: the decision is a pure function of what was
// read (`decide`), and the loop around it (`converge`) only reads, sleeps and sets as the decision says.
//
// What the cloud does, and so what the decision allows for (../../README.md, "On the real cloud"):
// - A change configures for minutes. The certificate read may show the new certificate at once, or only once the
//   change is in effect: no public source says which. So "done" is the domain ONLINE again and its certificate
//   read then showing the declared certificate, which holds under both.
// - The domain's state is polled first, and the certificate is read only once the domain is online: the state comes
//   in bulk (CDN: 50 domains a call), the certificate one domain a call. A rollout then spends about one
//   certificate read per domain, however long its changes take.
// - A state no waiting changes (configure_failed, check_failed, offline, stopping, deleting), or a free
//   certificate's failed issuance, ends the wait at once.
// - A set refused as ServiceBusy (another change configuring), or whose answer was lost, is not sent again until
//   the domain is online, and then only if it does not already serve the declared certificate.
import { fingerprintsAsWritten, parseCertificateChain } from "../certificate";
import type { Clock } from "../clock";
import { meaningOfCertificateStatus, meaningOfDomainState } from "./cloudStates";
import type { CertificateInputs } from "./model";
import { codeOf, isCode } from "./errors";
import type { CertificateService, DeployedCertificate, SetCertificateRequest } from "./port";

/** `confirm`: our set was accepted, wait for it to show. `await-idle`: our set is still to be sent once the domain takes it. */
export type Phase = "confirm" | "await-idle";

/** What one round of reading found. */
export interface Observation {
    /** The domain's state; `undefined` when the domain no longer exists. */
    readonly domainStatus: string | undefined;
    /** The certificate read, when it was made this round. */
    readonly certificate?: DeployedCertificate;
}

export type Decision =
    | { readonly next: "done" }
    | { readonly next: "gone" }
    | { readonly next: "fail"; readonly cause: "domain" | "certificate" }
    | { readonly next: "read-certificate" }
    | { readonly next: "wait"; readonly phase: Phase }
    | { readonly next: "set" };

/** The next step, given the phase, what is declared and what was read. Pure. */
export function decide(phase: Phase, desired: CertificateInputs, observation: Observation): Decision {
    if (observation.domainStatus === undefined) return { next: "gone" };
    const domain = meaningOfDomainState(observation.domainStatus);
    if (domain.condition === "failed") return { next: "fail", cause: "domain" };
    const certificate = observation.certificate;
    if (certificate && issuanceFailed(certificate, desired)) return { next: "fail", cause: "certificate" };
    if (domain.condition === "busy") {
        // Read while configuring, the certificate may already be the declared one: then the change configuring is
        // ours (a set whose answer was lost, or one from a run that stopped), and it is not sent again.
        return { next: "wait", phase: phase === "await-idle" && certificate && serves(certificate, desired) ? "confirm" : phase };
    }
    if (!certificate) return { next: "read-certificate" };
    if (serves(certificate, desired)) return { next: "done" };
    // Online but not serving it: before our set, send it; after, the change has yet to show (a state that lags).
    return phase === "await-idle" ? { next: "set" } : { next: "wait", phase: "confirm" };
}

/** Whether the certificate read shows the declared state (the domain's own state aside). */
export function serves(live: DeployedCertificate, desired: CertificateInputs): boolean {
    if (desired.status === "off") return live.status === "off";
    if (live.status !== "on") return false;
    switch (desired.certType) {
        case "upload":
            return desired.fingerprint !== undefined && leafFingerprintOf(live, desired.fingerprint) === desired.fingerprint;
        case "cas":
            return live.certType === "cas" && live.certId === desired.certId;
        case "free":
            return live.certType === "free" && meaningOfCertificateStatus(live.certificateStatus).condition === "served";
    }
}

/** A declared free certificate whose issuance ended in a failure Status. */
export function issuanceFailed(live: DeployedCertificate, desired: CertificateInputs): boolean {
    return (
        desired.status === "on" &&
        desired.certType === "free" &&
        live.certType === "free" &&
        meaningOfCertificateStatus(live.certificateStatus).condition === "failed"
    );
}

/** The served leaf's fingerprint: as written when that already matches (no parse), else parsed (leaf found first). */
export function leafFingerprintOf(live: DeployedCertificate, expected?: string): string | undefined {
    if (!live.certificatePem) return undefined;
    if (expected !== undefined && fingerprintsAsWritten(live.certificatePem)?.fingerprint === expected) return expected;
    try {
        return parseCertificateChain(live.certificatePem).info.fingerprint;
    } catch {
        return undefined;
    }
}

export interface ConfirmPolicy {
    /** First pause before reading; it grows by half each time up to `maxIntervalMs`. */
    readonly initialIntervalMs: number;
    readonly maxIntervalMs: number;
    /**
     * Reads wake on whole multiples of this on the clock, and at the longest interval on multiples of that (0:
     * unaligned). Domains set at different moments then still poll at the same instants, so their state reads meet
     * in one listing call (50 CDN domains each) instead of each waking alone: 500 domains configuring for minutes,
     * measured in the bench, took 3.82 listing calls per domain unaligned.
     */
    readonly alignMs?: number;
}

/** The wake-up time `interval` after `now`, rounded up to the next multiple of `alignMs`. */
export function alignedWake(now: number, interval: number, alignMs = 0): number {
    const wake = now + interval;
    return alignMs > 0 ? Math.ceil(wake / alignMs) * alignMs : wake;
}

/**
 * A first look after a second, then every 1.5 times longer up to 10 s, on whole seconds: a quick change is seen within
 * a second or two, and a change of minutes costs a poll every 10 s, a fiftieth of a listing call per CDN domain.
 */
export const DEFAULT_CONFIRM_POLICY: ConfirmPolicy = { initialIntervalMs: 1000, maxIntervalMs: 10_000, alignMs: 1000 };

/** How a convergence ended. `changed`: a set was accepted, or may have been (its answer was lost). */
export type Outcome =
    | { readonly result: "served"; readonly live: DeployedCertificate }
    | { readonly result: "gone" }
    | { readonly result: "failed"; readonly cause: "domain" | "certificate"; readonly live?: DeployedCertificate; readonly domainStatus: string; readonly changed: boolean }
    | { readonly result: "timed-out"; readonly domainStatus?: string; readonly busyRefusals: number; readonly changed: boolean };

/** What a convergence tells an observer (a group's progress): its set went out, or what it now waits on. */
export type ConvergeEvent = { readonly kind: "set" } | { readonly kind: "waiting"; readonly on: string };

export interface ConvergeIO {
    readonly service: CertificateService;
    readonly clock: Clock;
    readonly policy: ConfirmPolicy;
    readonly events?: (domainName: string, event: ConvergeEvent) => void;
}

/**
 * A read that keeps trying until the resource's deadline. Each call already retries transient failures (throttling,
 * 5xx, timeouts, dropped connections) within its own budget (alicloud/retry.ts: 8 attempts, a minute), but a create
 * or update may wait for up to `confirmTimeoutSeconds` (30 minutes by default): a run of transient failures longer
 * than one call's budget must not fail a domain that would converge a minute later (seen in the reliability suite's
 * fault storm: 8 faults in a row on one certificate read, at 30% of calls failing). So while the deadline allows, a
 * read whose error is still transient is tried again at the polling pace, the domain reported as waiting on that
 * error's code; a permanent error, or one at the deadline, is thrown as it is.
 */
export async function readPersistently<T>(io: ConvergeIO, domainName: string, deadline: number, read: () => Promise<T>): Promise<T> {
    let interval = io.policy.initialIntervalMs;
    for (;;) {
        try {
            return await read();
        } catch (error) {
            const now = io.clock.now();
            if (!isTransient(error) || now + interval >= deadline) throw error;
            io.events?.(domainName, { kind: "waiting", on: codeOf(error) ?? "a failing read" });
            await io.clock.sleep(interval);
            interval = Math.min(io.policy.maxIntervalMs, Math.ceil(interval * 1.5));
        }
    }
}

function isTransient(error: unknown): boolean {
    return typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === true;
}

/**
 * Reads, waits and sets until `decide` says done, gone or failed, or the deadline passes. `start` is what the
 * caller already knows: a first observation, or "set" to send the set straight away (an update, where diff has
 * just seen the difference). Errors of the set other than ServiceBusy and a lost answer are thrown as they are.
 */
export async function converge(
    io: ConvergeIO,
    desired: CertificateInputs,
    start: { readonly phase: Phase; readonly observation?: Observation } | "set",
    deadline: number,
): Promise<Outcome> {
    const { service, clock, policy } = io;
    const domainName = desired.domainName;
    const request = setRequestFor(desired);
    let phase: Phase = start === "set" ? "await-idle" : start.phase;
    let observation = start === "set" ? undefined : start.observation;
    let decision: Decision | undefined = start === "set" ? { next: "set" } : undefined;
    let interval = policy.initialIntervalMs;
    let busyRefusals = 0;
    let stateRefusals = 0;
    let changed = false;
    let lastStatus: string | undefined;
    for (;;) {
        if (!decision) {
            if (!observation) {
                const now = clock.now();
                if (now >= deadline) return { result: "timed-out", domainStatus: lastStatus, busyRefusals, changed };
                // At the longest interval, on its multiples: every domain waiting long polls at the same instants.
                const align = policy.alignMs ? (interval >= policy.maxIntervalMs ? policy.maxIntervalMs : policy.alignMs) : 0;
                await clock.sleep(Math.min(alignedWake(now, interval, align) - now, Math.max(0, deadline - now)));
                observation = { domainStatus: await readPersistently(io, domainName, deadline, () => service.domainStatus(domainName)) };
            }
            lastStatus = observation.domainStatus ?? lastStatus;
            decision = decide(phase, desired, observation);
            if (decision.next === "read-certificate") {
                const certificate = await readPersistently(io, domainName, deadline, () => service.describe(domainName));
                observation = certificate ? { ...observation, certificate } : { domainStatus: undefined };
                decision = decide(phase, desired, observation);
            }
        }
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
                    changed,
                    ...(observation!.certificate ? { live: observation!.certificate } : {}),
                };
            case "read-certificate":
                throw new Error("unreachable: the certificate was read"); // decide() never asks twice
            case "set":
                try {
                    await service.set(request);
                    changed = true;
                    io.events?.(domainName, { kind: "set" });
                    phase = "confirm";
                    interval = policy.initialIntervalMs;
                } catch (error) {
                    if (isCode(error, "ServiceBusy")) {
                        busyRefusals++;
                        io.events?.(domainName, { kind: "waiting", on: "ServiceBusy" });
                    }
                    else if (isOutcomeUnknown(error)) changed = true;
                    // Refused for the domain's state (it changed since it was read): read it, and report it as a state.
                    // Refused again while it reads online, the refusal is reported as the API gave it.
                    else if (!STATE_REFUSALS.has(codeOf(error) ?? "") || ++stateRefusals >= MAX_STATE_REFUSALS) throw error;
                    // Busy, or the answer was lost (the set may have applied): read the domain before sending again.
                    phase = "await-idle";
                }
                break;
            case "wait":
                io.events?.(domainName, { kind: "waiting", on: observation?.domainStatus ?? "unknown" });
                phase = decision.phase;
                interval = Math.min(policy.maxIntervalMs, Math.ceil(interval * 1.5));
                break;
        }
        decision = undefined;
        observation = undefined;
    }
}

/** Set refusals that mean "not online" (CDN and Live error tables), whatever the domain's state read said. */
const STATE_REFUSALS = new Set(["InvalidDomain.Offline", "InvalidDomain.notOnline", "InvalidDomain.Configure_failed"]);
const MAX_STATE_REFUSALS = 3;

/** A call whose answer was lost after sending (a timeout, a reset): it may have been applied. */
export function isOutcomeUnknown(error: unknown): boolean {
    return typeof error === "object" && error !== null && (error as { outcomeUnknown?: unknown }).outcomeUnknown === true;
}

/** The full parameter set for one set call: never only the changed fields. */
export function setRequestFor(desired: CertificateInputs): SetCertificateRequest {
    if (desired.status === "off") {
        return { domainName: desired.domainName, status: "off", certType: desired.certType };
    }
    return {
        domainName: desired.domainName,
        status: "on",
        certType: desired.certType,
        certificate: desired.certType === "upload" ? desired.certificate : undefined,
        privateKey: desired.certType === "upload" ? desired.privateKey : undefined,
        certName: desired.certName,
        certId: desired.certType === "cas" ? desired.certId : undefined,
        certRegion: desired.certType === "cas" ? desired.certRegion : undefined,
        forceSet: desired.forceSet,
    };
}
