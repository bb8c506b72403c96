// Real certificates for the tests, the bench, the reliability scenarios and the demo: a private CA and leaf
// certificates issued by it, made fresh with @peculiar/x509 and node:crypto. Nothing here is a canned string, so a
// test that passes proves the code handles real PEM.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { createPrivateKey, webcrypto, X509Certificate } from "node:crypto";

// The tsconfig has no DOM lib: WebCrypto types come from node:crypto's `webcrypto` namespace.
type Algorithm = webcrypto.Algorithm;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type RsaHashedKeyGenParams = webcrypto.RsaHashedKeyGenParams;
type EcKeyGenParams = webcrypto.EcKeyGenParams;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export type KeyKind = "rsa2048" | "rsa4096" | "rsa1024" | "ec256" | "ec384";

const DAY = 24 * 60 * 60 * 1000;

function algorithmFor(kind: KeyKind): RsaHashedKeyGenParams | EcKeyGenParams {
    switch (kind) {
        case "rsa1024":
        case "rsa2048":
        case "rsa4096":
            return {
                name: "RSASSA-PKCS1-v1_5",
                modulusLength: Number(kind.slice(3)),
                publicExponent: new Uint8Array([1, 0, 1]),
                hash: "SHA-256",
            } as RsaHashedKeyGenParams;
        case "ec256":
            return { name: "ECDSA", namedCurve: "P-256" };
        case "ec384":
            return { name: "ECDSA", namedCurve: "P-384" };
    }
}

function signingAlgorithm(kind: KeyKind): Algorithm {
    return kind.startsWith("ec") ? ({ name: "ECDSA", hash: kind === "ec384" ? "SHA-384" : "SHA-256" } as Algorithm) : algorithmFor(kind);
}

/** A private key in every encoding a user may paste. */
export interface KeyPems {
    /** PKCS#8, `-----BEGIN PRIVATE KEY-----`. */
    readonly pkcs8: string;
    /** PKCS#1 for RSA (`BEGIN RSA PRIVATE KEY`) or SEC1 for EC (`BEGIN EC PRIVATE KEY`). */
    readonly traditional: string;
}

export interface Issued {
    /** The leaf alone, PEM. */
    readonly leafPem: string;
    /** Leaf then intermediates (what a user deploys), PEM. */
    readonly chainPem: string;
    readonly key: KeyPems;
    readonly cert: x509.X509Certificate;
    readonly keys: CryptoKeyPair;
    readonly kind: KeyKind;
}

export interface CertificateOptions {
    /** DNS names in the SAN extension; the first one is also the CN. */
    readonly dnsNames: readonly string[];
    readonly key?: KeyKind;
    /** Validity relative to now, in days. Defaults: from 1 day ago to 90 days ahead. */
    readonly notBeforeDays?: number;
    readonly notAfterDays?: number;
    /** Issue from this CA (a chain); default self-signed. */
    readonly issuer?: Issued;
    readonly serialNumber?: string;
    readonly isCa?: boolean;
    /** Reuse an existing key pair (a re-issued certificate with the same key). */
    readonly keys?: CryptoKeyPair;
    /** Subject CN; defaults to the first DNS name. */
    readonly commonName?: string;
}

let serialCounter = 1;

async function exportKey(keys: CryptoKeyPair, kind: KeyKind): Promise<KeyPems> {
    const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
    const pkcs8 = x509.PemConverter.encode(der, "PRIVATE KEY");
    const object = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    const traditional = kind.startsWith("ec")
        ? String(object.export({ format: "pem", type: "sec1" }))
        : String(object.export({ format: "pem", type: "pkcs1" }));
    return { pkcs8: normalizeNewline(pkcs8), traditional: normalizeNewline(traditional) };
}

function normalizeNewline(pem: string): string {
    return `${pem.replace(/\r\n/g, "\n").trimEnd()}\n`;
}

