// The shared resource class behind DomainCertificate and LiveDomainCertificate: the users' contract (Args and
// outputs) is the same for both products; only the product id differs.
import type * as pulumi from "@pulumi/pulumi";
import { PRODUCTS, type CertType, type ProductId } from "../products";
import { CertificateOutputsResource } from "./certificateOutputs";
import { certificateRegistration, LEAF_OUTPUTS, ownUrn, quietRegistration } from "./registration";
import { serializedProviderFor } from "./serializedProvider";

export interface CertificateArgs {
    /** The domain: lower-cased, IDN converted to punycode; no scheme, port, path, comma or space. A change replaces. */
    domainName: pulumi.Input<string>;
    /** `"on"` (default) serves the certificate over HTTPS; `"off"` turns HTTPS off. */
    status?: pulumi.Input<"on" | "off">;
    /** PEM chain, leaf first (reordered if given otherwise). Required with certType `upload` when status is on. */
    certificate?: pulumi.Input<string>;
    /** PEM private key (PKCS#1, PKCS#8 or SEC1, unencrypted). Always stored as a secret. */
    privateKey?: pulumi.Input<string>;
    /**
     * The certificate's name in the account's certificate service, where an uploaded certificate is stored (names
     * there are unique): at most 64 characters. Default: derived from the certificate, so a renewal never collides.
     */
    certName?: pulumi.Input<string>;
    /** `"upload"` (default: stored in the certificate service once, deployed from there), `"cas"` (with certId) or `"free"`. */
    certType?: pulumi.Input<CertType>;
    /** certType `cas`: the certificate's id in Alibaba Cloud's certificate service. */
    certId?: pulumi.Input<string>;
    /** The certificate service's centre: `cn-hangzhou` (default) or `ap-southeast-1` (international accounts). */
    certRegion?: pulumi.Input<string>;
    /**
     * Keep the certificates a rotation, a replacement or a delete replaces in the certificate service. By default the
     * ones this package uploaded are deleted once nothing of the stack uses them (one it found there is never deleted).
     */
    keepReplacedCertificates?: pulumi.Input<boolean>;
    /** Overwrite a certificate of the same name with other content (ForceSet=1). */
    forceSet?: pulumi.Input<boolean>;
    /** How long create, update and delete wait for the domain to be online again and serve what is declared, busy domains included (default 1800). */
    confirmTimeoutSeconds?: pulumi.Input<number>;
}

/** One domain's certificate resource: the shared outputs (certificateOutputs.ts) and the domain. */
export abstract class CertificateResource extends CertificateOutputsResource {
    /** The domain (normalized). Also the resource's id. */
    declare public readonly domainName: pulumi.Output<string>;

    protected constructor(product: ProductId, name: string, args: CertificateArgs, opts?: pulumi.CustomResourceOptions) {
        const type = PRODUCTS[product].resourceTypeName;
        const registration = certificateRegistration({ ...args, resourceUrn: ownUrn(name, type, opts) }, LEAF_OUTPUTS, opts);
        const quiet = quietRegistration();
        try {
            super(serializedProviderFor(product), name, registration.props, registration.opts, "alicloud-certs", type);
        } catch (error) {
            // An error registration throws gets the stack it would have had, from the user's `new ...` down.
            quiet.failed(error, CertificateResource);
            throw error;
        } finally {
            quiet.restore();
        }
    }
}
