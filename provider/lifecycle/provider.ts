// The dynamic ResourceProvider for one product: the engine-facing methods, each a thin shell over the pure
// check/diff and the port-driven operations. Nothing here knows which product it serves beyond the ProductSpec.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { ProductSpec } from "../products";
import type { Clock } from "../clock";
import { canonicalDomainName } from "../certificate";
import { checkInputs } from "./check";
import { conflictReason, describeHolder, processClaims } from "./claims";
import { expiryFinding, expiryPolicyFromConfig, type ExpiryPolicy } from "./expiry";
import { withProgress } from "./progress";
import { changedProperties, diffCertificate } from "./diff";
import { isUnknown, type CertificateInputs, type CertificateOutputs } from "./model";
import { applyDeadline, createCertificate, currentOutputs, deleteCertificate, readCertificate, updateCertificate, type LifecycleContext } from "./operations";
import type { ConfirmPolicy } from "./confirmation";
import type { CertificateService, CertificateStore, ProgressSink } from "./port";
import { SILENT } from "./progress";
import type { CertRegion } from "../products";
import {
    cleanUp,
    cleanupsToRetry,
    declareCertificates,
    describeReference,
    movingAway,
    ownedIds,
    planNote,
    replacedBy,
    stopMovingAway,
    withPending,
    withStoredCertificate,
    type PendingCleanup,
    type StoreAccess,
} from "./storedCertificates";

/**
 * The engine prints a failing property's VALUE next to the reason ("property privateKey value <the key> has a
 * problem"), even when the value is a secret (pulumi 3.248, step_generator.go issueCheckFailures). For the key and
 * the certificate (a secret too, and a wall of PEM), and a group's domains (a list of hundreds), the failure is
 * therefore reported against the resource, with the property named at the start of the reason: the engine then
 * prints no value.
 */
const PROPERTIES_NEVER_ECHOED = new Set(["privateKey", "certificate", "domains"]);

export function withoutEchoedValue(failure: dynamic.CheckFailure): dynamic.CheckFailure {
    return PROPERTIES_NEVER_ECHOED.has(failure.property) ? { property: "", reason: `${failure.property}: ${failure.reason}` } : failure;
}

/** The certificate service alone, for a preview's note: check and diff build no product client. */
export function storeAccess(deps: ProviderDependencies): StoreAccess {
    return { ...(deps.stores ? { stores: deps.stores() } : {}), ...(deps.clock ? { clock: deps.clock } : {}) };
}

/**
 * Says `note` on the resource's row, as a preview's note on what its change does (none without a URN). `ephemeral`:
 * on the row alone, as a single resource says it (500 of them would otherwise fill the diagnostics with 500
 * notes); a group's one note also stays in the diagnostics.
 */
export async function sendNote(deps: ProviderDependencies, urn: unknown, note: string | undefined, ephemeral = true): Promise<void> {
    if (note === undefined || typeof urn !== "string" || isUnknown(urn)) return;
    // The run uploads a certificate once, whatever number of resources declare it: said once, on the first one's row
    // (500 resources saying it each cost the engine 8 s of CPU in the bench's create, to show the same line 500 times).
    if (ephemeral && !sayOnce(note)) return;
    const sink = deps.notes?.(urn, { ephemeral }) ?? SILENT;
    sink.report(note);
    await sink.close();
}

const SAID = Symbol.for("pulumi-alicloud-certs/notes-said");

/** True the first time this process is asked about `note`. */
function sayOnce(note: string): boolean {
    const holder = globalThis as { [SAID]?: Set<string> };
    holder[SAID] ??= new Set<string>();
    const said = holder[SAID];
    if (said.has(note)) return false;
    said.add(note);
    return true;
}

/** The certificate a resource declares (its check): one a resource of the run declares is never deleted. */
export function declareFor(news: Record<string, unknown>, inputs: { status?: unknown; fingerprint?: unknown } | undefined): void {
    const urn = news.resourceUrn;
    if (typeof urn !== "string" || isUnknown(urn)) return;
    const fingerprint = inputs?.status === "on" && typeof inputs.fingerprint === "string" && !isUnknown(inputs.fingerprint) ? inputs.fingerprint : undefined;
    declareCertificates(urn, fingerprint ? [fingerprint] : []);
}

/** Claims the domains for the resource whose `resourceUrn` the inputs carry (none claimed without one). */
export function claimFor(news: Record<string, unknown>, domains: readonly string[]): { domain: string; holder: string }[] {
    const urn = news.resourceUrn;
    if (typeof urn !== "string" || isUnknown(urn)) return [];
    return processClaims().claim(
        urn,
        domains.filter((domain) => !isUnknown(domain)),
    );
}

/**
 * The expiry windows (expiry.ts) for the certificate a check accepted: a failure inside the fail window, else a
 * warning inside the warning window, sent on the resource's URN. `domains` says where it is served ("www.example.com",
 * "its 500 domains").
 */