export async function issueCertificate(options: CertificateOptions): Promise<Issued> {
    const kind = options.key ?? "ec256";
    const keys = options.keys ?? ((await webcrypto.subtle.generateKey(algorithmFor(kind), true, ["sign", "verify"])) as CryptoKeyPair);
    const now = Date.now();
    const subject = `CN=${options.commonName ?? options.dnsNames[0] ?? "test"}`;
    const extensions: x509.Extension[] = [];
    if (options.dnsNames.length > 0) {
        extensions.push(new x509.SubjectAlternativeNameExtension(options.dnsNames.map((value) => ({ type: "dns" as const, value }))));
    }
    if (options.isCa) {
        extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
        extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
    }
    const serialNumber = options.serialNumber ?? (serialCounter++).toString(16).padStart(2, "0") + Date.now().toString(16);
    const common = {
        serialNumber,
        subject,
        notBefore: new Date(now + (options.notBeforeDays ?? -1) * DAY),
        notAfter: new Date(now + (options.notAfterDays ?? 90) * DAY),
        extensions,
        publicKey: keys.publicKey,
    };
    const cert = options.issuer
        ? await x509.X509CertificateGenerator.create({
              ...common,
              issuer: options.issuer.cert.subject,
              signingKey: options.issuer.keys.privateKey,
              signingAlgorithm: signingAlgorithm(options.issuer.kind),
          })
        : await x509.X509CertificateGenerator.createSelfSigned({
              ...common,
              name: subject,
              keys,
              signingAlgorithm: signingAlgorithm(kind),
          });
    const leafPem = normalizeNewline(cert.toString("pem"));
    // As public CAs hand it out: the leaf and its intermediates, without the self-signed root.
    const issuerChain = options.issuer && !isSelfSigned(options.issuer) ? options.issuer.chainPem : "";
    const chainPem = issuerChain ? leafPem + issuerChain : leafPem;
    return { leafPem, chainPem, key: await exportKey(keys, kind), cert, keys, kind };
}

function isSelfSigned(issued: Issued): boolean {
    return issued.cert.subject === issued.cert.issuer;
}

/** A CA, an intermediate under it, and a leaf under that: the shape of a real public chain. */
export async function issueChain(options: CertificateOptions): Promise<{ root: Issued; intermediate: Issued; leaf: Issued }> {
    const caKind = options.key === "rsa4096" ? "rsa4096" : "ec256";
    // The root is self-signed and, as with public CAs, not part of the chain a user deploys.
    const root = await issueCertificate({ dnsNames: [], commonName: "Test Root CA", key: caKind, isCa: true, notAfterDays: 3650 });
    const intermediate = await issueCertificate({
        dnsNames: [],
        commonName: "Test Intermediate CA",
        key: caKind,
        isCa: true,
        issuer: root,
        notAfterDays: 1825,
    });
    const leaf = await issueCertificate({ ...options, issuer: intermediate });
    return { root, intermediate, leaf };
}

/** SHA-256 of a chain's first certificate, lowercase hex without colons: the package's `fingerprint` output format. */
export function leafFingerprint(chainPem: string): string {
    return new X509Certificate(chainPem).fingerprint256.replace(/:/g, "").toLowerCase();
}

/** SHA-256 of the leaf DER, lowercase hex: what `openssl x509 -fingerprint -sha256` prints, without colons. */
export async function fingerprintOf(issued: Issued): Promise<string> {
    return Buffer.from(await issued.cert.getThumbprint("SHA-256")).toString("hex");
}

/**
 * The same private key, encrypted with a passphrase the way users receive it from some CAs and tools:
 * `pkcs8` as "BEGIN ENCRYPTED PRIVATE KEY", `traditional` as legacy OpenSSL PEM encryption (a "BEGIN RSA/EC PRIVATE
 * KEY" block with "Proc-Type: 4,ENCRYPTED" and "DEK-Info" headers).
 */
export function encryptedKeyOf(issued: Issued, passphrase = "correct horse battery staple"): KeyPems {
    const key = createPrivateKey(issued.key.pkcs8);
    const cipher = "aes-256-cbc";
    const pkcs8 = String(key.export({ format: "pem", type: "pkcs8", cipher, passphrase }));
    const traditionalType = issued.kind.startsWith("ec") ? "sec1" : "pkcs1";
    const traditional = String(key.export({ format: "pem", type: traditionalType, cipher, passphrase }));
    return { pkcs8: normalizeNewline(pkcs8), traditional: normalizeNewline(traditional) };
}
