// create, read, update and delete: ONE implementation for both products, written against the CertificateService
// port. Every change is a full set followed by reading back until the domain is online again and serves what was
// declared (confirmation.ts decides each step), so a run that reports success has seen the declared state live.
import type { CertRegion, ProductSpec } from "../products";
import { systemClock, type Clock } from "../clock";
import { meaningOfCertificateStatus, meaningOfDomainState } from "./stateMeanings";
import {
    converge,
    readPersistently,
    DEFAULT_CONFIRM_POLICY,
    leafFingerprintOf,
    type ConfirmPolicy,
    type ConvergeIO,
    type Observation,
    type Outcome,
} from "./confirmation";
import { asDeleteFailure } from "../apiErrors";
import { CloudStateError, ConfirmationTimeoutError, DomainNotFoundError, isCode, keptProperties } from "./errors";
import { DEFAULT_CONFIRM_TIMEOUT_SECONDS, type CertificateInputs, type CertificateOutputs } from "./model";
import { outputsFrom } from "./outputs";
import type { CertificateService, CertificateStore, DeployedCertificate } from "./port";
import { withFreshStored } from "./storedCertificates";

export interface LifecycleContext {
    readonly product: ProductSpec;
    readonly service: CertificateService;
    /** The account's certificate service, one store per region (storedCertificates.ts); absent in bare-port tests. */
    readonly stores?: (region: CertRegion) => CertificateStore;
    readonly clock?: Clock;
    readonly confirm?: ConfirmPolicy;
    /** Told of each domain's set and waits (a group's progress). */
    readonly events?: ConvergeIO["events"];
}

/**
 * Create: adopt a domain that already serves the declared certificate, otherwise set it and confirm. A set by
 * reference to a stored certificate deleted behind the run is made again with the certificate stored again
 * (withFreshStored), here where every domain's change passes, a single resource's and each of a group's.
 * `owned`: the ids the resource's state says this package uploaded.
 */
export async function createCertificate(ctx: LifecycleContext, inputs: CertificateInputs, owned: ReadonlySet<string> = new Set()): Promise<CertificateOutputs> {
    const deadline = applyDeadline(ctx, inputs);
    return withFreshStored(ctx, inputs, owned, deadline, async (declared) => {
        const observation = await observe(ctx, declared.domainName, deadline);
        if (observation.domainStatus === undefined) throw new DomainNotFoundError(ctx.product, declared.domainName);
        const outcome = await converge(io(ctx), declared, { phase: "await-idle", observation }, deadline);
        return finish(ctx, declared, declared, outcome);
    });
}

/** Update: the same convergence (and recovery); the engine has decided (via diff) that something must change. */
export async function updateCertificate(ctx: LifecycleContext, news: CertificateInputs, owned: ReadonlySet<string> = new Set()): Promise<CertificateOutputs> {
    // No read first: diff has just compared the declared state with the last read and found a difference. Setting
    // straight away saves one read per domain, which is the budget a fleet-wide rotation waits on.
    const deadline = applyDeadline(ctx, news);
    return withFreshStored(ctx, news, owned, deadline, async (declared) => finish(ctx, declared, declared, await converge(io(ctx), declared, "set", deadline)));
}

/**
 * How long a refresh reads one domain through transient answers (ServiceBusy, 5xx, throttling, timeouts) before it
 * gives up on it: 5 minutes, or the resource's confirmTimeoutSeconds when that is shorter. A refresh must not report
 * drift, or drop a resource, because a read failed; nor should it wait half an hour. A domain still unreadable then
 * fails the refresh with the last answer, and the state stays as it was.
 */
export const REFRESH_READ_SECONDS = 300;

/** Read: what the cloud serves now. `undefined` when the domain is gone, which drops the resource from state. */
export async function readCertificate(ctx: LifecycleContext, domainName: string, state: Partial<CertificateOutputs>): Promise<CertificateOutputs | undefined> {
    // The certificate read alone: drift is about what is served, and a refresh of many domains then costs one call
    // each on the certificate read's 100/s.
    const live = await readPersistently(io(ctx), domainName, refreshDeadline(ctx, state), () => ctx.service.describe(domainName));
    if (!live) return undefined;
    return outputsFrom({ ...(state as CertificateInputs), domainName }, live, state);
}

