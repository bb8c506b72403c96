// The HTTPS certificate of an Alibaba Cloud CDN accelerated domain.
import type * as pulumi from "@pulumi/pulumi";
import { CertificateResource, type CertificateArgs } from "./certificateResource";

export type DomainCertificateArgs = CertificateArgs;

/**
 * Keeps the HTTPS certificate of one CDN domain as declared: uploads it (SetCdnDomainSSLCertificate), confirms the
 * domain serves it, reads it back to detect drift, and turns HTTPS off on delete.
 */
export class DomainCertificate extends CertificateResource {
    constructor(name: string, args: DomainCertificateArgs, opts?: pulumi.CustomResourceOptions) {
        super("cdn", name, args, opts);
    }
}
