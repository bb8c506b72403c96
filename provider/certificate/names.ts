// Certificate names as Alibaba stores them: a default derived from the certificate, and the rule a given name
// must follow.
//
// The accepted character set is deliberately conservative: letters, digits, ".", "_" and "-", starting with a
// letter or digit. Alibaba's consoles accept more (e.g. Chinese characters), but the exact server-side rule is
// not documented consistently between CDN and Live; a name inside this set is accepted by both.
import { quoteGiven } from "./quote";
import type { CertificateInfo } from "./chain";

/**
 * The longest certificate name: 64 characters. Every uploaded certificate is stored in the account's certificate
 * service under it, and the service's UploadUserCertificate takes names of up to 64 (@alicloud/cas20200407 3.0.0,
 * and its page of November 2025; a 2024 copy said 128, as CDN's CertName does).
 */
export const MAX_CERT_NAME_LENGTH = 64;

const CERT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * "<first SAN, or CN>-<notAfter as YYYYMMDD>-<first 8 hex of the fingerprint>", e.g.
 * "wildcard.example.com-20250131-1a2b3c4d". The fingerprint suffix makes every certificate's name different, so a
 * renewal (even two on the same day) never collides with the name of the certificate it replaces; only the
 * readable part is ever shortened to fit.
 */
export function defaultCertName(info: CertificateInfo): string {
    const suffix = `-${info.notAfter.slice(0, 10).replace(/-/g, "")}-${info.fingerprint.slice(0, 8)}`;
    const source = info.dnsNames[0] ?? commonNameOf(info.subject) ?? "certificate";
    const readable =
        source
            .replace(/\*/g, "wildcard")
            .replace(/[^A-Za-z0-9._-]+/g, "-")
            // The name must start with a letter or a digit (see certNameProblem).
            .replace(/^[^A-Za-z0-9]+/, "")
            .slice(0, MAX_CERT_NAME_LENGTH - suffix.length)
            // No "--" or ".-" before the suffix when the readable part ended (or was cut) on a separator.
            .replace(/[^A-Za-z0-9]+$/, "") || "certificate";
    return `${readable}${suffix}`;
}

function commonNameOf(subject: string): string | undefined {
    return /(?:^|,\s*)CN=((?:\\.|[^,\\])+)/.exec(subject)?.[1]?.replace(/\\(.)/g, "$1").trim() || undefined;
}

export function certNameProblem(name: string): string | undefined {
    if (typeof name !== "string" || name === "") {
        return "the certificate name is empty; give a name, or leave certName unset to use one derived from the certificate";
    }
    if (name.length > MAX_CERT_NAME_LENGTH) {
        return (
            `the certificate name is ${name.length} characters long; the certificate service takes at most ${MAX_CERT_NAME_LENGTH}: ` +
            "shorten it, or leave certName unset to use one derived from the certificate"
        );
    }
    if (!CERT_NAME_PATTERN.test(name)) {
        const bad = /[^A-Za-z0-9._-]/.exec(name)?.[0];
        const what = bad === undefined ? `starts with ${JSON.stringify(name[0])}` : `contains ${JSON.stringify(bad)}`;
        return (
            `the certificate name ${quoteGiven(name)} ${what}; use only letters, digits, ".", "_" and "-", starting with a letter or digit ` +
            '(e.g. "www.example.com-2025"), or leave certName unset to use one derived from the certificate'
        );
    }
    return undefined;
}