/** What the domain serves now, as the outputs of `declared`; `undefined` when it is gone. One certificate read. */
export async function currentOutputs(
    ctx: LifecycleContext,
    declared: CertificateInputs,
    previous: Partial<CertificateOutputs>,
): Promise<CertificateOutputs | undefined> {
    const live = await readPersistently(io(ctx), declared.domainName, applyDeadline(ctx, declared), () => ctx.service.describe(declared.domainName));
    return live ? outputsFrom(declared, live, previous) : undefined;
}

/** Delete: turn HTTPS off. A domain already gone, being deleted, or already off, is done. */
export async function deleteCertificate(ctx: LifecycleContext, domainName: string, state: Partial<CertificateOutputs>): Promise<void> {
    const off: CertificateInputs = { ...(state as CertificateInputs), domainName, status: "off" };
    const deadline = applyDeadline(ctx, off);
    const observation = await observe(ctx, domainName, deadline);
    if (observation.domainStatus === undefined || observation.domainStatus === "deleting") return;
    if (observation.certificate?.status === "off") return;
    let outcome: Outcome;
    try {
        outcome = await converge(io(ctx), off, { phase: "await-idle", observation }, deadline);
    } catch (error) {
        if (isCode(error, "InvalidDomain.NotFound")) return; // removed while we were deleting
        // The set of a delete: its hint says what to do about a destroy (retainOnDelete, `pulumi destroy` again).
        throw asDeleteFailure(error);
    }
    if (outcome.result === "gone" || (outcome.result === "failed" && outcome.domainStatus === "deleting")) return;
    if (outcome.result !== "served") {
        await finish(ctx, off, state, outcome, " To remove the resource without turning HTTPS off, set the resource option `retainOnDelete: true`.");
    }
}

/** The certificate and the domain's state, read together (each tried until the deadline while its errors are transient). */
async function observe(ctx: LifecycleContext, domainName: string, deadline: number): Promise<Observation> {
    const steps = io(ctx);
    const [certificate, domainStatus] = await Promise.all([
        readPersistently(steps, domainName, deadline, () => ctx.service.describe(domainName)),
        readPersistently(steps, domainName, deadline, () => ctx.service.domainStatus(domainName)),
    ]);
    if (!certificate || domainStatus === undefined) return { domainStatus: undefined };
    return { domainStatus, certificate };
}

/** When a refresh of a resource with these settings stops reading through transient answers (REFRESH_READ_SECONDS). */
export function refreshDeadline(ctx: LifecycleContext, state: { confirmTimeoutSeconds?: number }): number {
    const seconds = Math.min(REFRESH_READ_SECONDS, state.confirmTimeoutSeconds ?? DEFAULT_CONFIRM_TIMEOUT_SECONDS);
    return (ctx.clock ?? systemClock).now() + seconds * 1000;
}

/** When an apply of a resource with these settings gives up (its confirmTimeoutSeconds from now). */
export function applyDeadline(ctx: LifecycleContext, desired: { confirmTimeoutSeconds?: number }): number {
    // State written before confirmTimeoutSeconds existed has none: fall back to the default.
    return (ctx.clock ?? systemClock).now() + (desired.confirmTimeoutSeconds ?? DEFAULT_CONFIRM_TIMEOUT_SECONDS) * 1000;
}

/** A read that is not of one domain (the account's listing), through transient answers until `deadline`. */
export function readAccountPersistently<T>(ctx: LifecycleContext, deadline: number, read: () => Promise<T>): Promise<T> {
    return readPersistently(io(ctx), "the account's domain listing", deadline, read);
}

