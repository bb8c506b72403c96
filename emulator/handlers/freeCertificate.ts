// `CertType=free`: the product issues a certificate for the domain itself. The emulator plays that CA with a key
// made per process; the private keys stay in memory and are never written anywhere.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { randomBytes, webcrypto } from "node:crypto";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 24 * 60 * 60 * 1000;
/** A free certificate lives 90 days, like the ones Alibaba issues. */
const VALIDITY_DAYS = 90;

let authority: Promise<{ cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair }> | undefined;

function freeAuthority() {
    authority ??= (async () => {
        const keys = (await webcrypto.subtle.generateKey(ALGORITHM, false, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
        const cert = await x509.X509CertificateGenerator.createSelfSigned({
            serialNumber: randomBytes(8).toString("hex"),
            name: "CN=Emulator Free CA, O=alicloud-cert-emulator",
            notBefore: new Date(Date.now() - DAY),
            notAfter: new Date(Date.now() + 3650 * DAY),
            keys,
            signingAlgorithm: ALGORITHM,
            extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
        });
        return { cert, keys };
    })();
    return authority;
}

/** A leaf for `domainName` plus the emulator CA, PEM, leaf first. */
export async function issueFreeCertificate(domainName: string): Promise<string> {
    const ca = await freeAuthority();
    const keys = (await webcrypto.subtle.generateKey(ALGORITHM, false, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const now = Date.now();
    const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: randomBytes(8).toString("hex"),
        subject: `CN=${domainName}`,
        issuer: ca.cert.subject,
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + VALIDITY_DAYS * DAY),
        publicKey: keys.publicKey,
        signingKey: ca.keys.privateKey,
        signingAlgorithm: ALGORITHM,
        extensions: [new x509.SubjectAlternativeNameExtension([{ type: "dns", value: domainName }])],
    });
    return `${leaf.toString("pem")}\n${ca.cert.toString("pem")}\n`;
}
