// create, read, update and delete for a group: each domain goes through the same per-domain steps a single
// resource takes (../operations.ts), all at once, so that the CDN sets of a group meet in the batching window and go
// out as BatchSetCdnDomainServerCertificate calls, and their confirmations share the bulk state reads. A domain that
// fails does not stop the others: the group ends with what each domain serves, in state, and an error that names
// every failed domain (the first 20, then a count). The next `pulumi up` works only on the domains that differ.
import { randomUUID } from "node:crypto";
import { coversDomain, parseCertificateChain } from "../../certificate";
import { describeHolder, processClaims } from "../claims";
import { meaningOfDomainState } from "../stateMeanings";
import { keptProperties, KeptInStateError } from "../errors";
import {
    applyDeadline,
    createCertificate,
    deleteCertificate,
    readAccountPersistently,
    readCertificate,
    refreshDeadline,
    updateCertificate,
    type LifecycleContext,
} from "../operations";
import { withoutPrivateKey } from "../model";
import { pickLeafDetails } from "../outputs";
import { NAMES_LISTED } from "./check";
import { groupChanges } from "./diff";
import type { ProgressSink } from "../port";
import { type ProgressTracker, withProgress as withProgressOf } from "../progress";
import { inputsForDomain, servedFrom, type GroupInputs, type GroupOutputs, type ServedByDomain, type ServedLike } from "./model";
import type { CertificateInputs } from "../model";
import {
    cleanUp,
    movingAway,
    ownedIds,
    replacedBy,
    stopMovingAway,
    withPending,
    withStoredCertificate,
    type PendingCleanup,
    type StoredReference,
} from "../storedCertificates";
import { SetGathering } from "./gathering";

/** The group's error: kept in state with what each domain serves, naming the domains that failed. */
export class GroupPartialFailureError extends KeptInStateError {}

/** A group's context: the single resource's, and where its progress goes. */
export interface GroupContext extends LifecycleContext {
    readonly progress?: ProgressSink;
}

function withProgress<T>(
    ctx: GroupContext,
    what: string,
    domains: readonly string[],
    work: (ctx: LifecycleContext, tracker: ProgressTracker) => Promise<T>,
): Promise<T> {
    return withProgressOf(ctx, ctx.progress, what, domains, work);
}

interface DomainOutcome {
    readonly domainName: string;
    readonly served?: ServedByDomain;
    /** The domain no longer exists in the account. */
    readonly gone?: boolean;
    readonly error?: string;
    /** The stored certificate the domain was set to, when its set went by reference (a new one, if the declared one was missing). */
    readonly stored?: StoredReference;
}

/**
 * The group's domains: the listed ones, or with `matchDomains` every domain of the account's product that the
 * certificate covers (a wildcard one label), less `excludeDomains`. A matched domain whose state cannot take a
 * certificate (offline, failed, stopping, deleting, under review) is left out, and the outputs say which and why.
 */
export async function resolveDomains(ctx: LifecycleContext, inputs: GroupInputs, deadline: number): Promise<ResolvedDomains> {
    if (!inputs.matchDomains) return { declared: inputs, leftOut: {}, heldElsewhere: new Set() };
    const names = parseCertificateChain(inputs.certificate!).info.dnsNames;
    const excluded = new Set(inputs.excludeDomains ?? []);
    const claims = processClaims();
    const domains: string[] = [];
    const leftOut: Record<string, string> = {};
    const heldElsewhere = new Set<string>();
    for (const { domainName, domainStatus } of await readAccountPersistently(ctx, deadline, () => ctx.service.listDomains())) {
        if (excluded.has(domainName) || !coversDomain(names, domainName)) continue;
        const holder = claims.holder(domainName);
        const meaning = meaningOfDomainState(domainStatus);
        if (holder !== undefined && holder !== inputs.resourceUrn) {
            // A resource of this stack names the domain: it is the more specific, and two owners would undo each other.
            leftOut[domainName] = `declared by ${describeHolder(holder)}, which keeps its certificate; add it to excludeDomains to say so`;
            heldElsewhere.add(domainName);
        } else if (meaning.condition === "failed" || domainStatus === "checking") leftOut[domainName] = `${domainStatus}: ${meaning.meaning}`;
        else domains.push(domainName);
    }
    return { declared: { ...inputs, domains: domains.sort() }, leftOut, heldElsewhere };
}

interface ResolvedDomains {
    readonly declared: GroupInputs;
    /** Covered domains the group does not take, and why. */
    readonly leftOut: Record<string, string>;
    /** Of those, the ones another resource of the stack declares: the group hands them over, never turns them off. */
    readonly heldElsewhere: ReadonlySet<string>;
}

