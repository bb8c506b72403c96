// R5, secrets (issue #13): every private key and access key secret the other scenarios used, searched for in
// everything they produced (check reasons, warnings, SDK errors, emulator answers, its request log, state file and
// output, the CLI's and the provider's output once R1-R3 add them). 0 hits are required.
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
import { base64Runs } from "./text";
import type { Outcome, ProducedText, Scenario, ScenarioOptions, SecretUsed } from "./scenario";

const PIECE = 32;
const STEP = 16;

/** The secret as the characters that matter: a PEM's base64 body, or the value itself. */
function bodyOf(secret: string): string {
    const pem = /-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/.exec(secret);
    const body = pem ? pem[1]!.split("\n").filter((line) => !line.includes(":")).join("") : secret;
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
    return [...pieces]
        .filter(([piece, at]) => !publicTexts.some((t) => t.includes(piece)) && !withinPublic(at, publicBytes))
        .map(([piece]) => piece);
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
    const parts = jwk.n !== undefined ? [jwk.n, jwk.e] : jwk.x !== undefined && jwk.y !== undefined ? [Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]).toString("base64url")] : [jwk.x];
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

export const r5SecretSearch: Scenario = {
    id: "r5",
    name: "R5 secrets",
    async run(options: ScenarioOptions): Promise<Outcome> {
        const produced = options.earlier.flatMap((o) => o.produced);
        const secrets = options.earlier.flatMap((o) => o.secrets);
        options.progress(`r5: searching ${produced.length} texts for ${secrets.length} secrets`);
        const begin = performance.now();
        // A control first: a piece of a key planted, percent-encoded, in a text must be found, and the certificate
        // of that key must not be; otherwise the search itself is broken and its 0 means nothing.
        const probe = secrets.find((s) => s.value.includes("PRIVATE KEY") && s.publicTexts);
        let control = "no private key to plant";
        if (probe) {
            const body = bodyOf(probe.value);
            const planted = encodeURIComponent(body.slice(body.length - 120, body.length - 60));
            const found = searchSecrets([{ source: "control", text: `x=${planted}&y=1` }], [probe]).hits.length;
            const cert = searchSecrets([{ source: "control", text: probe.publicTexts!.join("") }], [probe]).hits.length;
            control = found === 1 && cert === 0 ? "control found a planted key piece and not its certificate" : `CONTROL FAILED (planted piece found ${found}×, certificate flagged ${cert}×)`;
        }
        const { hits, texts, bytes } = searchSecrets(produced, secrets);
        const seconds = (performance.now() - begin) / 1000;
        const leaks = hits.filter((h) => h.byDesign === undefined);
        const designed = hits.filter((h) => h.byDesign !== undefined);
        const leakedTexts = new Set(leaks.map((h) => h.source)).size;
        const notes = [
            `R5: ${control}`,
            `R5: searched ${texts} texts (${(bytes / 1024 / 1024).toFixed(1)} MB) from ${options.earlier.map((o) => o.row.scenario).join(", ") || "no scenario"} for ${secrets.length} secrets in ${seconds.toFixed(1)} s`,
            ...leaks.map((h) => `  LEAK: ${h.secret} in ${h.source}`),
            ...[...new Set(designed.map((h) => `  by design, not counted: ${h.secret} in ${h.source} (${h.byDesign})`))],
        ];
        const summary = secrets.length === 0 ? "nothing to search: run it with other scenarios" : `${leaks.length} hits of ${secrets.length} secrets in ${texts} texts (${(bytes / 1024 / 1024).toFixed(1)} MB)`;
        return {
            row: {
                scenario: "R5 secrets",
                runs: texts,
                converged: texts - leakedTexts,
                lost: control.startsWith("CONTROL FAILED") ? "the search itself (control failed)" : leaks.length === 0 ? "nothing" : `${leaks.length} leak${leaks.length === 1 ? "" : "s"}: ${[...new Set(leaks.map((h) => h.source))].slice(0, 3).join(", ")}`,
                figures: `${summary}${designed.length > 0 ? `; ${designed.length} by design (the emulator's own account store and banner)` : ""}`,
                ok: leaks.length === 0 && secrets.length > 0 && !control.startsWith("CONTROL FAILED"),
            },
            notes,
            produced: [],
            secrets: [],
        };
    },
};
