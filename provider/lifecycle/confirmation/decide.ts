// The decision, pure: from the phase of a convergence, what is declared and what one round of reading found, the next
// step. Also what "serves the declaration" means, for a certificate read and for a group's record of one.
import { fingerprintsAsWritten, parseCertificateChain } from "../../certificate";
import { meaningOfCertificateStatus, meaningOfDomainState } from "../stateMeanings";
import type { CertificateInputs } from "../model";
import type { DeployedCertificate, SslStatus } from "../port";

/** `confirm`: our set was accepted, wait for it to show. `await-idle`: our set is still to be sent once the domain takes it. */
export type Phase = "confirm" | "await-idle";

/** What one round of reading found. */
export interface Observation {
    /** The domain's state; `undefined` when the domain no longer exists. */
    readonly domainStatus: string | undefined;
    /** The certificate read, when it was made this round. */
    readonly certificate?: DeployedCertificate;
}

export type Decision =
    | { readonly next: "done" }
    | { readonly next: "gone" }
    | { readonly next: "fail"; readonly cause: "domain" | "certificate" }
    | { readonly next: "read-certificate" }
    | { readonly next: "wait"; readonly phase: Phase }
    | { readonly next: "set" };

/** A decision made knowing the certificate: every one but "read-certificate". */
export type Final = Exclude<Decision, { readonly next: "read-certificate" }>;

/** The next step, given the phase, what is declared and what was read. Pure. With the certificate read, it is Final. */
export function decide(phase: Phase, desired: CertificateInputs, observation: Observation & { readonly certificate: DeployedCertificate }): Final;
export function decide(phase: Phase, desired: CertificateInputs, observation: Observation): Decision;
export function decide(phase: Phase, desired: CertificateInputs, observation: Observation): Decision {
    if (observation.domainStatus === undefined) return { next: "gone" };
    const domain = meaningOfDomainState(observation.domainStatus);
    if (domain.condition === "failed") return { next: "fail", cause: "domain" };
    const certificate = observation.certificate;
    if (certificate && issuanceFailed(certificate, desired)) return { next: "fail", cause: "certificate" };
    if (domain.condition === "busy") {
        // Read while configuring, the certificate may already be the declared one: then the change configuring is
        // ours (a set whose answer was lost, or one from a run that stopped), and it is not sent again.
        return { next: "wait", phase: phase === "await-idle" && certificate && serves(certificate, desired) ? "confirm" : phase };
    }
    if (!certificate) return { next: "read-certificate" };
    if (serves(certificate, desired)) return { next: "done" };
    // Online but not serving it: before our set, send it; after, the change has yet to show (a state that lags).
    return phase === "await-idle" ? { next: "set" } : { next: "wait", phase: "confirm" };
}

/**
 * What "serves the declaration" needs to know of a domain: from a certificate read (serves), or from a group's record
 * of what a domain served at its last read or deploy (group/model.ts servesDeclared). One rule for both, so that a
 * group never calls a domain served that a single resource would not.
 */
export interface ServedView {
    readonly status: SslStatus;
    readonly certType?: string;
    readonly certId?: string;
    /** A free certificate's issuance status; absent counts as issued (what a record written after confirmation holds). */
    readonly certificateStatus?: string;
    /** The served leaf's SHA-256; `expected` lets a read skip the parse when the PEM as written already shows it. */
    leafFingerprint(expected?: string): string | undefined;
}

/** Whether the domain shows the declared state (its own state aside). */
export function servesDeclaration(served: ServedView, desired: Omit<CertificateInputs, "domainName">): boolean {
    if (desired.status === "off") return served.status === "off";
    if (served.status !== "on") return false;
    switch (desired.certType) {
        case "upload":
            return desired.fingerprint !== undefined && served.leafFingerprint(desired.fingerprint) === desired.fingerprint;
        case "cas":
            // Set by reference to a stored certificate whose leaf is known: served when the served leaf is it (Live's
            // reads name no CertId). Without a certificate service to ask, by the id the read reports (CDN).
            if (desired.storedCertificate) return served.leafFingerprint(desired.storedCertificate.fingerprint) === desired.storedCertificate.fingerprint;
            return served.certType === "cas" && served.certId === desired.certId;
        case "free":
            return served.certType === "free" && meaningOfCertificateStatus(served.certificateStatus).condition === "served";
    }
}

/** Whether the certificate read shows the declared state (the domain's own state aside). */
export function serves(live: DeployedCertificate, desired: CertificateInputs): boolean {
    return servesDeclaration({ ...live, leafFingerprint: (expected) => leafFingerprintOf(live, expected) }, desired);
}

/** A declared free certificate whose issuance ended in a failure Status. */
export function issuanceFailed(live: DeployedCertificate, desired: CertificateInputs): boolean {
    return (
        desired.status === "on" &&
        desired.certType === "free" &&
        live.certType === "free" &&
        meaningOfCertificateStatus(live.certificateStatus).condition === "failed"
    );
}

/** The served leaf's fingerprint: as written when that already matches (no parse), else parsed (leaf found first). */
export function leafFingerprintOf(live: DeployedCertificate, expected?: string): string | undefined {
    if (!live.certificatePem) return undefined;
    if (expected !== undefined && fingerprintsAsWritten(live.certificatePem)?.fingerprint === expected) return expected;
    try {
        return parseCertificateChain(live.certificatePem).info.fingerprint;
    } catch {
        return undefined;
    }
}