export async function createGroup(ctx: GroupContext, inputs: GroupInputs): Promise<{ id: string; outs: GroupOutputs }> {
    const id = randomUUID();
    const resolved = await resolveDomains(ctx, inputs, applyDeadline(ctx, inputs));
    const { leftOut } = resolved;
    const outcomes = await withProgress(ctx, "serve the certificate", resolved.declared.domains, async (ctx, tracker) => {
        // One stored certificate for every domain: found in the certificate service, or uploaded once.
        const declared = (await storedForGroup(ctx, resolved.declared, undefined)) as GroupInputs;
        const gathered = gather(ctx, declared.domains);
        return {
            declared,
            outcomes: await Promise.all(
                declared.domains.map((domainName) =>
                    attempt(gathered, domainName, () => createCertificate(gathered, inputsForDomain(declared, domainName)), tracker),
                ),
            ),
        };
    });
    return { id, outs: finish(id, outcomes.declared, outcomes.outcomes, {}, leftOut) };
}

/** The group's declaration with its stored certificate, waiting as each domain would, on the group's row. */
function storedForGroup(ctx: LifecycleContext, declared: GroupInputs, previous: Partial<GroupOutputs> | undefined): Promise<GroupInputs> {
    return withStoredCertificate(
        ctx,
        declared as unknown as CertificateInputs,
        ownedIds(previous),
        applyDeadline(ctx, declared),
    ) as unknown as Promise<GroupInputs>;
}

/**
 * After the group's domains changed: what it replaced is deleted (storedCertificates.ts), except a certificate one of
 * its own domains still serves (a change that failed), which stays pending until that domain moves on.
 */
async function cleanUpGroup(
    ctx: LifecycleContext,
    urn: string | undefined,
    previous: Partial<GroupOutputs>,
    outputs: GroupOutputs,
    keep: boolean,
): Promise<GroupOutputs> {
    const replaced = replacedBy(previous, outputs.storedCertificate);
    // A replaced entry of the certificate the group declares was found missing and stored again: it is not in use.
    const storedAgain = outputs.storedCertificate?.fingerprint;
    const served = new Set(Object.values(outputs.served).map((s) => s.fingerprint));
    served.delete(storedAgain);
    const stillServed = replaced.filter((c) => served.has(c.fingerprint));
    const { pending } = await cleanUp(
        ctx.stores,
        urn,
        replaced.filter((c) => !served.has(c.fingerprint)),
        keep,
    );
    return withPending(outputs, [...stillServed.map((c) => ({ attempts: 0, ...c })), ...pending]);
}

export async function updateGroup(outer: GroupContext, id: string, olds: GroupOutputs, wanted: GroupInputs): Promise<GroupOutputs> {
    const urn = wanted.resourceUrn;
    if (olds.fingerprint !== wanted.fingerprint) movingAway(urn, olds.fingerprint);
    try {
        return await updateGroupDomains(outer, id, olds, wanted);
    } catch (error) {
        // A partial failure keeps the group in state: what it replaced is decided with the state the error carries.
        if (error instanceof GroupPartialFailureError) {
            const kept = await cleanUpGroup(outer, urn, olds, error.properties as unknown as GroupOutputs, wanted.keepReplacedCertificates === true);
            throw new GroupPartialFailureError(error.message, error.id, { ...error.properties, ...kept });
        }
        stopMovingAway(urn);
        throw error;
    }
}

