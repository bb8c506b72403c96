// The shared resource class behind DomainCertificateGroup and LiveDomainCertificateGroup: one certificate on many
// domains of a product, as one resource (one engine step, so the API sets the pace of a rollout, not the engine's
// per-step state writes). Each domain is worked on by the same per-domain steps as a single resource.
import type * as pulumi from "@pulumi/pulumi";
import { PRODUCTS, type ProductId } from "../products";
import { kindOf } from "../resourceKinds";
import { CertificateOutputsResource } from "./certificateOutputs";
import type { CertificateArgs } from "./certificateResource";
import { certificateRegistration, LEAF_OUTPUTS, ownUrn, quietRegistration } from "./registration";
import { serializedProviderFor } from "./serializedProvider";

export interface CertificateGroupArgs extends Omit<CertificateArgs, "domainName"> {
    /** The domains the certificate goes on: each lower-cased, IDN to punycode, covered by the certificate, once. */
    domains: pulumi.Input<pulumi.Input<string>[]>;
    /** Leave a domain removed from the group serving its certificate, instead of turning HTTPS off on it. */
    retainRemovedDomains?: pulumi.Input<boolean>;
}

/** What one domain of the group serves. */
export interface ServedByDomain {
    status: "on" | "off";
    fingerprint?: string;
    certType?: string;
    certId?: string;
    /** Why the domain does not serve the declared certificate, when its last change failed. */
    failure?: string;
}

/** A group's resource: the shared outputs (certificateOutputs.ts), its domains and what each serves. */
export abstract class CertificateGroupResource extends CertificateOutputsResource {
    /** The declared domains, normalized and sorted (with matchDomains, those found at the last update). */
    declare public readonly domains: pulumi.Output<string[]>;
    /** The group's domains, sorted, as of the last read (a domain removed from the account drops out). */
    declare public readonly domainNames: pulumi.Output<string[]>;
    /** For each domain, what it serves: status and fingerprint. */
    declare public readonly served: pulumi.Output<Record<string, ServedByDomain>>;
    /** With matchDomains: the covered domains left out, and why (their state). */
    declare public readonly leftOut: pulumi.Output<Record<string, string> | undefined>;

    protected constructor(product: ProductId, name: string, args: CertificateGroupArgs, opts?: pulumi.CustomResourceOptions) {
        const type = `${PRODUCTS[product].resourceTypeName}Group`;
        const registration = certificateRegistration(
            { ...args, resourceUrn: ownUrn(name, type, opts) },
            ["domainNames", "served", "leftOut", ...LEAF_OUTPUTS],
            opts,
        );
        const quiet = quietRegistration();
        try {
            super(serializedProviderFor(kindOf(product, true)), name, registration.props, registration.opts, "alicloud-certs", type);
        } catch (error) {
            quiet.failed(error, CertificateGroupResource);
            throw error;
        } finally {
            quiet.restore();
        }
    }
}
