// The outputs every certificate resource has, one domain or a group: the declared settings and the certificate's
// details. They are `declare`d: a compiled class field would be initialized to undefined after `super()` has filled
// it in, and every output would be lost.
import * as pulumi from "@pulumi/pulumi";
import type { CertType } from "../products";

export abstract class CertificateOutputsResource extends pulumi.dynamic.Resource {
    /** Whether HTTPS is on: as the cloud reports it for one domain; as declared for a group (each domain's is in `served`). */
    declare public readonly status: pulumi.Output<"on" | "off">;
    /** The declared chain, normalized (secret, so that diffs show fingerprints instead of PEM). */
    declare public readonly certificate: pulumi.Output<string | undefined>;
    declare public readonly certName: pulumi.Output<string | undefined>;
    declare public readonly certType: pulumi.Output<CertType>;
    declare public readonly certId: pulumi.Output<string | undefined>;
    declare public readonly certRegion: pulumi.Output<string | undefined>;
    declare public readonly forceSet: pulumi.Output<boolean>;
    /**
     * SHA-256 of the leaf certificate, lowercase hex (openssl's -fingerprint -sha256 without colons): the one the
     * domain serves, for one domain; the declared one, for a group (each domain's is in `served`).
     */
    declare public readonly fingerprint: pulumi.Output<string | undefined>;
    /** SHA-256 over the declared chain; changes when only an intermediate does. */
    declare public readonly chainFingerprint: pulumi.Output<string | undefined>;
    declare public readonly notBefore: pulumi.Output<string | undefined>;
    /** Expiry of the certificate (ISO 8601). */
    declare public readonly notAfter: pulumi.Output<string | undefined>;
    declare public readonly subject: pulumi.Output<string | undefined>;
    declare public readonly issuer: pulumi.Output<string | undefined>;
    declare public readonly serialNumber: pulumi.Output<string | undefined>;
    declare public readonly dnsNames: pulumi.Output<string[] | undefined>;
    /** The certificate service's entry the domains are deployed from (found there, or uploaded by this package). */
    declare public readonly storedCertificate: pulumi.Output<StoredCertificateOutput | undefined>;
    /** Replaced certificates this package uploaded whose delete the service refused; tried again at the next `pulumi up`. */
    declare public readonly pendingCleanup: pulumi.Output<PendingCleanupOutput[] | undefined>;
    declare public readonly keepReplacedCertificates: pulumi.Output<boolean>;
}

/** An entry of the account's certificate service. */
export interface StoredCertificateOutput {
    certId: string;
    name: string;
    region: string;
    /** SHA-256 of its leaf, lowercase hex. */
    fingerprint: string;
    /** This package uploaded it: it deletes it once a rotation replaced it and nothing of the stack uses it. */
    uploaded: boolean;
}

export interface PendingCleanupOutput extends StoredCertificateOutput {
    attempts: number;
    lastRefusal?: string;
}
