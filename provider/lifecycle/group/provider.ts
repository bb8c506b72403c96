// The dynamic ResourceProvider of a group, for one product: the engine-facing methods over the group's pure check
// and diff and its operations, which run the single resource's per-domain steps.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { conflictReason } from "../claims";
import { claimFor, withoutEchoedValue, type ProviderDependencies } from "../provider";
import { checkGroupInputs } from "./check";
import { diffGroup } from "./diff";
import type { GroupInputs, GroupOutputs } from "./model";
import { createGroup, deleteGroup, readGroup, updateGroup, type GroupContext } from "./operations";
import { engineAddressFromArgv, engineSink, type ProgressSink } from "./progress";

export interface GroupProviderDependencies extends ProviderDependencies {
    /** Where a group's progress goes; default: the engine's Log RPC, for the resource's URN (progress.ts). */
    readonly progress?: (urn: string | undefined) => ProgressSink;
}

/**
 * The engine's preview shows the diff of the inputs it stores. A sorted list of 500 names diffs index by index, so
 * one domain added in the middle reads as hundreds of changed lines; a map keyed by domain reads as one `+` or `-`
 * line per domain added or removed. So the engine is handed the domains as `{ "<domain>": true }` (users still pass
 * a list, and the lifecycle works on lists); `fromEngine` turns them back.
 */
export function toEngine<T extends { domains?: unknown }>(inputs: T): T {
    const domains = inputs.domains;
    if (!Array.isArray(domains)) return inputs;
    return { ...inputs, domains: Object.fromEntries(domains.map((domain) => [domain, true])) };
}

export function fromEngine<T extends { domains?: unknown }>(inputs: T): T {
    const domains = inputs.domains;
    if (typeof domains !== "object" || domains === null || Array.isArray(domains)) return inputs;
    return { ...inputs, domains: Object.keys(domains).sort() };
}

export function groupProvider(deps: GroupProviderDependencies): dynamic.ResourceProvider {
    const sink = deps.progress ?? ((urn: string | undefined) => engineSink(engineAddressFromArgv(), urn));
    const context = (inputs?: Partial<GroupInputs>): GroupContext => ({
        product: deps.product,
        service: deps.service(),
        clock: deps.clock,
        confirm: deps.confirm,
        progress: sink(typeof inputs?.resourceUrn === "string" ? inputs.resourceUrn : undefined),
    });
    return {
        async check(_olds: unknown, news: Record<string, unknown>) {
            const result = checkGroupInputs(deps.product, news, deps.now ? deps.now() : new Date());
            const domains = result.inputs?.domains;
            const conflicts = Array.isArray(domains) ? claimFor(news, domains) : [];
            const failures = [...(result.failures ?? []), ...(conflicts.length > 0 ? [{ property: "domains", reason: conflictReason(conflicts) }] : [])];
            const inputs = toEngine(result.inputs!);
            return failures.length > 0 ? { inputs, failures: failures.map(withoutEchoedValue) } : { inputs };
        },
        async diff(_id: string, olds: GroupOutputs, news: GroupInputs) {
            return diffGroup(olds, fromEngine(news));
        },
        async create(engineInputs: GroupInputs) {
            const inputs = fromEngine(engineInputs);
            return createGroup(context(inputs), inputs);
        },
        async read(id: string, props?: GroupOutputs) {
            // No URN given: a refresh reports no progress (its reads take seconds).
            return { id, props: await readGroup(context(), id, props ?? ({} as GroupOutputs)) };
        },
        async update(id: string, olds: GroupOutputs, engineNews: GroupInputs) {
            const news = fromEngine(engineNews);
            return { outs: await updateGroup(context(news), id, olds, news) };
        },
        async delete(_id: string, props: GroupOutputs) {
            await deleteGroup(context(props), props);
        },
    };
}
