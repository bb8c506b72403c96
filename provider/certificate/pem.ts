// PEM text handling shared by the certificate and the key parsers: finding the blocks in whatever the user pasted,
// decoding their base64 strictly, and writing them back in one canonical layout.
//
// Users paste PEM from many places: Windows files (CRLF), `openssl pkcs12` output ("Bag Attributes" and
// "subject=" lines around each block), browser exports, JSON or YAML values where the newlines became literal
// "\n", one-line environment variables. Everything outside the BEGIN/END markers is ignored; everything inside
// must be exactly base64 (plus RFC 1421 headers, which only legacy encrypted keys carry).
import { CertificateInputError } from "./errors";

export interface PemBlock {
    /** The label between "-----BEGIN " and "-----", e.g. "CERTIFICATE" or "RSA PRIVATE KEY". */
    readonly label: string;
    /** RFC 1421 headers such as "Proc-Type: 4,ENCRYPTED" (names lower-cased); empty for modern PEM. */
    readonly headers: ReadonlyMap<string, string>;
    /** The base64 body with every whitespace removed, not yet checked. */
    readonly base64: string;
    /** 1-based position among the blocks of the input, for messages ("block #2"). */
    readonly position: number;
}

// Labels are upper-case words in practice; allowing anything but "-" and line breaks lets us find a block with an
// odd label and name it in the error instead of silently ignoring it.
const MARKER = /-----(BEGIN|END) ([^\r\n-]{1,64})-----/g;

/**
 * Undo the damage copy/paste does to line breaks: CRLF and lone CR become LF, and literal backslash-n sequences
 * (a PEM stored in a JSON or YAML string without unescaping) become real line breaks. Backslashes can never
 * appear in a valid PEM, so this cannot change a correct input.
 */
export function normalizeLineBreaks(text: string): string {
    return text.replace(/\\r\\n|\\n/g, "\n").replace(/\r\n?/g, "\n");
}

/**
 * Split text into PEM blocks. Throws CertificateInputError when a BEGIN has no matching END (a truncated paste)
 * or an END comes without a BEGIN. `field` names the input in messages ("certificate", "private key").
 */
export function splitPemBlocks(text: string, field: string): PemBlock[] {
    const source = normalizeLineBreaks(text);
    const blocks: PemBlock[] = [];
    let open: { label: string; bodyStart: number } | undefined;
    for (const match of source.matchAll(MARKER)) {
        const [marker, kind, rawLabel] = match;
        const label = rawLabel.trim();
        const at = match.index ?? 0;
        if (kind === "BEGIN") {
            if (open) {
                throw new CertificateInputError(
                    `the ${field} has a ${describeLabel(open.label)} block without its END line before the next BEGIN line; ` +
                        `the text looks truncated or two files were merged mid-block: paste each block whole, from its BEGIN line to its END line`,
                );
            }
            open = { label, bodyStart: at + marker.length };
            continue;
        }
        if (!open) {
            throw new CertificateInputError(
                `the ${field} has an END line ("-----END ${safeLabel(label)}-----") without a BEGIN line before it; ` +
                    `the start of the block is missing: paste the block whole, from its BEGIN line to its END line`,
            );
        }
        if (open.label !== label) {
            throw new CertificateInputError(
                `the ${field} has a ${describeLabel(open.label)} block that ends with "-----END ${safeLabel(label)}-----"; ` +
                    `the BEGIN and END labels must be the same: paste the block again from the original file`,
            );
        }
        const { headers, base64 } = splitHeaders(source.slice(open.bodyStart, at));
        blocks.push({ label, headers, base64, position: blocks.length + 1 });
        open = undefined;
    }
    if (open) {
        throw new CertificateInputError(
            `the ${field} has a ${describeLabel(open.label)} block without its END line; ` +
                `the text looks truncated: paste the block whole, up to its "-----END ${safeLabel(open.label)}-----" line`,
        );
    }
    return blocks;
}

/** RFC 1421 headers ("Name: value", continuation lines indented) come first; base64 never contains ":". */
function splitHeaders(body: string): { headers: Map<string, string>; base64: string } {
    const headers = new Map<string, string>();
    const lines = body.split("\n");
    let lastName: string | undefined;
    let index = 0;
    for (; index < lines.length; index++) {
        const line = lines[index];
        const header = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(line.trim());
        if (header) {
            lastName = header[1].toLowerCase();
            headers.set(lastName, header[2].trim());
        } else if (lastName && /^[ \t]/.test(line) && line.trim() !== "") {
            headers.set(lastName, `${headers.get(lastName)} ${line.trim()}`);
        } else if (line.trim() !== "" || headers.size > 0) {
            // The first base64 line, or the blank line that separates headers from the body.
            if (line.trim() === "" && headers.size > 0) index++;
            break;
        }
    }
    return { headers, base64: lines.slice(index).join("").replace(/\s+/g, "") };
}

// Base64 characters, then at most two "=" at the very end; with a length that is a multiple of 4 this is exactly
// strict base64. Written without a repeated group: V8's regex engine recurses once per repetition of a group, and a
// pattern like (?:[A-Za-z0-9+/]{4})* overflowed the stack on a 5 MB block ("Maximum call stack size exceeded").
const BASE64_CHARACTERS = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decode a block's body, or `undefined` when it is not exactly base64 (a stray character, a missing line, a
 * truncated end). Node's decoder alone would skip bad characters silently and hand us a corrupted DER.
 */
export function decodeBlock(block: PemBlock): Buffer | undefined {
    const base64 = block.base64;
    if (base64 === "" || base64.length % 4 !== 0 || !BASE64_CHARACTERS.test(base64)) return undefined;
    return Buffer.from(base64, "base64");
}

/** The canonical layout: BEGIN line, base64 wrapped at 64 columns, END line, "\n" line endings, final "\n". */
export function encodePem(label: string, der: Uint8Array): string {
    const base64 = Buffer.from(der).toString("base64");
    const lines = base64.match(/.{1,64}/g) ?? [];
    return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/**
 * A block label as it may appear in a message. Labels are not secret, but a label we do not recognize as one
 * could be anything the user pasted, so only label-shaped text (upper-case words) is quoted.
 */
export function safeLabel(label: string): string {
    return /^[A-Z][A-Z0-9 ]{0,39}$/.test(label) ? label : "(unrecognized label)";
}

export function describeLabel(label: string): string {
    return `"BEGIN ${safeLabel(label)}"`;
}
