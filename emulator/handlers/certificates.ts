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
    return { certificates, pem: certificates.map((c) => c.toString().trimEnd() + "\n").join("") };
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
