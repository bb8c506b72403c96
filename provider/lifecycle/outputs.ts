// The resource's outputs: what was declared, and what the cloud serves (status and the served leaf's details).
import { fingerprintsAsWritten, parseCertificateChain } from "../certificate";
import { withoutPrivateKey, type CertificateInputs, type CertificateOutputs } from "./model";
import type { DeployedCertificate } from "./port";

/**
 * Outputs: the declared settings, and what the cloud serves (status, leaf details) from `live`. `recorded` is the
 * state a read starts from: when the domain still serves the certificate recorded there, its details are taken
 * from it instead of parsing the certificate again, so that a refresh without drift parses nothing.
 */
export function outputsFrom(declared: CertificateInputs, live: DeployedCertificate, recorded?: Partial<CertificateOutputs>): CertificateOutputs {
    const outputs: CertificateOutputs = {
        ...withoutPrivateKey(declared),
        status: live.status,
        fingerprint: undefined,
        notAfter: undefined,
    };
    if (declared.certificate !== undefined) {
        const chainFingerprint =
            recorded?.certificate === declared.certificate && recorded.chainFingerprint !== undefined
                ? recorded.chainFingerprint
                : tryParse(declared.certificate)?.info.chainFingerprint;
        if (chainFingerprint !== undefined) outputs.chainFingerprint = chainFingerprint;
    }
    if (live.certType === "cas" && live.certId !== undefined) outputs.certId = live.certId;
    const leaf = live.status === "on" && live.certificatePem ? leafDetails(live.certificatePem, recorded) : undefined;
    if (leaf) {
        Object.assign(outputs, leaf);
    } else {
        for (const key of LEAF_DETAILS) delete outputs[key];
    }
    // The stored certificate the domain serves: the one declared once it serves it, else the one recorded while it
    // still serves that (a change that failed), else none.
    const served = [declared.storedCertificate, recorded?.storedCertificate].find((s) => s !== undefined && leaf?.fingerprint === s.fingerprint);
    if (served) outputs.storedCertificate = served;
    else delete outputs.storedCertificate;
    // A cas certificate set by reference, on a product whose reads name no CertId (Live): the id is the declared one
    // only while the domain serves that certificate, so that a refresh shows a domain serving another as drift.
    if (declared.certType === "cas" && live.certId === undefined && declared.storedCertificate && !served) delete outputs.certId;
    // Replaced certificates still to delete are carried until the lifecycle says otherwise (storedCertificates.ts).
    const pending = (declared as Partial<CertificateOutputs>).pendingCleanup ?? recorded?.pendingCleanup;
    if (pending !== undefined && pending.length > 0) outputs.pendingCleanup = pending;
    else delete outputs.pendingCleanup;
    // Engine-facing objects must not carry `undefined` values.
    for (const [key, value] of Object.entries(outputs)) if (value === undefined) delete (outputs as unknown as Record<string, unknown>)[key];
    return outputs;
}

/** What the outputs say of the served leaf certificate: the same in state as in a fresh parse of it. */
const LEAF_DETAILS = ["fingerprint", "notBefore", "notAfter", "subject", "issuer", "serialNumber", "dnsNames"] as const;
type LeafDetails = Pick<CertificateOutputs, (typeof LEAF_DETAILS)[number]>;

/** The served leaf's details: the recorded ones when the served chain starts with the recorded leaf, else parsed. */
function leafDetails(pem: string, recorded: Partial<CertificateOutputs> | undefined): LeafDetails | undefined {
    if (recorded?.fingerprint !== undefined && fingerprintsAsWritten(pem)?.fingerprint === recorded.fingerprint) {
        const details = pickLeafDetails(recorded);
        // State written before a field existed lacks it: parse rather than drop it.
        if (LEAF_DETAILS.every((key) => details[key] !== undefined)) return details;
    }
    const info = tryParse(pem)?.info;
    return info ? pickLeafDetails(info) : undefined;
}

export function pickLeafDetails(from: LeafDetails): LeafDetails {
    const { fingerprint, notBefore, notAfter, subject, issuer, serialNumber, dnsNames } = from;
    return { fingerprint, notBefore, notAfter, subject, issuer, serialNumber, dnsNames };
}

export function tryParse(pem: string) {
    try {
        return parseCertificateChain(pem);
    } catch {
        return undefined;
    }
}
