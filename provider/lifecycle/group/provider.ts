// The dynamic ResourceProvider of a group, for one product: the engine-facing methods over the group's pure check
// and diff and its operations, which run the single resource's per-domain steps.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { withoutEchoedValue, type ProviderDependencies } from "../provider";
import { checkGroupInputs } from "./check";
import { diffGroup } from "./diff";
import type { GroupInputs, GroupOutputs } from "./model";
import { createGroup, deleteGroup, readGroup, updateGroup } from "./operations";

export function groupProvider(deps: ProviderDependencies): dynamic.ResourceProvider {
    const context = () => ({ product: deps.product, service: deps.service(), clock: deps.clock, confirm: deps.confirm });
    return {
        async check(_olds: unknown, news: Record<string, unknown>) {
            const result = checkGroupInputs(deps.product, news, deps.now ? deps.now() : new Date());
            return result.failures ? { ...result, failures: result.failures.map(withoutEchoedValue) } : result;
        },
        async diff(_id: string, olds: GroupOutputs, news: GroupInputs) {
            return diffGroup(olds, news);
        },
        async create(inputs: GroupInputs) {
            return createGroup(context(), inputs);
        },
        async read(id: string, props?: GroupOutputs) {
            return { id, props: await readGroup(context(), id, props ?? ({} as GroupOutputs)) };
        },
        async update(id: string, olds: GroupOutputs, news: GroupInputs) {
            return { outs: await updateGroup(context(), id, olds, news) };
        },
        async delete(_id: string, props: GroupOutputs) {
            await deleteGroup(context(), props);
        },
    };
}
