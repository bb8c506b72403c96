// Domain names: normalizing what the user writes into the one form the APIs and certificates use, and deciding
// whether a certificate's SAN names serve a domain.
import { quoteGiven } from "./quote";
import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import { CertificateInputError } from "./errors";

/** How a certificate's SAN names a wildcard: "*.example.com". */
const WILDCARD_PREFIX = "*.";
/**
 * How the APIs name a wildcard accelerated domain: ".example.com", with a leading dot. CDN: AddCdnDomain's example
 * value; terraform-provider-alicloud PR #6780 ("a `.a.com` wildcard domain name errors"); acme.sh PR #1466 (deploying
 * to `*.foo.com` failed with DomainNotFound; the fix passes the prefix as a lone dot); allinssl #222 (the CDN domain
 * `.xx.example.cn`, the certificate `*.xx.example.cn`). DCDN: AddDcdnDomain ("a wildcard domain name must start with
 * a period (.), such as .example.com"); Certimate #223 (SetDcdnDomainSSLCertificate answered InvalidDomain.NotFound to
 * `*.example.com`) and PR #225, which sends `.example.com`. Live: AddLiveDomain ("wildcard domain names that start
 * with a period (.) are supported"), and Certimate's Live deployer sends `.example.com`; an older Live console page
 * says Live has no wildcard domains at all, which does not change how one is named where it has.
 */
const API_WILDCARD_PREFIX = ".";
const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const EXAMPLE = "e.g. www.example.com";

/**
 * The domain in the form Alibaba's APIs use: lower case, IDN as punycode A-labels ("bücher.example" →
 * "xn--bcher-kva.example"). A wildcard accelerated domain may be written "*.example.com" (as certificates name it)
 * or ".example.com" (as the APIs do), and is returned as the APIs name it, ".example.com": the one form state,
 * outputs, claims and calls use, so that changing the spelling in a program is no change. Anything else is refused
 * with a reason that says how to write it.
 */