async function updateGroupDomains(outer: GroupContext, id: string, olds: GroupOutputs, wanted: GroupInputs): Promise<GroupOutputs> {
    const resolved = await resolveDomains(outer, wanted, applyDeadline(outer, wanted));
    const { leftOut, heldElsewhere } = resolved;
    const news = await storedForGroup(outer, resolved.declared, olds);
    const changes = groupChanges(olds, news);
    // A change to the shared settings goes to every domain; otherwise only to new domains and to those that drifted
    // or failed before. The others keep what they serve, with no call.
    const all = changes.shared.length > 0;
    const added = new Set(changes.added);
    const touched = new Set(all ? news.domains : [...changes.added, ...changes.drifted]);
    const removing = news.retainRemovedDomains ? [] : changes.removed.filter((domainName) => !heldElsewhere.has(domainName));
    return withProgress(outer, "done", [...touched, ...removing], async (progressCtx, tracker) => {
        const ctx = gather(progressCtx, [...touched, ...removing]);
        const applied = news.domains.map((domainName): Promise<DomainOutcome> => {
            if (!touched.has(domainName)) return Promise.resolve({ domainName, served: olds.served?.[domainName] ?? { status: "off" } });
            const desired = inputsForDomain(news, domainName);
            // A new domain may already serve the certificate (adopted without a call); a known one is set straight away.
            const owned = ownedIds(olds);
            return attempt(
                ctx,
                domainName,
                () => (added.has(domainName) ? createCertificate(ctx, desired, owned) : updateCertificate(ctx, desired, owned)),
                tracker,
            );
        });
        const removals = removing.map((domainName) => attempt(ctx, domainName, () => turnOff(ctx, domainName, olds), tracker));
        const outcomes = await Promise.all(applied);
        // A removed domain that could not be turned off stays in the group's state, so that the next run tries again.
        const failedRemovals = (await Promise.all(removals)).filter((outcome) => outcome.error !== undefined);
        const outputs = finish(id, news, [...outcomes, ...failedRemovals], olds, leftOut);
        return cleanUpGroup(ctx, news.resourceUrn, olds, outputs, news.keepReplacedCertificates === true);
    });
}

/** Refresh: what each domain serves now (one certificate read each). */
export async function readGroup(ctx: LifecycleContext, _id: string, state: GroupOutputs): Promise<GroupOutputs> {
    const outcomes = await Promise.all(
        (state.domains ?? []).map((domainName) =>
            attempt(ctx, domainName, async () => {
                const read = await readCertificate(ctx, domainName, inputsForDomain(state, domainName));
                if (!read) throw new GoneError();
                return read;
            }),
        ),
    );
    // A read that failed fails the refresh, as it does for a single resource: the state stays as it was.
    const failed = outcomes.filter((outcome) => outcome.error !== undefined);
    if (failed.length > 0) throw new Error(failureMessage("could not read", failed, outcomes.length, "Nothing was changed; run `pulumi refresh` again."));
    const outputs = outputsOf(state, outcomes);
    if (state.matchDomains) {
        // The account as it is now: a domain added (or removed) since shows in the diff as a change to the group.
        const { declared, leftOut } = await resolveDomains(ctx, state, refreshDeadline(ctx, state));
        outputs.matchedDomains = declared.domains;
        outputs.leftOut = leftOut;
    }
    return outputs;
}

/**
 * Delete: HTTPS off on every domain of the group, then the certificates it uploaded that nothing else of the run
 * uses are deleted from the certificate service. Fails naming the domains that refused; the engine keeps the group.
 * Returns what the service refused to delete (the caller says so: the group's state is gone).
 */
export async function deleteGroup(outer: GroupContext, state: GroupOutputs): Promise<PendingCleanup[]> {
    const domains = state.domains ?? [];
    const urn = state.resourceUrn;
    movingAway(urn, state.fingerprint);
    const outcomes = await withProgress(outer, "turned off", domains, (progressCtx, tracker) => {
        const ctx = gather(progressCtx, domains);
        return Promise.all(domains.map((domainName) => attempt(ctx, domainName, () => turnOff(ctx, domainName, state), tracker)));
    });
    const failed = outcomes.filter((outcome) => outcome.error !== undefined);
    if (failed.length > 0) {
        stopMovingAway(urn);
        throw new Error(failureMessage("could not turn HTTPS off on", failed, outcomes.length, "Fix each as its message says and run `pulumi destroy` again."));
    }
    return (await cleanUp(outer.stores, urn, replacedBy(state, undefined), state.keepReplacedCertificates === true)).pending;
}

class GoneError extends Error {}

/** One domain's delete step, as a single resource's: HTTPS off (a domain gone or being deleted is done). */
async function turnOff(ctx: LifecycleContext, domainName: string, state: GroupOutputs): Promise<ServedLike> {
    await deleteCertificate(ctx, domainName, inputsForDomain(state, domainName));
    return { status: "off" };
}

/** The context of a group's run over `domainNames`: their first sets go out together (gathering.ts). */
function gather<C extends LifecycleContext>(ctx: C, domainNames: readonly string[]): C & { readonly service: SetGathering } {
    return { ...ctx, service: new SetGathering(ctx.service, domainNames, ctx.clock) };
}

/** Runs one domain's step; its failure becomes the domain's outcome instead of ending the group's. */
/** What a domain's step returns: what it serves, and (a set by reference) the stored certificate it was set to. */
type StepResult = ServedLike & { readonly storedCertificate?: StoredReference };