export async function checkExpiry(
    deps: ProviderDependencies,
    news: Record<string, unknown>,
    inputs: { notAfter?: unknown; status?: unknown } | undefined,
    domains: string,
    now: Date,
): Promise<dynamic.CheckFailure[]> {
    const { policy, failures } = deps.expiry ? deps.expiry() : expiryPolicyFromConfig(undefined);
    if (typeof inputs?.notAfter !== "string" || isUnknown(inputs.notAfter) || inputs.status !== "on") return failures;
    const urn = typeof news.resourceUrn === "string" && !isUnknown(news.resourceUrn) ? news.resourceUrn : undefined;
    const finding = expiryFinding(inputs.notAfter, now, policy, { resource: urn ? describeHolder(urn) : "this resource", domains });
    if (finding?.kind === "fail") return [...failures, finding.failure];
    if (finding?.kind === "warn") {
        const sink = deps.warnings?.(urn) ?? SILENT;
        sink.report(finding.message);
        await sink.close();
    }
    return failures;
}

export interface ProviderDependencies {
    /**
     * Where a preview's note on what a change does goes (`ephemeral`: on the resource's row alone, or also in its
     * diagnostics). In a run, the engine's Log RPC on the URN (../runtime.ts); absent, nowhere.
     */
    readonly notes?: (urn: string | undefined, options: { ephemeral: boolean }) => ProgressSink;
    /** Where a resource's progress goes: in a run, the engine's Log RPC, ephemeral, on the URN (progress.ts); absent, nowhere. */
    readonly progress?: (urn: string | undefined) => ProgressSink;
    /** The expiry windows, from the stack config (read when a check runs: configure comes first). */
    readonly expiry?: () => { policy: ExpiryPolicy; failures: dynamic.CheckFailure[] };
    /** Where a check's warnings go (a certificate about to expire): in a run, the engine's Log RPC on the URN; absent, nowhere. */
    readonly warnings?: (urn: string | undefined) => ProgressSink;
    readonly product: ProductSpec;
    /** Builds (or returns the cached) service; called inside each method, never at load time. */
    readonly service: () => CertificateService;
    /** The account's certificate service, one store per region; absent: certificates travel with each set (no upload). */
    readonly stores?: () => (region: CertRegion) => CertificateStore;
    readonly clock?: Clock;
    readonly confirm?: ConfirmPolicy;
    readonly now?: () => Date;
}

/** The progress sink of a resource whose inputs carry its URN (none without one: a refresh is given no inputs). */
export function progressSinkFor(deps: ProviderDependencies, inputs: { resourceUrn?: unknown } | undefined): ProgressSink | undefined {
    const urn = typeof inputs?.resourceUrn === "string" && !isUnknown(inputs.resourceUrn) ? inputs.resourceUrn : undefined;
    if (urn === undefined) return undefined;
    return deps.progress?.(urn);
}

/**
 * The declaration with its stored certificate (storedCertificates.ts), waiting through transient answers until the
 * resource's deadline and saying so on its row; `previous`: the state, whose uploads are still this package's own.
 */
export function storedFor(
    ctx: LifecycleContext,
    desired: CertificateInputs,
    previous: { storedCertificate?: unknown; pendingCleanup?: unknown } | undefined,
): Promise<CertificateInputs> {
    const waiting = (on: string) => ctx.events?.(desired.domainName, { kind: "waiting", on });
    return withStoredCertificate(ctx, desired, ownedIds(previous), applyDeadline(ctx, desired), waiting);
}

/** After a delete, the certificates the service kept, said as a warning on the resource (its state is gone). */
export function tellKept(deps: ProviderDependencies, urn: string | undefined, kept: readonly PendingCleanup[]): void {
    const sink = deps.warnings?.(urn) ?? SILENT;
    sink.report(
        `the certificate service kept ${kept.map((k) => `${describeReference(k)}${k.lastRefusal ? ` (${k.lastRefusal})` : ""}`).join(", ")}, ` +
            "which this package uploaded: deleting it was refused, most likely because something outside this stack still uses it. " +
            "Delete it in the certificate service's console once nothing does.",
    );
    void sink.close();
}

