// Finding a certificate in the account's certificate service, or uploading it: once per account, region and
// certificate for the whole process, so that the key travels in one upload whichever resource of the run asks first.
import { canonicalSerial, defaultCertName, parseCertificateChain, type CertificateInfo } from "../../certificate";
import { isOutcomeUnknown, isTransient } from "../../apiErrors";
import type { Clock } from "../../clock";
import { DEFAULT_CONFIRM_POLICY, readPersistently } from "../confirmation";
import { codeOf } from "../errors";
import type { CertificateStore, StoredCertificate } from "../port";
import type { StoredReference } from "./references";
import { listingKey, registry } from "./registry";

/** What a certificate to store is: its chain, key and the facts the lookup needs. */
export interface CertificateToStore {
    readonly certificatePem: string;
    readonly privateKeyPem: string;
    /** The name to upload it under: the resource's certName (given or derived). */
    readonly name: string;
}

export interface StoreIO {
    readonly store: CertificateStore;
    readonly clock: Clock;
    /** When to stop reading through transient answers. */
    readonly deadline: number;
    /** Told what it waits on (a resource's progress). */
    readonly waiting?: (on: string) => void;
}

/**
 * The certificate in the service, found or uploaded: once per account, region and certificate for the whole
 * process (every resource of the run), so two resources declaring one certificate upload it once between them.
 * `owned`: ids the resource's state says this package uploaded (a certificate found under a name the user chose is
 * theirs unless the state says otherwise).
 */
export async function ensureStored(io: StoreIO, certificate: CertificateToStore, owned: ReadonlySet<string> = new Set()): Promise<StoredReference> {
    const info = parseCertificateChain(certificate.certificatePem).info;
    const key = `${await io.store.owner()}|${io.store.region}|${info.fingerprint}`;
    const reference = await registry().once(key, () => findOrUpload(io, certificate, info));
    return owned.has(reference.certId) && !reference.uploaded ? { ...reference, uploaded: true } : reference;
}

/**
 * The stored certificate a user's `certType: "cas"` names by id, with its name and fingerprint (Live names it by
 * CertName, and a served certificate is recognized by its fingerprint). Once per id for the process.
 */
export async function describeStored(io: StoreIO, certId: string): Promise<StoredReference | undefined> {
    const key = `${await io.store.owner()}|${io.store.region}|id:${certId}`;
    return registry().once(key, async () => {
        const found = await persistently(io, () => io.store.get(certId));
        if (!found?.fingerprint) return undefined;
        return { certId: found.certId, name: found.name, region: found.region, fingerprint: found.fingerprint, uploaded: false };
    });
}

async function findOrUpload(io: StoreIO, certificate: CertificateToStore, info: CertificateInfo): Promise<StoredReference> {
    const derived = defaultCertName(info);
    const reference = (stored: StoredCertificate, uploaded: boolean): StoredReference => ({
        certId: stored.certId,
        name: stored.name,
        region: stored.region,
        fingerprint: info.fingerprint,
        // The name this package derives for the certificate: uploaded by it (or by an earlier release's set).
        uploaded: uploaded || stored.name === derived,
    });
    for (let fresh = false; ; ) {
        const existing = await findByFingerprint(io, info, fresh);
        if (existing) return reference(existing, false);
        try {
            return reference(await io.store.upload(certificate.name, certificate.certificatePem, certificate.privateKeyPem), true);
        } catch (error) {
            // The upload may have landed with its answer lost: look again (afresh) before the key travels a second time.
            if (isOutcomeUnknown(error) && io.clock.now() < io.deadline) {
                fresh = true;
                continue;
            }
            if (codeOf(error) === NAME_HELD) {
                // Another run (or resource) uploaded it meanwhile, or a different certificate holds the name.
                const again = await findByFingerprint(io, info, true);
                if (again) return reference(again, again.name === certificate.name);
                throw new NameTakenError(certificate.name, io.store.region, error as Error);
            }
            if (!isTransient(error) || io.clock.now() >= io.deadline) throw error;
            io.waiting?.(codeOf(error) ?? "the certificate service");
            await io.clock.sleep(1000);
        }
    }
}

/** How long one listing of the account's certificates serves the run's lookups. */
export const LISTING_LIFETIME_MS = 60_000;

/** UploadUserCertificate's answer to a name the account already holds (le-to-alicloud's live tests, 2026). */
const NAME_HELD = "NameRepeat";

export class NameTakenError extends Error {
    constructor(name: string, region: string, cause: Error) {
        super(
            `The certificate service (${region}) already holds a different certificate named "${name}". Names there are ` +
                `unique per account: set certName to a name of your own, or leave it unset to use the one derived from ` +
                `the certificate. (${cause.message})`,
        );
        this.name = "NameTakenError";
    }
}

/**
 * The certificate the service holds with this leaf: by the listing's Sha2 (the leaf's SHA-256, as every sample of
 * it reads); where the listing reports none or another hash, by serial number, confirmed by the certificate the
 * detail returns. The listing is searched by the leaf's first name (its Keyword matches a substring of the domains).
 */
export async function findByFingerprint(io: StoreIO, info: CertificateInfo, fresh = false): Promise<StoredCertificate | undefined> {
    // One listing of the account's certificates serves every resource of the run: a fleet of 500 certificates would
    // otherwise spend 50 s on the listing's 10 calls/s. What the run uploads is known without it; a listing made
    // before another process uploaded is caught by the name that upload then holds (NameRepeat: a fresh look).
    const owner = await io.store.owner();
    const list = () => persistently(io, () => io.store.find(""));
    const key = listingKey(owner, io.store.region);
    // A run's resources look within seconds of each other; a listing older than a minute is made again.
    if (fresh || registry().olderThan(key, io.clock.now() - LISTING_LIFETIME_MS)) registry().forget(key);
    const candidates = await registry().once(key, list, io.clock.now());
    const exact = candidates.find((c) => c.fingerprint === info.fingerprint);
    if (exact) return exact;
    const serial = canonicalSerial(info.serialNumber);
    for (const candidate of candidates.filter((c) => c.fingerprint === undefined && c.serialNumber === serial)) {
        const detail = await persistently(io, () => io.store.get(candidate.certId));
        if (detail?.fingerprint === info.fingerprint) return detail;
    }
    // A Sha2 that is not the leaf's SHA-256 (no source says what it hashes) would miss above: the serial decides.
    for (const candidate of candidates.filter((c) => c.fingerprint !== undefined && c.serialNumber === serial)) {
        const detail = await persistently(io, () => io.store.get(candidate.certId));
        if (detail?.fingerprint === info.fingerprint) return detail;
    }
    return undefined;
}

/** A read of the service, through transient answers until the deadline, at the pace of every read of the lifecycle. */
function persistently<T>(io: StoreIO, read: () => Promise<T>): Promise<T> {
    const events = (_subject: string, event: { kind: string; on?: string }) => event.kind === "waiting" && io.waiting?.(event.on ?? "");
    return readPersistently({ clock: io.clock, policy: DEFAULT_CONFIRM_POLICY, events }, "the certificate service", io.deadline, read);
}
