// Removing secrets from text before it leaves this package. The SDK's own error messages are never passed through
// (the HTTP layer, httpx, appends the full request URL to them, and that URL carries the certificate and the
// private key as query parameters); what is passed, the API's Message, goes through `redact` all the same.

const PEM_BLOCK = /-----BEGIN[^-\r\n]*-----[\s\S]*?(?:-----END[^-\r\n]*-----|$)/g;
// PEM headers that were URL-encoded (space as %20 or +) and everything up to the next delimiter.
const ENCODED_PEM = /-----BEGIN(?:%20|\+)[^\s"'&]*/gi;
// Base64 bodies without their armour (a key pasted without headers, a DER blob).
const LONG_BASE64 = /[A-Za-z0-9+/]{48,}={0,2}/g;
// Query strings of URLs: they carry every parameter of an RPC call, private key included.
const URL_QUERY = /(https?:\/\/[^\s?"']*|\/)\?[^\s"']*/g;

/**
 * Removes from a text anything that may be secret: PEM blocks (also URL-encoded), long base64 runs, URL query
 * strings, and the given literal secrets (an AccessKey secret, a security token, a private key), raw or URL-encoded.
 * Applied to every message this package builds.
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
    let result = text;
    for (const secret of secrets) {
        // Short values are skipped: replacing "on" or "1" everywhere would mangle the message and protects nothing.
        if (secret === undefined || secret.length < 8) continue;
        for (const form of new Set([secret, encodeURIComponent(secret)])) {
            result = result.split(form).join("[redacted]");
        }
    }
    return result
        .replace(PEM_BLOCK, "[redacted PEM]")
        .replace(ENCODED_PEM, "[redacted PEM]")
        .replace(URL_QUERY, "$1?[redacted query]")
        .replace(LONG_BASE64, "[redacted]");
}