export function certificateProvider(deps: ProviderDependencies): dynamic.ResourceProvider {
    const context = (): LifecycleContext => ({
        product: deps.product,
        service: deps.service(),
        clock: deps.clock,
        confirm: deps.confirm,
        ...(deps.stores ? { stores: deps.stores() } : {}),
    });
    /** One domain's change, saying on the resource's row what it waits on (configuring, ServiceBusy, a failing read). */
    const reporting = <T>(inputs: { resourceUrn?: unknown }, domainName: string, what: string, work: (ctx: LifecycleContext) => Promise<T>): Promise<T> =>
        withProgress(context(), progressSinkFor(deps, inputs), what, [domainName], async (ctx, tracker) => {
            try {
                const result = await work(ctx);
                tracker.finished(domainName, true);
                return result;
            } catch (error) {
                tracker.finished(domainName, false);
                throw error;
            }
        });
    return {
        async check(olds: Record<string, unknown> | undefined, news: Record<string, unknown>) {
            const now = deps.now ? deps.now() : new Date();
            const result = checkInputs(deps.product, news, now);
            const domainName = result.inputs?.domainName;
            const known = typeof domainName === "string" && !isUnknown(domainName);
            const conflicts = known ? claimFor(news, [domainName]) : [];
            // checkInputs also checks a group's shared settings, which have no domain: the single resource needs one.
            const missing = news.domainName === undefined || news.domainName === null || news.domainName === "";
            const failures = [
                ...(missing ? [{ property: "domainName", reason: "required: the domain the certificate goes on, e.g. www.example.com" }] : []),
                ...(result.failures ?? []),
                ...(conflicts.length > 0 ? [{ property: "domainName", reason: conflictReason(conflicts) }] : []),
                ...(await checkExpiry(deps, news, result.inputs, known ? domainName : "its domain", now)),
            ];
            declareFor(news, result.inputs);
            if (failures.length > 0) return { ...result, failures: failures.map(withoutEchoedValue) };
            // A new resource (no inputs before): what it stores in the certificate service. An update says it in diff.
            if (!olds || Object.keys(olds).length === 0)
                await sendNote(deps, news.resourceUrn, await planNote(storeAccess(deps), result.inputs!, undefined, "known only").catch(() => undefined));
            return result;
        },
        async diff(_id: string, olds: CertificateOutputs, news: CertificateInputs) {
            const result = diffCertificate(olds, news);
            // Moving to another certificate: the last resource of the run to leave the old one deletes it.
            if (result.changes && olds.fingerprint !== news.fingerprint) movingAway(news.resourceUrn, olds.fingerprint);
            // Nothing else differs, but a replaced certificate's delete was refused: the next `up` tries it again.
            const retry = !result.changes && cleanupsToRetry(olds.pendingCleanup).length > 0;
            if (result.changes || retry) await sendNote(deps, news.resourceUrn, await planNote(storeAccess(deps), news, olds).catch(() => undefined));
            return retry ? { ...result, changes: true } : result;
        },
        async create(inputs: CertificateInputs) {
            const outs = await reporting(inputs, inputs.domainName, "serves the certificate", async (ctx) => {
                const declared = await storedFor(ctx, inputs, undefined);
                return createCertificate(ctx, declared);
            });
            return { id: inputs.domainName, outs };
        },
        async read(id: string, props?: CertificateOutputs) {
            // The engine's id, as the resource was created: a wildcard domain created as "*.example.com" is read by
            // the name the API knows it by; the id itself stays as the engine has it.
            const outs = await readCertificate(context(), canonicalDomainName(id), props ?? {});
            return outs ? { id, props: outs } : {};
        },
        async update(_id: string, olds: CertificateOutputs, news: CertificateInputs) {
            const urn = news.resourceUrn;
            if (olds.fingerprint !== news.fingerprint) movingAway(urn, olds.fingerprint);
            return {
                outs: await reporting(news, news.domainName, "serves the certificate", async (ctx) => {
                    let outs: CertificateOutputs;
                    try {
                        const declared = await storedFor(ctx, news, olds);
                        const update = (fresh: CertificateInputs) => updateCertificate(ctx, fresh, ownedIds(olds));
                        // Only a pending cleanup to try again (diff): the domain already serves what is declared.
                        outs =
                            changedProperties(olds, news).length === 0
                                ? ((await currentOutputs(ctx, declared, olds)) ?? (await update(declared)))
                                : await update(declared);
                    } catch (error) {
                        stopMovingAway(urn);
                        throw error;
                    }
                    const { pending } = await cleanUp(ctx.stores, urn, replacedBy(olds, outs.storedCertificate), news.keepReplacedCertificates === true);
                    return withPending(outs, pending);
                }),
            };
        },
        async delete(id: string, props: CertificateOutputs) {
            const domainName = canonicalDomainName(id);
            const urn = props.resourceUrn;
            movingAway(urn, props.fingerprint);
            await reporting(props, domainName, "HTTPS off", async (ctx) => {
                try {
                    await deleteCertificate(ctx, domainName, props);
                } catch (error) {
                    stopMovingAway(urn);
                    throw error;
                }
                const { pending } = await cleanUp(ctx.stores, urn, replacedBy(props, undefined), props.keepReplacedCertificates === true);
                // The resource is gone: what the service refused to delete can only be said.
                if (pending.length > 0) tellKept(deps, urn, pending);
            });
        },
    };
}
