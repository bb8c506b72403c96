// How a message quotes a value the user gave. A reason must say what was wrong with the value without becoming a
// copy of it: a 10 MB string would make a 10 MB message, and a private key pasted into the wrong input (a domain
// list, `status`) would be printed whole (both found by the reliability suite's fuzzing and secret search).

/** Longest quotation, in characters of the JSON text. */
const QUOTED_LIMIT = 60;

/** A run of base64 this long may be a piece of a key (a DNS label is at most 63 characters, but rarely 48 without a hyphen). */
const BASE64_RUN = 48;

/** Whether a UTF-16 code is one of base64's 64 letters (A-Z, a-z, 0-9, "+", "/"). */
export function isBase64Code(c: number): boolean {
    return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

/**
 * Text that may be key material or a certificate: a PEM armour line, or a long unbroken run of base64. A loop, not
 * a regular expression: V8's backtracking over a run of millions of such characters overflows the stack.
 */
function looksLikeKeyMaterial(text: string): boolean {
    if (text.includes("-----BEGIN") || text.includes("-----END") || text.includes("PRIVATE KEY")) return true;
    let run = 0;
    for (let i = 0; i < text.length; i++) {
        run = isBase64Code(text.charCodeAt(i)) ? run + 1 : 0;
        if (run >= BASE64_RUN) return true;
    }
    return false;
}

/**
 * The value as a reason may show it: its JSON text when short; the first characters and the length when long;
 * and only its kind and length when it looks like PEM or base64 (never a piece of a key).
 */
export function quoteGiven(value: unknown): string {
    const json = safeJson(value) ?? String(value);
    const text = typeof value === "string" ? value : json;
    const kind = Array.isArray(value) ? "a list" : value === null ? "null" : `a ${typeof value}`;
    if (looksLikeKeyMaterial(text)) return `${kind} of ${text.length} characters that looks like PEM or base64 (not shown)`;
    return json.length > QUOTED_LIMIT ? `${json.slice(0, QUOTED_LIMIT)}… (${kind} of ${text.length} characters)` : json;
}

function safeJson(value: unknown): string | undefined {
    try {
        return JSON.stringify(value);
    } catch {
        return undefined; // a cycle or a BigInt: the caller falls back to String()
    }
}