function io(ctx: LifecycleContext): ConvergeIO {
    return {
        service: ctx.service,
        clock: ctx.clock ?? systemClock,
        policy: ctx.confirm ?? DEFAULT_CONFIRM_POLICY,
        ...(ctx.events ? { events: ctx.events } : {}),
    };
}

/**
 * The outputs of a convergence that served, or its error. A failure after a set was accepted keeps the resource in
 * state (the error carries its id and properties), so that the next `pulumi up` reads the domain and carries on.
 */
async function finish(
    ctx: LifecycleContext,
    desired: CertificateInputs,
    previous: Partial<CertificateOutputs>,
    outcome: Outcome,
    extraFix = "",
): Promise<CertificateOutputs> {
    const domainName = desired.domainName;
    if (outcome.result === "served") return outputsFrom(desired, outcome.live, previous);
    if (outcome.result === "gone") throw new DomainNotFoundError(ctx.product, domainName);
    // What the domain serves now, for the message and for the state kept.
    const live = (outcome.result === "failed" ? outcome.live : undefined) ?? (await ctx.service.describe(domainName).catch(() => undefined));
    const served: DeployedCertificate = live ?? { domainName, status: "off" };
    const properties = keptProperties(outputsFrom(desired, served, previous), desired, previous);
    const action = ctx.product.setAction.name;
    if (outcome.result === "failed") {
        const message =
            outcome.cause === "domain"
                ? domainFailureMessage(domainName, outcome.domainStatus, extraFix)
                : certificateFailureMessage(domainName, served.certificateStatus ?? "failed");
        throw outcome.changed ? new CloudStateError(message, domainName, properties) : new Error(message);
    }
    const timeoutSeconds = desired.confirmTimeoutSeconds ?? DEFAULT_CONFIRM_TIMEOUT_SECONDS;
    const state = outcome.domainStatus ?? "unknown";
    if (!outcome.changed) {
        const refused = outcome.lastRefusal === "ServiceBusy" ? "as busy (ServiceBusy)" : `(last as ${outcome.lastRefusal ?? "unknown"})`;
        throw new Error(
            `${action} on ${domainName} was refused ${refused} ${outcome.refusals} time(s) over ${timeoutSeconds} s: ` +
                `the domain was ${state} (${meaningOfDomainState(state).meaning}) and never took the change. Nothing was ` +
                `changed. Run \`pulumi ${extraFix ? "destroy" : "up"}\` again once it is online, or raise confirmTimeoutSeconds.`,
        );
    }
    throw new ConfirmationTimeoutError(
        `${action} on ${domainName} was accepted, but after ${timeoutSeconds} s the domain still serves ` +
            `${describeServed(served)} (domain status ${state}) instead of ${describeDesired(desired)}. The resource is ` +
            `kept in state; run \`pulumi up\` again to carry on, or raise confirmTimeoutSeconds if the domain is slow to configure.`,
        domainName,
        properties,
    );
}

function domainFailureMessage(domainName: string, state: string, extraFix: string): string {
    const meaning = meaningOfDomainState(state);
    return `${domainName} is ${state}: ${meaning.meaning}. Fix: ${meaning.fix ?? "wait until it is online"}.${extraFix}`;
}

function certificateFailureMessage(domainName: string, status: string): string {
    const meaning = meaningOfCertificateStatus(status);
    return `The free certificate for ${domainName} ended in status ${status}: ${meaning.meaning}. Fix: ${meaning.fix ?? "run `pulumi up` again"}.`;
}

function describeServed(live: DeployedCertificate): string {
    if (live.status === "off") return "no certificate (HTTPS off)";
    const fingerprint = leafFingerprintOf(live);
    return fingerprint ? `certificate ${fingerprint}` : `a ${live.certType ?? "unknown"} certificate`;
}

function describeDesired(desired: CertificateInputs): string {
    if (desired.status === "off") return "HTTPS off";
    if (desired.certType === "upload") return `certificate ${desired.fingerprint}`;
    if (desired.certType === "cas") return `certificate service certificate ${desired.certId}`;
    return "a free certificate";
}
