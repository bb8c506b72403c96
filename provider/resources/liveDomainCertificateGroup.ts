// One certificate on many ApsaraVideo Live domains, as one resource.
import type * as pulumi from "@pulumi/pulumi";
import { CertificateGroupResource, type CertificateGroupArgs } from "./certificateGroupResource";

export type LiveDomainCertificateGroupArgs = CertificateGroupArgs;

/** DomainCertificateGroup for Live domains: one SetLiveDomainCertificate per domain (Live has no batch set). */
export class LiveDomainCertificateGroup extends CertificateGroupResource {
    constructor(name: string, args: LiveDomainCertificateGroupArgs, opts?: pulumi.CustomResourceOptions) {
        super("live", name, args, opts);
    }
}