export function normalizeDomainName(input: string): string {
    if (typeof input !== "string" || input.trim() === "") {
        throw new CertificateInputError(`the domain name is empty; set domainName to the accelerated domain, ${EXAMPLE}`);
    }
    const trimmed = input.trim();
    const shown = quoteGiven(trimmed);
    const refuse = (why: string): never => {
        throw new CertificateInputError(`the domain name ${shown} ${why}`);
    };
    if (trimmed.includes(",")) {
        refuse(
            "contains a comma; one resource manages exactly one domain (a comma would address several domains in the batch API): " +
                "create one resource per domain",
        );
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) refuse(`starts with a scheme ("https://"); give the bare host name, ${EXAMPLE}`);
    if (/\s/.test(trimmed)) refuse(`contains a space; give a single host name, ${EXAMPLE}`);
    const bare = trimmed.replace(/^\[(.*)\]$/, "$1");
    if (isIP(bare) !== 0) refuse(`is an IP address; CDN and Live serve domain names only: give the host name, ${EXAMPLE}`);
    if (/[/?#]/.test(trimmed)) refuse(`contains a path or query ("/", "?" or "#"); give the host name only, ${EXAMPLE}`);
    if (trimmed.includes(":")) refuse(`contains a port or a colon; give the host name only, without ":port", ${EXAMPLE}`);
    if (trimmed.endsWith(".")) refuse(`ends with a dot; remove the trailing dot (write ${quoteGiven(trimmed.replace(/\.+$/, ""))})`);

    const wildcardPrefix = [WILDCARD_PREFIX, API_WILDCARD_PREFIX].find((prefix) => trimmed.startsWith(prefix));
    const host = wildcardPrefix === undefined ? trimmed : trimmed.slice(wildcardPrefix.length);
    if (host.includes("*")) {
        refuse('has a "*" in the wrong place; a wildcard domain is written *.example.com (or .example.com, as the API names it)');
    }
    checkLabelsBeforeConversion(host, refuse);
    // WHATWG's domainToASCII lower-cases, maps IDN U-labels to punycode and validates them; it returns "" for a
    // name it cannot convert. It also reads "1.2" or "0x7f.1" as IPv4, which the label checks below refuse first.
    // It is given the name as written: its own case mapping (UTS #46) is the browser's, and JavaScript's
    // toLowerCase is not. Lower-casing first turned a character UTS #46 disallows into one it allows (the Georgian
    // capital "Ⴝ", U+10BD, lower-cases to U+2D1D), so a name every browser refuses was accepted (found by the
    // reliability suite's R4 fuzzing).
    const ascii = domainToASCII(host);
    if (ascii === "") {
        refuse(
            "is not a valid domain name (an internationalized label could not be converted to punycode, or a punycode label is invalid); " +
                `check its spelling, ${EXAMPLE}`,
        );
    }
    checkAsciiLabels(ascii, refuse);
    const normalized = wildcardPrefix === undefined ? ascii : `${API_WILDCARD_PREFIX}${ascii}`;
    if (normalized.length > MAX_NAME_LENGTH) {
        refuse(`is ${normalized.length} characters long (in punycode); a domain name has at most ${MAX_NAME_LENGTH}`);
    }
    return normalized;
}

/** Structural problems that are clearer to report on the user's own spelling than after conversion. */
function checkLabelsBeforeConversion(host: string, refuse: (why: string) => never): void {
    const labels = host.split(".");
    if (labels.some((label) => label === "")) {
        refuse(
            `has an empty label (two dots in a row, or a dot after the wildcard's); write the name with one dot between labels, ${EXAMPLE}, ` +
                "and a wildcard domain as *.example.com or .example.com",
        );
    }
    if (labels.length < 2) {
        refuse(`is a single label; give the fully qualified name of the domain, ${EXAMPLE}`);
    }
    if (/^[0-9]+$/.test(labels[labels.length - 1])) {
        refuse(`ends with a numeric label, which makes it look like an IP address; give a host name, ${EXAMPLE}`);
    }
}

/** RFC 1035 "LDH" rules on the A-label form. */
function checkAsciiLabels(ascii: string, refuse: (why: string) => never): void {
    for (const label of ascii.split(".")) {
        if (label.length > MAX_LABEL_LENGTH) {
            refuse(`has a label of ${label.length} characters (in punycode); each label between dots has at most ${MAX_LABEL_LENGTH}`);
        }
        const bad = /[^a-z0-9-]/.exec(label);
        if (bad) {
            refuse(
                `contains the character ${JSON.stringify(bad[0])}; a domain name holds only letters, digits, hyphens and dots` +
                    (bad[0] === "_" ? " (an underscore is not allowed in a host name)" : ""),
            );
        }
        if (label.startsWith("-") || label.endsWith("-")) {
            refuse(`has a label that starts or ends with a hyphen (${JSON.stringify(label)}); hyphens are allowed only inside a label`);
        }
    }
}

/**
 * A domain name as state may hold it, in the one form the package uses: a wildcard written "*.example.com" (by
 * releases before wildcard domains were named as the API names them) becomes ".example.com". No validation: state
 * holds what it holds, and anything else comes back unchanged.
 */
export function canonicalDomainName(name: string): string {
    return name.startsWith(WILDCARD_PREFIX) ? name.slice(WILDCARD_PREFIX.length - API_WILDCARD_PREFIX.length) : name;
}

/**
 * Whether a certificate whose SAN dNSNames are `dnsNames` serves `domain` (already normalized), the way browsers
 * decide (RFC 6125): an exact match, or a wildcard "*.example.com" standing for exactly one label. The subject CN
 * is deliberately not consulted: browsers ignore it. A wildcard domain (".example.com", or "*.example.com") serves
 * every one-label name under it, so only that same wildcard certificate name, "*.example.com", covers it; it does
 * not cover "example.com" itself.
 */
export function coversDomain(dnsNames: readonly string[], domain: string): boolean {
    const canonical = canonicalDomainName(domain.toLowerCase());
    const wanted = canonical.startsWith(API_WILDCARD_PREFIX) ? `${WILDCARD_PREFIX}${canonical.slice(API_WILDCARD_PREFIX.length)}` : canonical;
    const names = dnsNames.map(toComparableName);
    if (names.includes(wanted)) return true;
    if (wanted.startsWith(WILDCARD_PREFIX)) return false;
    const firstDot = wanted.indexOf(".");
    if (firstDot <= 0) return false;
    const parent = wanted.slice(firstDot + 1);
    return names.some((name) => name.startsWith(WILDCARD_PREFIX) && name.slice(WILDCARD_PREFIX.length) === parent);
}

/** SAN names should already be A-labels; a CA that wrote a U-label is compared in punycode all the same. */
function toComparableName(name: string): string {
    const lower = name.trim().toLowerCase();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is "every character is ASCII", control characters included
    if (/^[\x00-\x7f]*$/.test(lower)) return lower;
    const wildcard = lower.startsWith(WILDCARD_PREFIX);
    const written = name.trim();
    const ascii = domainToASCII(wildcard ? written.slice(WILDCARD_PREFIX.length) : written);
    return ascii === "" ? lower : wildcard ? `${WILDCARD_PREFIX}${ascii}` : ascii;
}
