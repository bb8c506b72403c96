// The shapes that cross the engine boundary: what `check` returns as the resource's inputs, and what create, read
// and update return as its outputs. Both products share them; only the ProductSpec differs.
import type { CertType } from "../products";
import type { SslStatus } from "./port";
import type { PendingCleanup, StoredReference } from "./storedCertificates/references";

/** The engine's placeholder for a value not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}

/** Inputs as `check` returns them: validated and normalized (unknown values pass through untouched). */
export interface CertificateInputs {
    domainName: string;
    status: SslStatus;
    certType: CertType;
    /** Normalized PEM chain, leaf first. Kept secret in state so a preview shows fingerprints, not a wall of PEM. */
    certificate?: string;
    /** Normalized PEM key. Always secret. */
    privateKey?: string;
    certName?: string;
    certId?: string;
    certRegion?: string;
    forceSet: boolean;
    /** Keep the certificates a rotation replaces in the certificate service, instead of deleting those it uploaded. */
    keepReplacedCertificates: boolean;
    /**
     * The certificate service's entry the domain is set to by reference (found there or uploaded by the lifecycle,
     * storedCertificates.ts); never from the program. In the outputs: the entry the domain serves.
     */
    storedCertificate?: StoredReference;
    /** How long create/update wait for the cloud to serve the declared certificate before giving up. */
    confirmTimeoutSeconds: number;
    // Derived from the certificate by `check`, so that `pulumi preview --diff` of a rotation shows these few lines
    // instead of PEM text. They describe the declared certificate; the outputs of the same name describe the live one.
    fingerprint?: string;
    notAfter?: string;
    /** The resource's own URN, which the resource class passes: claims, warnings and progress are sent on it. */
    resourceUrn?: string;
}

/**
 * The resource's outputs never hold the private key. The inputs do (create and update send it), and the engine
 * keeps them in state encrypted; nothing after a deploy needs the key again: diff compares fingerprints, a refresh
 * reads what the domain serves, a delete turns HTTPS off. Outputs travel further than inputs: the engine's answer
 * to the program's RegisterResource carries them, and @pulumi/pulumi logs that answer whole at `-v=3`, so a key
 * among the outputs was printed in plaintext at every verbosity from 3 up (measured, issue #13).
 */
export function withoutPrivateKey<T extends { privateKey?: string }>(values: T): Omit<T, "privateKey"> {
    const { privateKey: _key, ...rest } = values;
    return rest;
}

/** Outputs: the inputs (less the private key, see withoutPrivateKey) plus what the cloud serves now. */
export interface CertificateOutputs extends Omit<CertificateInputs, "privateKey"> {
    /** SHA-256 of the deployed leaf certificate (lowercase hex); absent while HTTPS is off. */
    fingerprint?: string;
    /** SHA-256 over the whole deployed chain; changes when only an intermediate changes. */
    chainFingerprint?: string;
    notBefore?: string;
    notAfter?: string;
    subject?: string;
    issuer?: string;
    serialNumber?: string;
    dnsNames?: string[];
    /** Replaced certificates this package uploaded whose delete the service refused: tried again at the next `pulumi up`. */
    pendingCleanup?: PendingCleanup[];
}

/**
 * 30 minutes. A change configures for minutes (Terraform's alicloud provider allows 15 minutes for a CDN domain to
 * come back online); a set may first have to wait out another change already configuring (ServiceBusy), so this
 * allows two such changes back to back. States that waiting cannot fix fail at once, so the timeout only ever
 * bites on a domain that stays `configuring`.
 */
export const DEFAULT_CONFIRM_TIMEOUT_SECONDS = 1800;
export const DEFAULT_CAS_REGION = "cn-hangzhou";
/** Regions Alibaba Cloud's certificate service (CAS) keeps certificates in, per the API docs. */
export const CAS_REGIONS = ["cn-hangzhou", "ap-southeast-1"] as const;
