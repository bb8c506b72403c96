// What certificates the provider accepts beyond "it parses": key strength and validity period. These are checks
// of `check`, so a weak or expired certificate fails `pulumi preview` instead of a deployment.
import type { CertificateInfo } from "./chain";

/** The EC curves browsers and Alibaba Cloud CDN / Live accept for ECDSA certificates. */
export const ACCEPTED_CURVES: readonly string[] = ["P-256", "P-384", "P-521"];

/** Below this, RSA keys are refused by browsers and by the CA/Browser Forum baseline requirements. */
export const MINIMUM_RSA_BITS = 2048;

export function keyStrengthProblem(info: CertificateInfo): string | undefined {
    const { algorithm, bits, curve } = info.publicKey;
    if (algorithm === "RSA") {
        return bits >= MINIMUM_RSA_BITS
            ? undefined
            : `the certificate's RSA key has ${bits} bits, below the minimum of ${MINIMUM_RSA_BITS}; ` +
                  `issue a new certificate with an RSA key of at least ${MINIMUM_RSA_BITS} bits (or an EC key on P-256)`;
    }
    if (algorithm === "EC") {
        return curve !== undefined && ACCEPTED_CURVES.includes(curve)
            ? undefined
            : `the certificate's EC key is on curve ${curve ?? "(unknown)"}, which is not accepted; ` +
                  `issue a new certificate with an EC key on ${ACCEPTED_CURVES.join(", ")} (or RSA of at least ${MINIMUM_RSA_BITS} bits)`;
    }
    return (
        `the certificate's key is ${algorithm}, which Alibaba Cloud CDN and Live do not serve; ` +
        `issue a new certificate with an RSA key of at least ${MINIMUM_RSA_BITS} bits or an EC key on ${ACCEPTED_CURVES.join(", ")}`
    );
}

export function validityProblem(info: CertificateInfo, now: Date): string | undefined {
    const time = now.getTime();
    // RFC 5280: a certificate is valid up to and including notAfter.
    if (Date.parse(info.notAfter) < time) {
        return `the certificate expired on ${info.notAfter}; renew it with your CA and deploy the new certificate and its key`;
    }
    if (Date.parse(info.notBefore) > time) {
        return (
            `the certificate is not valid until ${info.notBefore}; wait until then to deploy it, ` +
            `or fix the clock of this machine if it is wrong (it reads ${now.toISOString()})`
        );
    }
    return undefined;
}
