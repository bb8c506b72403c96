// Reading what a caller uploads: the PEM chain (leaf first, as the real service takes it) and the private key,
// with node:crypto only. Nothing here keeps, logs or returns key material: the key is parsed, checked against the
// leaf, and dropped.
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export interface ParsedChain {
    /** Leaf first. */
    readonly certificates: readonly X509Certificate[];
    /** The chain re-encoded block by block (text around and between blocks dropped), as stored and described. */
    readonly pem: string;
}

/** Parses a PEM chain; returns undefined when it holds no certificate or any block does not parse. */
export function parseChain(text: string): ParsedChain | undefined {
    const blocks = text.replace(/\r\n?/g, "\n").match(CERTIFICATE_BLOCK);
    if (!blocks || blocks.length === 0) return undefined;
    const certificates: X509Certificate[] = [];
    for (const block of blocks) {
        try {
            certificates.push(new X509Certificate(block));
        } catch {
            return undefined;
        }
    }
    return { certificates, pem: certificates.map((c) => `${c.toString().trimEnd()}\n`).join("") };
}

/** Parses an unencrypted private key (PKCS#1, PKCS#8, SEC1); undefined when it does not parse. */
export function parsePrivateKey(text: string): KeyObject | undefined {
    const normalized = text.replace(/\r\n?/g, "\n").trim();
    if (!/^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(normalized)) return undefined;
    try {
        // No passphrase: an encrypted key throws here, as the real service refuses one.
        return createPrivateKey({ key: normalized, format: "pem" });
    } catch {
        return undefined;
    }
}

export function keyMatches(leaf: X509Certificate, key: KeyObject): boolean {
    try {
        return leaf.checkPrivateKey(key);
    } catch {
        return false;
    }
}

export function fingerprintOfLeaf(leaf: X509Certificate): string {
    return createHash("sha256").update(leaf.raw).digest("hex");
}

/** What the describe actions report about a deployed certificate. */
export interface CertificateFacts {
    readonly commonName: string;
    readonly organization: string;
    readonly notBefore: Date;
    readonly notAfter: Date;
    readonly fingerprint: string;
}

function attribute(distinguishedName: string, key: string): string | undefined {
    // Node renders a DN as "KEY=value" lines.
    for (const line of distinguishedName.split("\n")) {
        const at = line.indexOf("=");
        if (at > 0 && line.slice(0, at) === key) return line.slice(at + 1);
    }
    return undefined;
}

export function factsOf(pem: string): CertificateFacts | undefined {
    const chain = parseChain(pem);
    const leaf = chain?.certificates[0];
    if (!leaf) return undefined;
    const sanNames = (leaf.subjectAltName ?? "")
        .split(/,\s*/)
        .filter((entry) => entry.startsWith("DNS:"))
        .map((entry) => entry.slice(4));
    return {
        commonName: attribute(leaf.subject, "CN") ?? sanNames[0] ?? "",
        organization: attribute(leaf.issuer, "O") ?? attribute(leaf.issuer, "CN") ?? "",
        notBefore: new Date(leaf.validFrom),
        notAfter: new Date(leaf.validTo),
        fingerprint: fingerprintOfLeaf(leaf),
    };
}

// ---- What the certificate service (CAS 2020-04-07) reports about a stored chain --------------------------------

/** One certificate of a chain, as GetUserCertificateDetail's CertChain item describes it. */
export interface ChainLink {
    readonly commonName: string;
    readonly issuerCommonName: string;
    readonly notBefore: Date;
    readonly notAfter: Date;
}

export interface CasFacts {
    /** Subject CN, else the first DNS name. */
    readonly commonName: string;
    /** DNS names of the subjectAltName, in order. */
    readonly sans: readonly string[];
    /** The issuer's organization, else its CN. */
    readonly issuer: string;
    /** The subject's organization ("" when it has none). */
    readonly orgName: string;
    readonly country?: string;
    readonly province?: string;
    readonly city?: string;
    /** Lowercase hex of the serial's DER INTEGER content: a leading 0x00 sign byte and a leading 0 nibble are kept. */
    readonly serialNo: string;
    /** SHA-1 of the leaf DER, uppercase hex, no separators. */
    readonly sha1: string;
    /** SHA-256 of the leaf DER, uppercase hex, no separators. */
    readonly sha256: string;
    readonly notBefore: Date;
    readonly notAfter: Date;
    /** RSA or ECC (the key type of the leaf; another type is named in upper case). */
    readonly algorithm: string;
    readonly chain: readonly ChainLink[];
}

/** A DER element: its tag, and where its content starts and ends. */
function derElement(der: Buffer, at: number): { tag: number; start: number; end: number } {
    const tag = der[at]!;
    let length = der[at + 1]!;
    let start = at + 2;
    if (length & 0x80) {
        const bytes = length & 0x7f;
        length = 0;
        for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]!;
        start += bytes;
    }
    return { tag, start, end: start + length };
}

/** The serial number's INTEGER content bytes, read from the DER (Node's serialNumber drops a leading zero byte). */
export function serialHexOf(leaf: X509Certificate): string {
    const der = leaf.raw;
    const certificate = derElement(der, 0);
    const tbs = derElement(der, certificate.start);
    let at = tbs.start;
    const first = derElement(der, at);
    if (first.tag === 0xa0) at = first.end; // [0] EXPLICIT version
    const serial = derElement(der, at);
    return der.subarray(serial.start, serial.end).toString("hex");
}

function dnsNamesOf(leaf: X509Certificate): string[] {
    return (leaf.subjectAltName ?? "")
        .split(/,\s*/)
        .filter((entry) => entry.startsWith("DNS:"))
        .map((entry) => entry.slice(4));
}

function algorithmOf(leaf: X509Certificate): string {
    const type = leaf.publicKey.asymmetricKeyType ?? "unknown";
    if (type === "rsa" || type === "rsa-pss") return "RSA";
    if (type === "ec") return "ECC";
    return type.toUpperCase();
}

export function casFactsOf(pem: string): CasFacts | undefined {
    const chain = parseChain(pem);
    const leaf = chain?.certificates[0];
    if (!chain || !leaf) return undefined;
    const sans = dnsNamesOf(leaf);
    const country = attribute(leaf.subject, "C");
    const province = attribute(leaf.subject, "ST");
    const city = attribute(leaf.subject, "L");
    return {
        commonName: attribute(leaf.subject, "CN") ?? sans[0] ?? "",
        sans,
        issuer: attribute(leaf.issuer, "O") ?? attribute(leaf.issuer, "CN") ?? "",
        orgName: attribute(leaf.subject, "O") ?? "",
        ...(country === undefined ? {} : { country }),
        ...(province === undefined ? {} : { province }),
        ...(city === undefined ? {} : { city }),
        serialNo: serialHexOf(leaf),
        sha1: createHash("sha1").update(leaf.raw).digest("hex").toUpperCase(),
        sha256: createHash("sha256").update(leaf.raw).digest("hex").toUpperCase(),
        notBefore: new Date(leaf.validFrom),
        notAfter: new Date(leaf.validTo),
        algorithm: algorithmOf(leaf),
        chain: chain.certificates.map((c) => ({
            commonName: attribute(c.subject, "CN") ?? dnsNamesOf(c)[0] ?? "",
            issuerCommonName: attribute(c.issuer, "CN") ?? "",
            notBefore: new Date(c.validFrom),
            notAfter: new Date(c.validTo),
        })),
    };
}
