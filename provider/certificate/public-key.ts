// Describing a key (algorithm, size, curve) from a node:crypto KeyObject, the same way for the public key of a
// certificate and for a private key, so the two can be compared and judged by one policy.
import type { KeyObject } from "node:crypto";

export interface KeyDescription {
    algorithm: "RSA" | "EC" | "Ed25519" | string;
    bits: number;
    /** For EC keys: the curve's NIST name ("P-256") when it has one, else OpenSSL's name. */
    curve?: string;
}

// OpenSSL names the NIST curves after their SEC/X9.62 names; users, browsers and Alibaba's documentation say P-256.
const CURVES: Record<string, { name: string; bits: number }> = {
    prime256v1: { name: "P-256", bits: 256 },
    secp384r1: { name: "P-384", bits: 384 },
    secp521r1: { name: "P-521", bits: 521 },
    secp256k1: { name: "secp256k1", bits: 256 },
    secp224r1: { name: "P-224", bits: 224 },
    prime192v1: { name: "P-192", bits: 192 },
};

export function describeKeyObject(key: KeyObject): KeyDescription {
    const details = key.asymmetricKeyDetails ?? {};
    switch (key.asymmetricKeyType) {
        case "rsa":
            return { algorithm: "RSA", bits: details.modulusLength ?? 0 };
        case "rsa-pss":
            return { algorithm: "RSA-PSS", bits: details.modulusLength ?? 0 };
        case "dsa":
            return { algorithm: "DSA", bits: details.modulusLength ?? 0 };
        case "ec": {
            const opensslName = details.namedCurve ?? "unknown";
            const known = CURVES[opensslName];
            // An unknown curve's size is read from the curve name when it carries one (e.g. "brainpoolP256r1").
            const bits = known?.bits ?? Number(/(\d{3})/.exec(opensslName)?.[1] ?? 0);
            return { algorithm: "EC", bits, curve: known?.name ?? opensslName };
        }
        case "ed25519":
            return { algorithm: "Ed25519", bits: 256 };
        case "ed448":
            return { algorithm: "Ed448", bits: 456 };
        default:
            return { algorithm: String(key.asymmetricKeyType ?? "unknown").toUpperCase(), bits: 0 };
    }
}
