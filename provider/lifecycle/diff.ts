// `diff`: a pure decision over fingerprints and status, never over PEM text, so that re-encoding a certificate or
// a key (CRLF, PKCS#1 vs PKCS#8, re-wrapped lines) changes nothing and a drifted domain is seen for what it is.
import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { canonicalDomainName, fingerprintsAsWritten, parseCertificateChain } from "../certificate";
import { isUnknown, type CertificateInputs, type CertificateOutputs } from "./model";

/**
 * `olds` are the resource's outputs (what the cloud served at the last read or deploy, plus the declared settings);
 * `news` are the checked inputs. On refresh the engine passes the refreshed outputs as `olds` and the old inputs as
 * `news`, so the same function reports drift.
 */
export function diffCertificate(olds: Partial<CertificateOutputs>, news: Partial<CertificateInputs>): DiffResult {
    const changed = changedProperties(olds, news);
    const replaces = changed.filter((p) => p === "domainName");
    return {
        changes: changed.length > 0,
        replaces,
        // A domain change is a different domain: the new one is set up before the old one is turned off.
        deleteBeforeReplace: false,
    };
}

/** The properties whose difference requires a call, in a stable order. Exported for tests and messages. */
export function changedProperties(olds: Partial<CertificateOutputs>, news: Partial<CertificateInputs>): string[] {
    const changed: string[] = [];
    const differs = (a: unknown, b: unknown) => isUnknown(b) || a !== b;

    // A wildcard domain in state from before it was named as the API names it ("*.example.com") is the same domain.
    const oldDomain = typeof olds.domainName === "string" ? canonicalDomainName(olds.domainName) : olds.domainName;
    if (differs(oldDomain, news.domainName)) changed.push("domainName");
    if (differs(olds.status, news.status)) changed.push("status");
    if (news.status !== "on") return changed; // turned (or staying) off: nothing else is served

    if (differs(olds.certType, news.certType)) changed.push("certType");
    switch (news.certType) {
        case "upload":
            if (isUnknown(news.certificate)) changed.push("certificate");
            else {
                if (differs(olds.fingerprint, news.fingerprint)) changed.push("fingerprint");
                // Same leaf, new intermediate: the served chain must still change.
                else if (olds.chainFingerprint !== undefined && !chainIs(news.certificate, olds.chainFingerprint)) changed.push("certificate");
            }
            break;
        case "cas":
            if (differs(olds.certId, news.certId)) changed.push("certId");
            if (differs(olds.certRegion, news.certRegion)) changed.push("certRegion");
            break;
        default:
            break;
    }
    if (news.certName !== undefined && differs(olds.certName, news.certName)) changed.push("certName");
    return changed;
}

/**
 * Whether `pem` is the chain of that fingerprint. Checked inputs are already leaf first, so hashing the blocks as
 * written answers "yes" without parsing a certificate (a refresh without drift then parses nothing); only a
 * "no" is confirmed by parsing, which puts the chain in order first.
 */
function chainIs(pem: string | undefined, chainFingerprint: string): boolean {
    if (pem === undefined) return false;
    if (fingerprintsAsWritten(pem)?.chainFingerprint === chainFingerprint) return true;
    try {
        return parseCertificateChain(pem).info.chainFingerprint === chainFingerprint;
    } catch {
        // check() already refused an unparsable certificate; a state written by an older version may hold one.
        return false;
    }
}
