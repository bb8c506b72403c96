// The HTTPS certificate of an Alibaba Cloud DCDN (Dynamic Route for CDN) accelerated domain.
import type * as pulumi from "@pulumi/pulumi";
import { CertificateResource, type CertificateArgs } from "./certificateResource";

export type DcdnDomainCertificateArgs = CertificateArgs;

/**
 * Keeps the HTTPS certificate of one DCDN domain as declared (SetDcdnDomainSSLCertificate), with the same
 * validation, drift detection and delete behaviour as DomainCertificate. DCDN takes certType `upload` and `cas`.
 */
export class DcdnDomainCertificate extends CertificateResource {
    constructor(name: string, args: DcdnDomainCertificateArgs, opts?: pulumi.CustomResourceOptions) {
        super("dcdn", name, args, opts);
    }
}
