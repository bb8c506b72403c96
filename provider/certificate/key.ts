// Parsing the private key a user pastes, and checking it belongs to the certificate.
//
// Every message here is built only from block labels, counts and fixed text: a key is a secret, and a reason
// string ends up in `pulumi preview` output, CI logs and pull request comments.
import { createPrivateKey, X509Certificate as NodeX509Certificate, type KeyObject } from "node:crypto";
import type { ParsedChain } from "./chain";
import { CertificateInputError } from "./errors";
import { decodeBlock, describeLabel, encodePem, splitPemBlocks, type PemBlock } from "./pem";
import { describeKeyObject } from "./public-key";
import { rememberByContent } from "./memo";

export interface ParsedKey {
    /**
     * The key block alone, same label as given, re-encoded by OpenSSL in that label's format (so the content always
     * matches the label), wrapped at 64 columns, "\n" line endings, trailing newline. A well-formed key keeps its bytes.
     */
    pem: string;
    format: "pkcs1" | "pkcs8" | "sec1";
    algorithm: "RSA" | "EC" | string;
    bits: number;
}

type KeyFormat = ParsedKey["format"];

const KEY_FORMATS: Record<string, { format: KeyFormat; description: string }> = {
    "PRIVATE KEY": { format: "pkcs8", description: "a PKCS#8 private key" },
    "RSA PRIVATE KEY": { format: "pkcs1", description: "a PKCS#1 RSA private key" },
    "EC PRIVATE KEY": { format: "sec1", description: "a SEC1 EC private key" },
};

const CERTIFICATE_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"]);

// `openssl ecparam -genkey` writes the curve's parameters in a block of their own before the key; the key block
// names the curve again, so the parameters block carries nothing we need and is dropped.
const IGNORED_LABELS = new Set(["EC PARAMETERS"]);

const ACCEPTED = '"-----BEGIN PRIVATE KEY-----" (PKCS#8), "-----BEGIN RSA PRIVATE KEY-----" (PKCS#1) or "-----BEGIN EC PRIVATE KEY-----" (SEC1)';

const ENCRYPTED =
    "the private key is encrypted (protected by a passphrase), and the CDN and Live APIs need it unencrypted; " +
    "decrypt it first, e.g. `openssl pkey -in key.pem -out key.dec.pem` (it asks for the passphrase), " +
    "and keep the result secret, e.g. `pulumi config set --secret`";

export const parsePrivateKey: (pem: string) => ParsedKey = rememberByContent(parseKeyOnce);

function parseKeyOnce(pem: string): ParsedKey {
    if (typeof pem !== "string" || pem.trim() === "") {
        throw new CertificateInputError(`the private key is empty; paste the PEM private key of the certificate, a block starting with ${ACCEPTED}`);
    }
    const blocks = splitPemBlocks(pem, "private key").filter((block) => !IGNORED_LABELS.has(block.label));
    if (blocks.some((block) => block.label === "ENCRYPTED PRIVATE KEY" || isLegacyEncrypted(block))) {
        throw new CertificateInputError(ENCRYPTED);
    }
    const keyBlocks = blocks.filter((block) => block.label in KEY_FORMATS);
    const certificateCount = blocks.filter((block) => CERTIFICATE_LABELS.has(block.label)).length;
    if (certificateCount > 0) {
        throw new CertificateInputError(
            keyBlocks.length === 0
                ? "the private key field holds a certificate, not a private key; put the certificate chain in certificate, " +
                      `and here the private key created with the certificate's signing request, a block starting with ${ACCEPTED}`
                : `the private key field holds ${certificateCount} certificate block(s) besides the key; ` +
                      "keep only the private key block here and put the certificate chain in certificate",
        );
    }
    if (keyBlocks.length === 0) {
        const other = blocks[0];
        throw new CertificateInputError(
            other
                ? `the private key field holds a ${describeLabel(other.label)} block, which is not a private key this provider reads; ` +
                      `paste a block starting with ${ACCEPTED}; other PEM keys convert with \`openssl pkey -in key.pem -out key.pkcs8.pem\``
                : `the private key contains no PEM block; paste the PEM private key, a block starting with ${ACCEPTED}; ` +
                      "a DER key converts with `openssl pkey -inform der -in key.der -out key.pem`",
        );
    }
    if (keyBlocks.length > 1) {
        throw new CertificateInputError(`the private key field holds ${keyBlocks.length} private keys; keep only the one that belongs to the certificate`);
    }
    const [block] = keyBlocks;
    const { format, description } = KEY_FORMATS[block.label];
    const der = decodeBlock(block);
    if (!der) {
        throw new CertificateInputError(
            "the private key is not valid base64 (a character was changed, or a line is missing); copy it again, unedited, from the key file",
        );
    }
    const unreadable = new CertificateInputError(
        `the ${describeLabel(block.label)} block could not be read as ${description}; the label may not match the content, ` +
            "or the key was damaged: copy it again from the key file, or convert it with `openssl pkey -in key.pem -out key.pkcs8.pem`",
    );
    let key: KeyObject;
    let reencoded: Buffer;
    try {
        key = createPrivateKey({ key: der, format: "der", type: format });
        // OpenSSL's decoder is lenient (it reads a PKCS#8 body under an "RSA PRIVATE KEY" label), so the key is
        // written back by OpenSSL in the format its label announces: the block deployed always says what it holds.
        reencoded = key.export({ format: "der", type: format });
    } catch {
        // Node's message is not quoted: it adds nothing a user can act on, and we keep every reason free of
        // anything derived from the key.
        throw unreadable;
    }
    const { algorithm, bits } = describeKeyObject(key);
    if ((format === "pkcs1" && algorithm !== "RSA") || (format === "sec1" && algorithm !== "EC")) throw unreadable;
    return { pem: encodePem(block.label, reencoded), format, algorithm, bits };
}

/** A PKCS#1 key encrypted the legacy OpenSSL way keeps its label and says so in RFC 1421 headers. */
function isLegacyEncrypted(block: PemBlock): boolean {
    return /ENCRYPTED/i.test(block.headers.get("proc-type") ?? "") || block.headers.has("dek-info");
}

/** True when `key` is the private key of the chain's leaf certificate (compares the public halves). */
export function keyMatchesCertificate(key: ParsedKey, chain: ParsedChain): boolean {
    return matchOnce(`${firstPemBlock(chain.pem)}\n${key.pem}`).matches;
}

const matchOnce = rememberByContent((leafThenKey: string): { matches: boolean } => {
    const [leafPem, keyPem] = splitAfterFirstBlock(leafThenKey);
    try {
        const leaf = new NodeX509Certificate(leafPem);
        return { matches: leaf.checkPrivateKey(createPrivateKey(keyPem)) };
    } catch {
        // A key of another algorithm than the certificate's makes OpenSSL throw instead of answer: not a match.
        return { matches: false };
    }
});

function splitAfterFirstBlock(text: string): [string, string] {
    const end = text.indexOf("-----END CERTIFICATE-----") + "-----END CERTIFICATE-----".length;
    return [text.slice(0, end), text.slice(end)];
}

function firstPemBlock(pem: string): string {
    const end = "-----END CERTIFICATE-----";
    return pem.slice(0, pem.indexOf(end) + end.length);
}
