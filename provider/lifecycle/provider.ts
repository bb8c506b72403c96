// The dynamic ResourceProvider for one product: the engine-facing methods, each a thin shell over the pure
// check/diff and the port-driven operations. Nothing here knows which product it serves beyond the ProductSpec.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { ProductSpec } from "../alicloud/products";
import type { Clock } from "../clock";
import { checkInputs } from "./check";
import { conflictReason, processClaims } from "./claims";
import { diffCertificate } from "./diff";
import { isUnknown, type CertificateInputs, type CertificateOutputs } from "./model";
import {
    createCertificate,
    deleteCertificate,
    readCertificate,
    updateCertificate,
    type ConfirmPolicy,
    type LifecycleContext,
} from "./operations";
import type { CertificateService } from "./port";

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

/** Claims the domains for the resource whose `resourceUrn` the inputs carry (none claimed without one). */
export function claimFor(news: Record<string, unknown>, domains: readonly string[]): { domain: string; holder: string }[] {
    const urn = news.resourceUrn;
    if (typeof urn !== "string" || isUnknown(urn)) return [];
    return processClaims().claim(urn, domains.filter((domain) => !isUnknown(domain)));
}

export interface ProviderDependencies {
    readonly product: ProductSpec;
    /** Builds (or returns the cached) service; called inside each method, never at load time. */
    readonly service: () => CertificateService;
    readonly clock?: Clock;
    readonly confirm?: ConfirmPolicy;
    readonly now?: () => Date;
}

export function certificateProvider(deps: ProviderDependencies): dynamic.ResourceProvider {
    const context = (): LifecycleContext => ({
        product: deps.product,
        service: deps.service(),
        clock: deps.clock,
        confirm: deps.confirm,
    });
    return {
        async check(_olds: unknown, news: Record<string, unknown>) {
            const result = checkInputs(deps.product, news, deps.now ? deps.now() : new Date());
            const domainName = result.inputs?.domainName;
            const conflicts = typeof domainName === "string" && !isUnknown(domainName) ? claimFor(news, [domainName]) : [];
            const failures = [...(result.failures ?? []), ...(conflicts.length > 0 ? [{ property: "domainName", reason: conflictReason(conflicts) }] : [])];
            return failures.length > 0 ? { ...result, failures: failures.map(withoutEchoedValue) } : result;
        },
        async diff(_id: string, olds: CertificateOutputs, news: CertificateInputs) {
            return diffCertificate(olds, news);
        },
        async create(inputs: CertificateInputs) {
            const outs = await createCertificate(context(), inputs);
            return { id: inputs.domainName, outs };
        },
        async read(id: string, props?: CertificateOutputs) {
            const outs = await readCertificate(context(), id, props ?? {});
            return outs ? { id, props: outs } : {};
        },
        async update(_id: string, _olds: CertificateOutputs, news: CertificateInputs) {
            return { outs: await updateCertificate(context(), news) };
        },
        async delete(id: string, props: CertificateOutputs) {
            await deleteCertificate(context(), id, props);
        },
    };
}
