// Finding secrets in text: every private key and access key secret a run used, looked for in everything it produced
// (check reasons, warnings, SDK errors, the emulator's answers, its request log, state file and output, the CLI's and
// the provider's output). The reliability suite's R5 reports what this finds; a unit test holds it to its rules.
//
// A key leaks in pieces as well as whole, wrapped differently, JSON-escaped or percent-encoded in a URL. So each
// secret is cut into overlapping 32-character pieces of its base64 body (a shingle every 16 characters, and one
// at the end), each text is decoded (percent-encoding, literal "\n") and stripped of whitespace, and every
// 32-character window of its base64 runs is looked up: any 48 consecutive characters of a key are found.
// Pieces that are not secret are left out: the key's first line (its ASN.1 header, the same in every key of that
// type: every P-256 PKCS#8 key starts "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg"), pieces found in the
// secret's public texts, and pieces that encode only bytes of the key's public half. A private key holds its public
// key too (an EC key its point, an RSA key its modulus and exponent), and every certificate of that key prints
// them; without that last rule an EC key registered without its certificate was reported as leaked wherever its
// certificate appeared.
import { createPrivateKey, createPublicKey } from "node:crypto";
import { isBase64Code } from "../provider/certificate/quote";

/** A text a run produced: an error message, a check failure, a log, a state file, a CLI's output. */
export interface ProducedText {
    /** Where it came from, for R5's report ("check failure reason", "emulator stdout"). */
    readonly source: string;
    readonly text: string;
    /**
     * Set where the text is the emulated cloud's own account store or its start-up banner, which hold and print the
     * seeded access key secrets by design (the server side of a signature needs the secret). R5 still requires no
     * private key there, and reports access key hits in it apart, with this reason.
     */
    readonly holdsAccountKeys?: string;
}

/** A secret a run used: a private key, an access key secret, an STS token. searchSecrets looks for each. */
export interface SecretUsed {
    /** What it is, never the value ("private key of the rsa2048 pool certificate"). */
    readonly label: string;
    readonly value: string;
    /**
     * Public texts that share bytes with the secret (the certificate of a private key: its public key is inside the
     * key too), so that a served certificate does not count as a piece of its key.
     */
    readonly publicTexts?: readonly string[];
}

const PIECE = 32;
const STEP = 16;

/** The secret as the characters that matter: a PEM's base64 body, or the value itself. */
export function bodyOf(secret: string): string {
    const pem = /-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/.exec(secret);
    const body = pem
        ? pem[1]!
              .split("\n")
              .filter((line) => !line.includes(":"))
              .join("")
        : secret;
    return body.replace(/\s/g, "");
}

function piecesOf(secret: SecretUsed): string[] {
    const body = bodyOf(secret.value);
    if (body.length < PIECE) return [body];
    const pem = secret.value.includes("-----BEGIN ");
    const publicTexts = (secret.publicTexts ?? []).map(decoded);
    const publicBytes = pem ? publicSpans(secret.value, body) : [];
    const pieces = new Map<string, number>();
    for (let i = pem ? 64 : 0; i + PIECE <= body.length; i += STEP) pieces.set(body.slice(i, i + PIECE), i);
    pieces.set(body.slice(body.length - PIECE), body.length - PIECE);
    return [...pieces].filter(([piece, at]) => !publicTexts.some((t) => t.includes(piece)) && !withinPublic(at, publicBytes)).map(([piece]) => piece);
}

/** Byte ranges [start, end) of the key's DER that hold its public key (the EC point; the RSA modulus and exponent). */
export function publicSpans(pem: string, body: string): [number, number][] {
    let jwk: { x?: string; y?: string; n?: string; e?: string };
    try {
        jwk = createPublicKey(createPrivateKey(pem)).export({ format: "jwk" }) as typeof jwk;
    } catch {
        return []; // not a key node:crypto reads (an encrypted or damaged one): every piece stays secret
    }
    const der = Buffer.from(body, "base64");
    const parts =
        jwk.n !== undefined
            ? [jwk.n, jwk.e]
            : jwk.x !== undefined && jwk.y !== undefined
              ? [Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]).toString("base64url")]
              : [jwk.x];
    const spans: [number, number][] = [];
    for (const part of parts) {
        if (part === undefined) continue;
        const bytes = Buffer.from(part, "base64url");
        for (let at = der.indexOf(bytes); at >= 0; at = der.indexOf(bytes, at + 1)) spans.push([at, at + bytes.length]);
    }
    return spans;
}

/** Whether the base64 characters [at, at + PIECE) of the body encode only bytes inside one public span. */
function withinPublic(at: number, spans: readonly [number, number][]): boolean {
    const first = Math.floor(at / 4) * 3;
    const end = Math.ceil((at + PIECE) / 4) * 3;
    return spans.some(([start, stop]) => first >= start && end <= stop);
}

function decoded(text: string): string {
    return text
        .replace(/%2B/gi, "+")
        .replace(/%2F/gi, "/")
        .replace(/%3D/gi, "=")
        .replace(/%0A|%0D|\\r|\\n|\\u000a/gi, "\n")
        .replace(/\s/g, "");
}

interface Hit {
    readonly secret: string;
    readonly source: string;
    readonly byDesign?: string;
}

export function searchSecrets(produced: readonly ProducedText[], secrets: readonly SecretUsed[]): { hits: Hit[]; texts: number; bytes: number } {
    const owner = new Map<string, SecretUsed>();
    const short: SecretUsed[] = [];
    for (const secret of secrets) {
        for (const piece of piecesOf(secret)) {
            if (piece.length < PIECE) short.push(secret);
            else owner.set(piece, secret);
        }
    }
    const hits: Hit[] = [];
    let bytes = 0;
    for (const text of produced) {
        bytes += text.text.length;
        const found = new Set<SecretUsed>();
        const flat = decoded(text.text);
        for (const run of base64Runs(flat, PIECE)) {
            for (let i = 0; i + PIECE <= run.length; i++) {
                const secret = owner.get(run.slice(i, i + PIECE));
                if (secret) found.add(secret);
            }
        }
        for (const secret of short) if (flat.includes(bodyOf(secret.value))) found.add(secret);
        for (const secret of found) {
            const accountKey = !secret.value.includes("PRIVATE KEY");
            hits.push({ secret: secret.label, source: text.source, ...(accountKey && text.holdsAccountKeys ? { byDesign: text.holdsAccountKeys } : {}) });
        }
    }
    return { hits, texts: produced.length, bytes };
}

/**
 * The runs of base64 characters at least `min` long: pieces of a PEM body rather than words (R4's check that a
 * reason quotes no key reads them too). A loop, not a regex: V8's regex engine overflows its stack on a quantified
 * class over a megabyte-long run (a reason that echoes a 1 MB value), the very defect issue #13 found in pem.ts.
 */
export function base64Runs(text: string, min: number): string[] {
    const runs: string[] = [];
    let start = -1;
    for (let i = 0; i <= text.length; i++) {
        const inside = i < text.length && isBase64Code(text.charCodeAt(i));
        if (inside && start < 0) start = i;
        else if (!inside && start >= 0) {
            if (i - start >= min) runs.push(text.slice(start, i));
            start = -1;
        }
    }
    return runs;
}
