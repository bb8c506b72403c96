/**
 * A problem with what the user wrote (a certificate, a key, a domain or a name).
 *
 * `reason` is written for the person reading `pulumi preview`: it says what is wrong and how to fix it. It never
 * contains key material: code that builds a reason only ever quotes block labels, counts, subjects, dates and
 * domain names, never the base64 body of a block.
 */
export class CertificateInputError extends Error {
    constructor(readonly reason: string) {
        super(reason);
        this.name = "CertificateInputError";
    }
}
