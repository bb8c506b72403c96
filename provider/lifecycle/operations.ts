// create, read, update and delete: ONE implementation for both products, written against the CertificateService
// port. Every change is a full set followed by reading back until the cloud serves what was declared, so a run that
// reports success has seen the declared state live.
import { fingerprintsAsWritten, parseCertificateChain } from "../certificate";
import { systemClock, type Clock } from "../clock";
import type { ProductSpec } from "../alicloud/products";
import type { CertificateService, DeployedCertificate, SetCertificateRequest } from "./port";
import { DEFAULT_CONFIRM_TIMEOUT_SECONDS, type CertificateInputs, type CertificateOutputs } from "./model";

/** The key under which the engine keeps the serialized provider; it must survive in partial-failure properties. */
const PROVIDER_KEY = "__provider";

export interface ConfirmPolicy {
    /** First pause between confirmation reads; it grows by half each time up to `maxIntervalMs`. */
    readonly initialIntervalMs: number;
    readonly maxIntervalMs: number;
}

export const DEFAULT_CONFIRM_POLICY: ConfirmPolicy = { initialIntervalMs: 250, maxIntervalMs: 5000 };

/**
 * How long a change takes to show on this account's domains, learned from the confirmations seen so far in the
 * process. Each confirmation's first read waits that long: hundreds of resources confirming at once then spend
 * about one read each instead of several, and the account's read budget, which they all share, sets the pace.
 *
 * Until the first change has been seen, only a few confirmations poll to learn it (the probes); the others wait
 * for what they learn. Otherwise a whole rollout polls every few seconds for as long as its first changes take to
 * configure, spending the account's entire read budget, which other tools on the account share too.
 */
export class SettleTimeEstimate {
    /** One batch's worth: the domains of the first batch learn for everyone. */
    static readonly PROBES = 10;
    readonly #recent: number[] = [];
    #probes = 0;
    #news = announcement();

    /** The shortest recent observation. Each is an upper bound: the read that saw the change came after it. */
    expectedMs(): number | undefined {
        return this.#recent.length > 0 ? Math.min(...this.#recent) : undefined;
    }

    record(elapsedMs: number): void {
        this.#recent.push(elapsedMs);
        if (this.#recent.length > 32) this.#recent.shift();
        this.#announce();
    }

