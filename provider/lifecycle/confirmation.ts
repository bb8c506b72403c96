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
// - A set refused as ServiceBusy (another change configuring), or with any other answer that is no verdict, or whose
//   answer was lost, is not sent again until the domain is online, and then only if it does not already serve the
//   declared certificate.
// - Every read reads on through answers that are no verdict until the resource's deadline (readPersistently).
import { fingerprintsAsWritten, parseCertificateChain } from "../certificate";
import type { Clock } from "../clock";
import { meaningOfCertificateStatus, meaningOfDomainState } from "./cloudStates";
import type { CertificateInputs } from "./model";
import { isOutcomeUnknown, isTransient } from "../alicloud/errors";
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

/** A decision made knowing the certificate: every one but "read-certificate". */
export type Final = Exclude<Decision, { readonly next: "read-certificate" }>;

/** The next step, given the phase, what is declared and what was read. Pure. With the certificate read, it is Final. */
export function decide(phase: Phase, desired: CertificateInputs, observation: Observation & { readonly certificate: DeployedCertificate }): Final;
export function decide(phase: Phase, desired: CertificateInputs, observation: Observation): Decision;
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
            // Set by reference to a stored certificate whose leaf is known: served when the served leaf is it (Live's
            // reads name no CertId). Without a certificate service to ask, by the id the read reports (CDN).
            if (desired.storedCertificate) return leafFingerprintOf(live, desired.storedCertificate.fingerprint) === desired.storedCertificate.fingerprint;
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
    | { readonly result: "timed-out"; readonly domainStatus?: string; readonly refusals: number; readonly lastRefusal?: string; readonly changed: boolean };

/** What a convergence tells an observer (a group's progress): its set went out, or what it now waits on. */
export type ConvergeEvent = { readonly kind: "set" } | { readonly kind: "waiting"; readonly on: string };

export interface ConvergeIO {
    readonly service: CertificateService;
    readonly clock: Clock;
    readonly policy: ConfirmPolicy;
    readonly events?: (domainName: string, event: ConvergeEvent) => void;
}

/** What waiting needs: the clock, the polling pace, and who is told what it waits on. */
export type Pace = Pick<ConvergeIO, "clock" | "policy" | "events">;

/**
 * A read that keeps trying until the resource's deadline. Each call already retries transient answers within its
 * own budget (alicloud/retry.ts: 8 attempts, a minute), but a create or update may wait for up to
 * `confirmTimeoutSeconds` (30 minutes by default), and a run of transient answers longer than one call's budget must
 * not fail a domain that would converge a minute later (the reliability suite's fault storm met 8 in a row on one
 * read at 30% of calls failing). So while the deadline allows, a read whose answer is transient (no verdict about
 * the domain, the account or the request: alicloud/errors/transience.ts) is tried again at the polling pace, the
 * domain reported as waiting on that answer's code; a verdict, or a failure at the deadline, is thrown as it is.
 * A bulk read (50 CDN domains' states in one call) that fails is, for each domain waiting on it, a read not made
 * yet: each decides on its own deadline.
 */
export async function readPersistently<T>(io: Pace, domainName: string, deadline: number, read: () => Promise<T>): Promise<T> {
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

/**
 * What a refused set means for the convergence. Pure.
 * - `busy`: ServiceBusy, another change is configuring; read the domain until it takes changes, then set again.
 * - `maybe-applied`: the answer was lost after sending; read the domain before sending it again (a second copy of a
 *   change that did apply would configure the domain twice, minutes each).
 * - `state`: refused for the domain's state (it changed since it was read); read it, and report it as a state.
 * - `transient`: any other answer that is no verdict, already retried by the call; read, then set again.
 * - `fatal`: a verdict about the domain, the account or the request: thrown as it is.
 */
export type SetFailure = "busy" | "maybe-applied" | "state" | "transient" | "fatal";

export function classifySetFailure(error: unknown): SetFailure {
    if (isCode(error, "ServiceBusy")) return "busy";
    if (isOutcomeUnknown(error)) return "maybe-applied";
    if (STATE_REFUSALS.has(codeOf(error) ?? "")) return "state";
    return isTransient(error) ? "transient" : "fatal";
}

/** Set refusals that mean "not online" (CDN and Live error tables), whatever the domain's state read said. */
const STATE_REFUSALS = new Set(["InvalidDomain.Offline", "InvalidDomain.notOnline", "InvalidDomain.Configure_failed"]);
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
            if (now >= deadline) return { result: "timed-out", domainStatus: tally.lastStatus, refusals: tally.refusals, lastRefusal: tally.lastRefusal, changed: tally.changed };
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

/**
 * The full parameter set for one set call: never only the changed fields. A certificate the certificate service holds
 * (`storedCertificate`) is set by reference, `cas` with its id, region and own name, and no key: the key travelled
 * once, in its upload. Otherwise (no certificate service to use, `forceSet`, `free`) as declared.
 */
export function setRequestFor(desired: CertificateInputs): SetCertificateRequest {
    if (desired.status === "off") {
        return { domainName: desired.domainName, status: "off", certType: desired.certType };
    }
    const stored = desired.storedCertificate;
    if (stored && desired.certType !== "free") {
        return {
            domainName: desired.domainName,
            status: "on",
            certType: "cas",
            certId: stored.certId,
            certRegion: stored.region,
            certName: stored.name,
            namesStoredCertificate: true,
        };
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
