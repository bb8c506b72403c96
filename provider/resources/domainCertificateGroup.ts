// One certificate on many Alibaba Cloud CDN domains, as one resource.
import type * as pulumi from "@pulumi/pulumi";
import { CertificateGroupResource, type CertificateGroupArgs } from "./certificateGroupResource";

export type DomainCertificateGroupArgs = CertificateGroupArgs;

/**
 * Keeps one certificate on every listed CDN domain: sets go out as BatchSetCdnDomainServerCertificate calls (10
 * domains each by default), each domain is confirmed serving it, drift is read per domain, a domain removed from
 * the list has HTTPS turned off (unless `retainRemovedDomains`), and delete turns HTTPS off on all of them.
 */
export class DomainCertificateGroup extends CertificateGroupResource {
    constructor(name: string, args: DomainCertificateGroupArgs, opts?: pulumi.CustomResourceOptions) {
        super("cdn", name, args, opts);
    }
}
