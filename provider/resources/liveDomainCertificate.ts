// The HTTPS certificate of an ApsaraVideo Live domain.
import type * as pulumi from "@pulumi/pulumi";
import { CertificateResource, type CertificateArgs } from "./certificateResource";

export type LiveDomainCertificateArgs = CertificateArgs;

/**
 * Keeps the HTTPS certificate of one ApsaraVideo Live domain as declared (SetLiveDomainCertificate), with the same
 * validation, drift detection and delete behaviour as DomainCertificate.
 */
export class LiveDomainCertificate extends CertificateResource {
    constructor(name: string, args: LiveDomainCertificateArgs, opts?: pulumi.CustomResourceOptions) {
        super("live", name, args, opts);
    }
}