    /** Takes one of the probes' places, if one is free. Whoever takes one gives it back with `endProbe`. */
    tryProbe(): boolean {
        if (this.#probes >= SettleTimeEstimate.PROBES) return false;
        this.#probes++;
        return true;
    }

    endProbe(): void {
        this.#probes--;
        this.#announce();
    }

    /** Waits up to `ms`, less if something is learned or a probe's place comes free meanwhile. */
    async waitForNews(clock: Clock, ms: number): Promise<void> {
        const wake = new AbortController();
        void this.#news.heard.then(() => wake.abort());
        await clock.sleep(ms, wake.signal);
    }

    #announce(): void {
        this.#news.tell();
        this.#news = announcement();
    }
}

/** A promise and the function that settles it (Promise.withResolvers, which Node 20 lacks). */
function announcement(): { heard: Promise<void>; tell: () => void } {
    let tell!: () => void;
    const heard = new Promise<void>((resolve) => (tell = resolve));
    return { heard, tell };
}

export interface LifecycleContext {
    readonly product: ProductSpec;
    readonly service: CertificateService;
    readonly clock?: Clock;
    readonly confirm?: ConfirmPolicy;
    /** Shared by every resource of a provider; without one, each confirmation starts from the policy's interval. */
    readonly settle?: SettleTimeEstimate;
}

/**
 * Thrown when the set call went through but the cloud did not serve the declared state within the time allowed.
 * Its `id` and `properties` make the engine keep the resource in state as partially created instead of losing it,
 * so the next run reads it back and carries on.
 */
export class ConfirmationTimeoutError extends Error {
    readonly reasons: string[];
    constructor(
        message: string,
        readonly id: string,
        readonly properties: Record<string, unknown>,
    ) {
        super(message);
        this.name = "ConfirmationTimeoutError";
        this.reasons = [message];
    }
}

export class DomainNotFoundError extends Error {
    constructor(product: ProductSpec, domainName: string) {
        super(
            `${domainName} is not a ${product.displayName} domain of this account. ` +
                `Add it in the ${product.displayName} console first, check that the credentials belong to the account ` +
                `that owns it, and that the resource type matches the product ` +
                `(DomainCertificate for CDN, LiveDomainCertificate for ApsaraVideo Live).`,
        );
        this.name = "DomainNotFoundError";
    }
}

/**
 * What the lifecycle reads to decide and to confirm: the certificate in effect, without the domain's own state.
 * The certificate read reports the configuration IN EFFECT (while a change is configuring it still shows the old
 * certificate; emulator/handlers/describe.ts documents the model), so a matching fingerprint already says the
 * change took effect, and `configuring` adds nothing. Leaving the domain read out keeps every read on the
 * certificate action's 100/s budget instead of the domain action's 30/s, which otherwise capped refresh and
 * confirmation at 30 domains/s. The domain's state is still read to explain a confirmation timeout, and `serves()`
 * still refuses a domain known to be configuring when a caller does read it.
 */
function readLive(ctx: LifecycleContext, domainName: string): Promise<DeployedCertificate | undefined> {
    return ctx.service.describe(domainName, { domainStatus: false });
}

/** Create: adopt a domain that already serves the declared certificate, otherwise set it and confirm. */
export async function createCertificate(ctx: LifecycleContext, inputs: CertificateInputs): Promise<CertificateOutputs> {
    return converge(ctx, inputs, inputs);
}

/** Update: the same convergence; the engine has decided (via diff) that something must change. */
export async function updateCertificate(ctx: LifecycleContext, news: CertificateInputs): Promise<CertificateOutputs> {
    // No read first: diff has just compared the declared state with the last read and found a difference. Setting
    // straight away saves one read per domain, which is the budget a fleet-wide rotation waits on.
    await ctx.service.set(setRequestFor(news));
    return confirm(ctx, news, news);
}

/** Read: what the cloud serves now. `undefined` when the domain is gone, which drops the resource from state. */
export async function readCertificate(
    ctx: LifecycleContext,
    domainName: string,
    state: Partial<CertificateOutputs>,
): Promise<CertificateOutputs | undefined> {
    const live = await readLive(ctx, domainName);
    if (!live) return undefined;
    return outputsFrom({ ...(state as CertificateInputs), domainName }, live, state);
}

/** Delete: turn HTTPS off. A domain already gone, or already off, is done. */
export async function deleteCertificate(
    ctx: LifecycleContext,
    domainName: string,
    state: Partial<CertificateOutputs>,
): Promise<void> {
    const live = await readLive(ctx, domainName);
    if (!live || live.status === "off") return;
    const off: CertificateInputs = {
        ...(state as CertificateInputs),
        domainName,
        status: "off",
    };
    try {
        await ctx.service.set(setRequestFor(off));
    } catch (error) {
        if (isCode(error, "InvalidDomain.NotFound")) return; // removed while we were deleting
        if (isCode(error, "Certificate.NotPermittedOff")) {
            throw new Error(
                `${ctx.product.displayName} refused to turn HTTPS off on ${domainName} (Certificate.NotPermittedOff: ` +
                    `turning the certificate off would change the domain's scheduling). To remove the resource from ` +
                    `the stack and leave the certificate in place, set the resource option \`retainOnDelete: true\` ` +
                    `and run the destroy again, or ask Alibaba Cloud support to allow turning it off. ` +
                    `(${(error as Error).message})`,
            );
        }
        throw error;
    }
    await confirm(ctx, off, state);
}

async function converge(
    ctx: LifecycleContext,
    desired: CertificateInputs,
    previous: Partial<CertificateOutputs>,
): Promise<CertificateOutputs> {
    const live = await readLive(ctx, desired.domainName);
    if (!live) throw new DomainNotFoundError(ctx.product, desired.domainName);
    if (serves(live, desired)) return outputsFrom(desired, live);
    await ctx.service.set(setRequestFor(desired));
    return confirm(ctx, desired, previous);
}

/** Read back until the cloud serves `desired`, or give up after the declared time with a partial-state error. */
async function confirm(
    ctx: LifecycleContext,
    desired: CertificateInputs,
    previous: Partial<CertificateOutputs>,
): Promise<CertificateOutputs> {
    const clock = ctx.clock ?? systemClock;
    const policy = ctx.confirm ?? DEFAULT_CONFIRM_POLICY;
    // State written before confirmTimeoutSeconds existed has none: fall back to the default.
    const timeoutSeconds = desired.confirmTimeoutSeconds ?? DEFAULT_CONFIRM_TIMEOUT_SECONDS;
    const deadline = clock.now() + timeoutSeconds * 1000;
    const setAt = clock.now();
    let interval = policy.initialIntervalMs;
    // Pause BEFORE each read, the first one included: a set never shows at once (the domain configures first), so a
    // read right after it would only spend a call of the account's read budget, which every resource of the process
    // shares. No read comes before the set is as old as changes have been taking to show, once that has been seen:
    // also for a confirmation already under way when the first one is seen, which otherwise keeps reading early.
    const settle = ctx.settle;
    let lastReadAt = setAt;
    const nextPause = () => Math.max(lastReadAt + interval, setAt + (settle?.expectedMs() ?? 0)) - clock.now();
    let pause = nextPause();
    let probing = false;
    let last: DeployedCertificate;
    try {
        for (;;) {
            // Nothing seen yet and the probes' places taken: wait for what they learn rather than poll as well. At
            // the deadline the loop reads anyway, so that a timeout can say what the domain serves.
            if (settle && settle.expectedMs() === undefined && !probing && clock.now() < deadline) {
                probing = settle.tryProbe();
                if (!probing) {
                    await settle.waitForNews(clock, deadline - clock.now());
                    pause = nextPause();
                    continue;
                }
            }
            await clock.sleep(Math.min(pause, Math.max(0, deadline - clock.now())));
            const read = await readLive(ctx, desired.domainName);
            lastReadAt = clock.now();
            if (!read) throw new DomainNotFoundError(ctx.product, desired.domainName);
            last = read;
            if (serves(last, desired)) {
                settle?.record(clock.now() - setAt);
                return outputsFrom(desired, last);
            }
            interval = Math.min(policy.maxIntervalMs, Math.ceil(interval * 1.5));
            pause = nextPause();
            if (clock.now() + pause > deadline) break;
        }
    } finally {
        if (probing) settle?.endProbe();
    }
    // Giving up: one full read, so that the message can say what the domain itself is doing (configuring, offline).
    last = (await ctx.service.describe(desired.domainName).catch(() => undefined)) ?? last;
    const properties: Record<string, unknown> = { ...outputsFrom(desired, last), [PROVIDER_KEY]: providerOf(desired, previous) };
    throw new ConfirmationTimeoutError(
        `${ctx.product.setAction.name} on ${desired.domainName} was accepted, but after ` +
            `${timeoutSeconds} s the domain still serves ${describeServed(last)} (domain status ` +
            `${last.domainStatus ?? "unknown"}) instead of ${describeDesired(desired)}. The resource is kept in state; run ` +
            `\`pulumi up\` again to carry on, or raise confirmTimeoutSeconds if the domain is slow to configure.`,
        desired.domainName,
        properties,
    );
}

/** Whether the live domain serves the declared state (and, when its state was read, has finished configuring). */
export function serves(live: DeployedCertificate, desired: CertificateInputs): boolean {
    if (live.domainStatus === "configuring") return false;
    if (desired.status === "off") return live.status === "off";
    if (live.status !== "on") return false;
    switch (desired.certType) {
        case "upload":
            return desired.fingerprint !== undefined && liveFingerprint(live) === desired.fingerprint;
        case "cas":
            return live.certType === "cas" && live.certId === desired.certId;
        case "free":
            return live.certType === "free";
    }
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

/**
 * Outputs: the declared settings, and what the cloud serves (status, leaf details) from `live`. `recorded` is the
 * state a read starts from: when the domain still serves the certificate recorded there, its details are taken
 * from it instead of parsing the certificate again, so that a refresh without drift parses nothing.
 */
export function outputsFrom(
    declared: CertificateInputs,
    live: DeployedCertificate,
    recorded?: Partial<CertificateOutputs>,
): CertificateOutputs {
    const outputs: CertificateOutputs = {
        ...declared,
        status: live.status,
        fingerprint: undefined,
        notAfter: undefined,
    };
    if (declared.certificate !== undefined) {
        const chainFingerprint =
            recorded?.certificate === declared.certificate && recorded.chainFingerprint !== undefined
                ? recorded.chainFingerprint
                : tryParse(declared.certificate)?.info.chainFingerprint;
        if (chainFingerprint !== undefined) outputs.chainFingerprint = chainFingerprint;
    }
    if (live.certType === "cas" && live.certId !== undefined) outputs.certId = live.certId;
    const leaf = live.status === "on" && live.certificatePem ? leafDetails(live.certificatePem, recorded) : undefined;
    if (leaf) {
        Object.assign(outputs, leaf);
    } else {
        for (const key of LEAF_DETAILS) delete outputs[key];
    }
    // Engine-facing objects must not carry `undefined` values.
    for (const [key, value] of Object.entries(outputs)) if (value === undefined) delete (outputs as unknown as Record<string, unknown>)[key];
    return outputs;
}

/** What the outputs say of the served leaf certificate: the same in state as in a fresh parse of it. */
const LEAF_DETAILS = ["fingerprint", "notBefore", "notAfter", "subject", "issuer", "serialNumber", "dnsNames"] as const;
type LeafDetails = Pick<CertificateOutputs, (typeof LEAF_DETAILS)[number]>;

/** The served leaf's details: the recorded ones when the served chain starts with the recorded leaf, else parsed. */
function leafDetails(pem: string, recorded: Partial<CertificateOutputs> | undefined): LeafDetails | undefined {
    if (recorded?.fingerprint !== undefined && fingerprintsAsWritten(pem)?.fingerprint === recorded.fingerprint) {
        const details = pickLeafDetails(recorded);
        // State written before a field existed lacks it: parse rather than drop it.
        if (LEAF_DETAILS.every((key) => details[key] !== undefined)) return details;
    }
    const info = tryParse(pem)?.info;
    return info ? pickLeafDetails(info) : undefined;
}

function pickLeafDetails(from: LeafDetails): LeafDetails {
    const { fingerprint, notBefore, notAfter, subject, issuer, serialNumber, dnsNames } = from;
    return { fingerprint, notBefore, notAfter, subject, issuer, serialNumber, dnsNames };
}

function liveFingerprint(live: DeployedCertificate): string | undefined {
    return live.certificatePem ? tryParse(live.certificatePem)?.info.fingerprint : undefined;
}

function tryParse(pem: string) {
    try {
        return parseCertificateChain(pem);
    } catch {
        return undefined;
    }
}

function describeServed(live: DeployedCertificate): string {
    if (live.status === "off") return "no certificate (HTTPS off)";
    const fingerprint = liveFingerprint(live);
    return fingerprint ? `certificate ${fingerprint}` : `a ${live.certType ?? "unknown"} certificate`;
}

function describeDesired(desired: CertificateInputs): string {
    if (desired.status === "off") return "HTTPS off";
    if (desired.certType === "upload") return `certificate ${desired.fingerprint}`;
    if (desired.certType === "cas") return `certificate service certificate ${desired.certId}`;
    return "a free certificate";
}

function providerOf(desired: CertificateInputs, previous: Partial<CertificateOutputs>): unknown {
    return (desired as unknown as Record<string, unknown>)[PROVIDER_KEY] ?? (previous as Record<string, unknown>)[PROVIDER_KEY];
}

function isCode(error: unknown, code: string): boolean {
    return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}