async function attempt(ctx: LifecycleContext, domainName: string, step: () => Promise<StepResult>, tracker?: ProgressTracker): Promise<DomainOutcome> {
    const outcome = await attemptOnce(ctx, domainName, step);
    if (ctx.service instanceof SetGathering) ctx.service.finished(domainName);
    tracker?.finished(domainName, outcome.error === undefined);
    return outcome;
}

async function attemptOnce(ctx: LifecycleContext, domainName: string, step: () => Promise<StepResult>): Promise<DomainOutcome> {
    try {
        const result = await step();
        return { domainName, served: servedFrom(result), ...(result.storedCertificate ? { stored: result.storedCertificate } : {}) };
    } catch (error) {
        if (error instanceof GoneError) return { domainName, gone: true, served: { status: "off", failure: "the domain no longer exists in the account" } };
        const message = error instanceof Error ? error.message : String(error);
        // What the domain serves now: from the error when it kept the resource, else one read (best effort).
        const kept = (error as { properties?: ServedLike }).properties;
        const live =
            kept ??
            (await ctx.service.describe(domainName).then(
                (d) => (d ? { status: d.status, certType: d.certType, certId: d.certId } : undefined),
                () => undefined,
            ));
        return { domainName, error: message, served: { ...(live ? servedFrom(live) : { status: "off" as const }), failure: message } };
    }
}

function outputsOf(declared: GroupInputs & Partial<GroupOutputs>, outcomes: readonly DomainOutcome[], leftOut?: Record<string, string>): GroupOutputs {
    const served: Record<string, ServedByDomain> = {};
    for (const outcome of outcomes) if (outcome.served) served[outcome.domainName] = outcome.served;
    const outputs: GroupOutputs = {
        ...withoutPrivateKey(declared),
        domains: [...new Set([...declared.domains, ...outcomes.filter((o) => o.error !== undefined).map((o) => o.domainName)])].sort(),
        domainNames: outcomes
            .filter((o) => !o.gone)
            .map((o) => o.domainName)
            .sort(),
        served,
    };
    // The declared entry was found missing by the domains' sets and stored again (../storedCertificates withFreshStored):
    // the state records the entry they were set to, so that the next run neither sets nor deletes the missing one.
    const declaredStored = declared.storedCertificate;
    const storedAgain = outcomes.find(
        (o) => o.stored && declaredStored && o.stored.fingerprint === declaredStored.fingerprint && o.stored.certId !== declaredStored.certId,
    );
    if (storedAgain) outputs.storedCertificate = storedAgain.stored!;
    if (declared.matchDomains) {
        outputs.matchedDomains = [...declared.domains];
        outputs.leftOut = leftOut ?? declared.leftOut ?? {};
    } else {
        delete outputs.matchedDomains;
        delete outputs.leftOut;
    }
    if (declared.certificate !== undefined && declared.status === "on") {
        try {
            const info = parseCertificateChain(declared.certificate).info;
            Object.assign(outputs, pickLeafDetails(info), { chainFingerprint: info.chainFingerprint });
        } catch {
            // check() refused an unparsable certificate; state from an older version may hold one.
        }
    }
    for (const [key, value] of Object.entries(outputs)) if (value === undefined) delete (outputs as unknown as Record<string, unknown>)[key];
    return outputs;
}

function finish(
    id: string,
    declared: GroupInputs,
    outcomes: readonly DomainOutcome[],
    previous: Partial<GroupOutputs>,
    leftOut: Record<string, string> = {},
): GroupOutputs {
    const outputs = outputsOf(declared, outcomes, leftOut);
    const failed = outcomes.filter((outcome) => outcome.error !== undefined);
    if (failed.length === 0) return outputs;
    throw new GroupPartialFailureError(
        failureMessage(
            "did not take the certificate on",
            failed,
            outcomes.length,
            "The group is kept in state with what each domain serves; run `pulumi up` again: it works only on the domains that differ.",
        ),
        id,
        keptProperties(outputs, declared, previous),
    );
}

function failureMessage(what: string, failed: readonly DomainOutcome[], total: number, next: string): string {
    // Each domain's own message names it already (its state's, or the API error's); else it is named first.
    const listed = failed.slice(0, NAMES_LISTED).map((o) => `- ${o.error!.includes(o.domainName) ? o.error : `${o.domainName}: ${o.error}`}`);
    const more = failed.length > NAMES_LISTED ? [`- and ${failed.length - NAMES_LISTED} more`] : [];
    const fine = total - failed.length;
    return [`The group ${what} ${failed.length} of its ${total} domains${fine > 0 ? ` (the other ${fine} are done)` : ""}:`, ...listed, ...more, next].join(
        "\n",
    );
}
