// One certificate on many Alibaba Cloud DCDN (Dynamic Route for CDN) domains, as one resource.
import type * as pulumi from "@pulumi/pulumi";
import { CertificateGroupResource, type CertificateGroupArgs } from "./certificateGroupResource";

export type DcdnDomainCertificateGroupArgs = CertificateGroupArgs;

/**
 * DomainCertificateGroup for DCDN domains: sets go out as BatchSetDcdnDomainCertificate calls (10 domains each at
 * most, DCDN's limit), each domain is confirmed serving the certificate, and drift is read per domain.
 */
export class DcdnDomainCertificateGroup extends CertificateGroupResource {
    constructor(name: string, args: DcdnDomainCertificateGroupArgs, opts?: pulumi.CustomResourceOptions) {
        super("dcdn", name, args, opts);
    }
}
