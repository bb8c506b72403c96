// The dynamic ResourceProvider of a group, for one product: the engine-facing methods over the group's pure check
// and diff and its operations, which run the single resource's per-domain steps.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { conflictReason } from "../claims";
import {
    checkExpiry,
    claimFor,
    declareFor,
    progressSinkFor,
    sendNote,
    storeAccess,
    tellKept,
    withoutEchoedValue,
    type ProviderDependencies,
} from "../provider";
import type { CertificateInputs } from "../model";
import { cleanupsToRetry, movingAway, planNote } from "../storedCertificates";
import { checkGroupInputs } from "./check";
import { describeGroupChanges, diffGroup } from "./diff";
import { withCanonicalDomains, type GroupInputs, type GroupOutputs } from "./model";
import { createGroup, deleteGroup, readGroup, updateGroup, type GroupContext } from "./operations";

export type GroupProviderDependencies = ProviderDependencies;

/**
 * The engine's preview shows the diff of the inputs it stores, every changed element of a list or map on a line of
 * its own: 500 domains added would be 500 lines. So the engine is handed the domains under `__domains`, a key it
 * keeps but never displays (Pulumi's display skips keys that start with `__`: IsInternalPropertyKey, 3.248), with
 * their number as `domainCount`, which it does display. What was added, removed or drifted is said in one
 * message at preview, the first few names and then a count (`describeGroupChanges`). Users still pass a list,
 * and the lifecycle works on lists; `fromEngine` turns them back.
 */
export const ENGINE_DOMAINS_KEY = "__domains";

export function toEngine<T extends { domains?: unknown }>(inputs: T): T {
    if (!("domains" in inputs)) return inputs;
    const { domains, ...rest } = inputs;
    const count = Array.isArray(domains) ? domains.length : domains; // unknown stays unknown
    return { ...rest, [ENGINE_DOMAINS_KEY]: domains, domainCount: count } as unknown as T;
}

export function fromEngine<T extends { domains?: unknown }>(inputs: T): T {
    const stored = inputs as Record<string, unknown>;
    if (ENGINE_DOMAINS_KEY in stored) {
        const { [ENGINE_DOMAINS_KEY]: domains, domainCount: _count, ...rest } = stored;
        return { ...rest, domains } as unknown as T;
    }
    return inputs;
}

export function groupProvider(deps: GroupProviderDependencies): dynamic.ResourceProvider {
    const context = (inputs?: Partial<GroupInputs>): GroupContext => ({
        product: deps.product,
        service: deps.service(),
        clock: deps.clock,
        confirm: deps.confirm,
        progress: progressSinkFor(deps, inputs),
        ...(deps.stores ? { stores: deps.stores() } : {}),
    });
    return {
        async check(olds: Record<string, unknown> | undefined, news: Record<string, unknown>) {
            const now = deps.now ? deps.now() : new Date();
            const result = checkGroupInputs(deps.product, news, now);
            const domains = result.inputs?.domains;
            const conflicts = Array.isArray(domains) ? claimFor(news, domains) : [];
            const where = Array.isArray(domains) ? `its ${domains.length} domain${domains.length === 1 ? "" : "s"}` : "its domains";
            const failures = [
                ...(result.failures ?? []),
                ...(conflicts.length > 0 ? [{ property: "domains", reason: conflictReason(conflicts) }] : []),
                ...(await checkExpiry(deps, news, result.inputs, where, now)),
            ];
            declareFor(news, result.inputs);
            const inputs = toEngine(result.inputs!);
            if (failures.length > 0) return { inputs, failures: failures.map(withoutEchoedValue) };
            // A new group (no inputs before): what it stores in the certificate service. An update says it in diff.
            if (!olds || Object.keys(olds).length === 0) {
                await sendNote(
                    deps,
                    news.resourceUrn,
                    await planNote(storeAccess(deps), result.inputs! as unknown as CertificateInputs, undefined, "known only").catch(() => undefined),
                    false,
                );
            }
            return { inputs };
        },
        async diff(_id: string, olds: GroupOutputs, engineNews: GroupInputs) {
            const news = fromEngine(engineNews);
            const diffed = diffGroup(withCanonicalDomains(olds), news);
            const { changes } = diffed;
            // Moving to another certificate: the last resource of the run to leave the old one deletes it.
            if (diffed.result.changes && olds.fingerprint !== news.fingerprint) movingAway(news.resourceUrn, olds.fingerprint);
            // Nothing else differs, but a replaced certificate's delete was refused: the next `up` tries it again.
            const result = !diffed.result.changes && cleanupsToRetry(olds.pendingCleanup).length > 0 ? { ...diffed.result, changes: true } : diffed.result;
            if (result.changes) {
                const plan = await planNote(storeAccess(deps), news as unknown as CertificateInputs, olds).catch(() => undefined);
                const note = [describeGroupChanges(changes, news), plan].filter((part) => part !== undefined).join("; then ");
                await sendNote(deps, news.resourceUrn, note === "" ? undefined : note, false);
            }
            return result;
        },
        async create(engineInputs: GroupInputs) {
            const inputs = fromEngine(engineInputs);
            return createGroup(context(inputs), inputs);
        },
        async read(id: string, props?: GroupOutputs) {
            // No URN given: a refresh reports no progress (its reads take seconds).
            return { id, props: await readGroup(context(), id, withCanonicalDomains(props ?? ({} as GroupOutputs))) };
        },
        async update(id: string, olds: GroupOutputs, engineNews: GroupInputs) {
            const news = fromEngine(engineNews);
            return { outs: await updateGroup(context(news), id, withCanonicalDomains(olds), news) };
        },
        async delete(_id: string, props: GroupOutputs) {
            const kept = await deleteGroup(context(props), withCanonicalDomains(props));
            if (kept.length > 0) tellKept(deps, props.resourceUrn, kept);
        },
    };
}
