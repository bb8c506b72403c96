// The account's certificate service: what the package uploads, reuses and deletes there. Every certificate uploaded
// to a CDN domain lands in the service, where names are unique per account (the CDN guide; 0xJacky/cdn_cert #1;
// netcccyun/dnsmgr #165), so sending the key with every set call under one name fails at the second call on the real
// cloud, and every rotation would leave another certificate behind. So:
// - a certificate reaches the service once per account and region: found there by its leaf's fingerprint (reused,
//   however it got there), else uploaded, once, whichever resource of the run asks first; every domain is then set
//   by reference, and the key travels in the upload alone;
// - after a rotation, a replacement or a delete, a certificate the package uploaded that no resource of the run
//   still uses is deleted; one still in use elsewhere (the service refuses) is kept, in the resource's state, and
//   tried again at its next `pulumi up`. A certificate the package found there and did not upload is never deleted.
// The decisions are here; the adapter (../alicloud/certificateStore.ts) only carries them.
import { canonicalSerial, defaultCertName, parseCertificateChain, type CertificateInfo } from "../certificate";
import type { CertRegion } from "../alicloud/products";
import { isOutcomeUnknown, isTransient } from "../alicloud/errors";
import { systemClock, type Clock } from "../clock";
import { DEFAULT_CONFIRM_POLICY, readPersistently } from "./confirmation";
import { codeOf } from "./errors";
import { DEFAULT_CAS_REGION, type CertificateInputs } from "./model";
import type { CertificateStore, StoredCertificate } from "./port";

/** A stored certificate as a resource's state records it: which one, and whether this package uploaded it. */
export interface StoredReference {
    readonly certId: string;
    readonly name: string;
    readonly region: CertRegion;
    /** SHA-256 of its leaf, lowercase hex. */
    readonly fingerprint: string;
    /** This package uploaded it (or the set of an earlier release of it did, under the name it derives): it may delete it. */
    readonly uploaded: boolean;
}

/** A replaced certificate whose delete the service refused: kept, and tried again at the resource's next `pulumi up`. */
export interface PendingCleanup extends StoredReference {
    /** Deletes tried so far; after MAX_CLEANUP_ATTEMPTS, a `pulumi up` no longer shows the resource as changing for it. */
    readonly attempts: number;
    /** The last refusal, for the message (code only). */
    readonly lastRefusal?: string;
}

/** Runs of `pulumi up` that try to delete a replaced certificate the service keeps refusing, before they stop asking. */
export const MAX_CLEANUP_ATTEMPTS = 3;

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

/** The registry's key of an account's listing in one region. */
function listingKey(owner: string, region: string): string {
    return `listing|${owner}|${region}`;
}

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
async function findByFingerprint(io: StoreIO, info: CertificateInfo, fresh = false): Promise<StoredCertificate | undefined> {
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

// ---------------------------------------------------------------------------------------------------------------
// Around a resource's change: the stored certificate before it, the cleanup after it.

/** Where a resource's certificate service is (one store per region), and its clock; absent: no certificate service. */
export interface StoreAccess {
    readonly stores?: (region: CertRegion) => CertificateStore;
    readonly clock?: Clock;
}

/**
 * The declaration with the stored certificate it is set to by reference, when it has one: an uploaded certificate
 * (status on; not `forceSet`, which asks for the product's own overwrite of a same-name certificate) is found in the
 * service or uploaded; a user's `cas` certificate is looked up by id (its name and leaf). Without a certificate
 * service (a test's bare port), the declaration as it is.
 */
export async function withStoredCertificate(
    access: StoreAccess,
    desired: CertificateInputs,
    owned: ReadonlySet<string>,
    deadline: number,
    waiting?: (on: string) => void,
): Promise<CertificateInputs> {
    if (!access.stores || desired.status !== "on" || desired.forceSet) return desired;
    const region = (desired.certRegion ?? DEFAULT_CAS_REGION) as CertRegion;
    const io: StoreIO = { store: access.stores(region), clock: access.clock ?? systemClock, deadline, ...(waiting ? { waiting } : {}) };
    if (desired.certType === "upload" && desired.certificate && desired.privateKey) {
        const name = desired.certName ?? defaultCertName(parseCertificateChain(desired.certificate).info);
        const storedCertificate = await ensureStored(io, { certificatePem: desired.certificate, privateKeyPem: desired.privateKey, name }, owned);
        return { ...desired, storedCertificate };
    }
    if (desired.certType === "cas" && desired.certId) {
        const storedCertificate = await describeStored(io, desired.certId);
        return storedCertificate ? { ...desired, storedCertificate } : desired;
    }
    return desired;
}

/**
 * What a preview says the certificate service will see: the certificate uploaded (under which name, in which
 * centre) or found there and deployed by reference, and which replaced certificates go. Looked up once per
 * certificate for the process, one attempt (a preview does not wait out a storm); without an answer it says what
 * happens either way. `previous`: the resource's state, when it has one (an update).
 */
export async function planNote(
    access: StoreAccess,
    desired: CertificateInputs,
    previous?: { storedCertificate?: unknown; pendingCleanup?: unknown; fingerprint?: unknown },
    lookup: "look" | "known only" = "look",
): Promise<string | undefined> {
    if (!access.stores || desired.status !== "on" || desired.forceSet) return undefined;
    const parts: string[] = [];
    const region = (desired.certRegion ?? DEFAULT_CAS_REGION) as CertRegion;
    const changing = previous?.fingerprint !== desired.fingerprint;
    if (desired.certType === "upload" && desired.certificate && changing) {
        const info = parseCertificateChain(desired.certificate).info;
        const name = desired.certName ?? defaultCertName(info);
        let found: StoredCertificate | undefined | "unknown";
        try {
            // What a resource of this run already stored is known. Else one look, unless the caller may make no call
            // (a check: a preview that fails must have called nothing, not even a credential chain's token service).
            // No credentials (a pull request's preview), no answer, a storm: what happens either way is said.
            const known = registry().storedAnywhere(region, info.fingerprint);
            if (known) found = known;
            else if (lookup === "known only") found = "unknown";
            else found = await findByFingerprint({ store: access.stores(region), clock: access.clock ?? systemClock, deadline: 0 }, info);
        } catch {
            found = "unknown";
        }
        if (found === "unknown") parts.push(`uploads the certificate to the certificate service (${region}) as ${name}, unless the service already holds it, and deploys it from there`);
        else if (found) parts.push(`deploys ${describeReference(found)}, which the certificate service already holds: nothing is uploaded`);
        else parts.push(`uploads the certificate to the certificate service (${region}) as ${name}, once, and deploys it from there`);
    }
    const gone = replacedBy(previous, undefined).filter((c) => c.uploaded && (changing || "attempts" in c) && c.fingerprint !== desired.fingerprint);
    if (gone.length > 0) {
        const names = gone.map(describeReference).join(", ");
        parts.push(
            desired.keepReplacedCertificates
                ? `keeps the replaced ${names} in the certificate service (keepReplacedCertificates)`
                : `deletes the replaced ${names} from the certificate service once nothing of this stack uses ${gone.length === 1 ? "it" : "them"}`,
        );
    }
    return parts.length > 0 ? parts.join("; then ") : undefined;
}

/**
 * Runs a change set by reference; if the set answers that the stored certificate is not there (deleted since it was
 * found: in the console, or by another stack's cleanup), the certificate is looked up (or uploaded) again, once, and
 * the change run with that.
 */
export async function withFreshStored<T>(
    access: StoreAccess,
    declared: CertificateInputs,
    owned: ReadonlySet<string>,
    deadline: number,
    run: (declared: CertificateInputs) => Promise<T>,
): Promise<T> {
    try {
        return await run(declared);
    } catch (error) {
        const stale = declared.storedCertificate;
        if (codeOf(error) !== STORED_CERTIFICATE_MISSING || !stale || !access.stores) throw error;
        const store = access.stores(stale.region);
        registry().forget(`${await store.owner()}|${stale.region}|${stale.fingerprint}`);
        const { storedCertificate: _stale, ...rest } = declared;
        return run(await withStoredCertificate(access, rest as CertificateInputs, owned, deadline));
    }
}

/** A set's answer that the certificate service has no certificate with that id or name (the CDN and Live tables). */
const STORED_CERTIFICATE_MISSING = "Certificate.NotFind";

/** A stored certificate as state holds it, or nothing: state edited by hand, or written by an older release. */
export function storedReferenceOf(value: unknown): StoredReference | undefined {
    if (typeof value !== "object" || value === null) return undefined;
    const v = value as Record<string, unknown>;
    const ok = typeof v.certId === "string" && typeof v.name === "string" && (v.region === "cn-hangzhou" || v.region === "ap-southeast-1") && typeof v.fingerprint === "string";
    return ok ? { certId: v.certId as string, name: v.name as string, region: v.region as CertRegion, fingerprint: v.fingerprint as string, uploaded: v.uploaded === true } : undefined;
}

function pendingOf(value: unknown): PendingCleanup[] {
    if (!Array.isArray(value)) return [];
    return value.flatMap((item) => {
        const reference = storedReferenceOf(item);
        if (!reference) return [];
        const attempts = Number((item as { attempts?: unknown }).attempts);
        const lastRefusal = (item as { lastRefusal?: unknown }).lastRefusal;
        return [{ ...reference, attempts: Number.isInteger(attempts) && attempts >= 0 ? attempts : 0, ...(typeof lastRefusal === "string" ? { lastRefusal } : {}) }];
    });
}

/** The ids a resource's state says this package uploaded: found again in the service, they are still its own. */
export function ownedIds(state: { storedCertificate?: unknown; pendingCleanup?: unknown } | undefined): Set<string> {
    const owned = [storedReferenceOf(state?.storedCertificate), ...pendingOf(state?.pendingCleanup)].filter((r) => r?.uploaded);
    return new Set(owned.map((r) => r!.certId));
}

/** What a change replaced: the stored certificate the state recorded, and the state's pending cleanups, less `now`. */
export function replacedBy(previous: { storedCertificate?: unknown; pendingCleanup?: unknown } | undefined, now: StoredReference | undefined): (StoredReference | PendingCleanup)[] {
    const candidates: (StoredReference | PendingCleanup)[] = [];
    const recorded = storedReferenceOf(previous?.storedCertificate);
    if (recorded) candidates.push(recorded);
    candidates.push(...pendingOf(previous?.pendingCleanup));
    return candidates.filter((c) => !(now && c.certId === now.certId && c.region === now.region));
}

/** Outputs with the pending cleanups a change left (none: the key is dropped). */
export function withPending<T extends { pendingCleanup?: PendingCleanup[] }>(outputs: T, pending: PendingCleanup[]): T {
    const { pendingCleanup: _previous, ...rest } = outputs;
    return (pending.length > 0 ? { ...rest, pendingCleanup: pending } : rest) as T;
}

/** A resource whose change failed stops moving away: what was handed to it stays where its domains are. */
export function stopMovingAway(urn: string | undefined): void {
    registry().takeLastLeaving(urn);
}

/** "cert-a (id 123, cn-hangzhou)". */
export function describeReference(reference: { name: string; certId: string; region: string }): string {
    return `${reference.name} (id ${reference.certId}, ${reference.region})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Cleanup: who deletes a replaced certificate, and when.

/**
 * What happens to the certificates a change replaced (`replaced`: the one the resource served before, and what its
 * state still has pending). For each one this package uploaded:
 * - another resource of the run still declares it: handed over (that resource's state records it);
 * - other resources of the run are still moving away from it: handed over to the last of them, which deletes it;
 * - else it is deleted now; a refusal (in use outside this stack, or anything else) keeps it pending in this
 *   resource's state, tried again at its next `pulumi up`.
 * `urn` is the resource's own; `keep` (keepReplacedCertificates) deletes nothing and forgets nothing it must not.
 * Never throws: the domains serve what is declared, and a certificate left in the service is a note, not a failure.
 */
export async function cleanUp(
    store: ((region: CertRegion) => CertificateStore) | undefined,
    urn: string | undefined,
    replaced: readonly (StoredReference | PendingCleanup)[],
    keep: boolean,
): Promise<{ pending: PendingCleanup[]; deleted: StoredReference[] }> {
    const pending: PendingCleanup[] = [];
    const deleted: StoredReference[] = [];
    const seen = new Set<string>();
    // Handed over by resources that moved away before this one: theirs to delete, whatever this one keeps.
    const handed: (StoredReference | PendingCleanup)[] = registry().takeLastLeaving(urn);
    if (!store) return { pending, deleted };
    for (const candidate of [...(keep ? [] : replaced), ...handed]) {
        const id = `${candidate.region}|${candidate.certId}`;
        if (!candidate.uploaded || seen.has(id)) continue;
        seen.add(id);
        if (registry().isDeclared(candidate.fingerprint, urn)) continue;
        if (registry().handOver(candidate, urn)) continue;
        try {
            const regional = store(candidate.region);
            await regional.remove(candidate.certId);
            registry().forget(`${await regional.owner()}|${candidate.region}|${candidate.fingerprint}`);
            deleted.push(candidate);
        } catch (error) {
            const attempts = ((candidate as Partial<PendingCleanup>).attempts ?? 0) + 1;
            pending.push({ ...stripPending(candidate), attempts, ...(codeOf(error) ? { lastRefusal: codeOf(error)! } : {}) });
        }
    }
    return { pending, deleted };
}

function stripPending(reference: StoredReference | PendingCleanup): StoredReference {
    const { certId, name, region, fingerprint, uploaded } = reference;
    return { certId, name, region, fingerprint, uploaded };
}

/** Pending cleanups a `pulumi up` should still try (the diff shows the resource as changing for them). */
export function cleanupsToRetry(pending: readonly PendingCleanup[] | undefined): PendingCleanup[] {
    return Array.isArray(pending) ? pending.filter((p) => typeof p === "object" && p !== null && (p.attempts ?? 0) < MAX_CLEANUP_ATTEMPTS) : [];
}

/** This resource declares `fingerprints` (its check): a certificate a resource of the run declares is not deleted. */
export function declareCertificates(urn: string, fingerprints: readonly string[]): void {
    registry().declare(urn, fingerprints);
}

/** This resource is moving away from `fingerprint` (its diff or its update's start): the last one to finish deletes it. */
export function movingAway(urn: string | undefined, fingerprint: string | undefined): void {
    if (urn !== undefined && fingerprint !== undefined) registry().leave(urn, fingerprint);
}

// ---------------------------------------------------------------------------------------------------------------
// One registry per process: every resource of a run is checked, diffed and applied in the engine's one
// dynamic-provider process (the claims of ./claims.ts rely on the same).

class StoredCertificateRegistry {
    private readonly resolved = new Map<string, Promise<unknown>>();
    private readonly declared = new Map<string, ReadonlySet<string>>();
    /** Per fingerprint: the resources moving away from it, and a replaced certificate handed to the last of them. */
    private readonly leaving = new Map<string, { urns: Set<string>; handed?: StoredReference }>();

    private readonly values = new Map<string, unknown>();

    private readonly madeAt = new Map<string, number>();

    /** `make()` once per key (made at `now`, when its age matters); a failure is forgotten, so that the next resource tries again. */
    once<T>(key: string, make: () => Promise<T>, now?: number): Promise<T> {
        let promise = this.resolved.get(key) as Promise<T> | undefined;
        if (!promise) {
            promise = make();
            this.resolved.set(key, promise);
            if (now !== undefined) this.madeAt.set(key, now);
            promise.then(
                (value) => this.values.set(key, value),
                () => this.resolved.delete(key),
            );
        }
        return promise;
    }

    /**
     * `key` made again at its next `once` (what it made is gone: deleted by the package, or found missing), and with
     * it the account's listing in that region, which may still hold it.
     */
    forget(key: string): void {
        this.resolved.delete(key);
        this.values.delete(key);
        this.madeAt.delete(key);
        // Keys read `<owner>|<region>|<what>`, the owner itself holding "|" (endpoint and access key).
        const parts = key.split("|");
        if (!key.startsWith("listing|") && parts.length >= 3) this.forget(listingKey(parts.slice(0, -2).join("|"), parts[parts.length - 2]!));
    }

    /** A stored certificate with this leaf that a resource of the run found or uploaded, whatever the account. */
    storedAnywhere(region: string, fingerprint: string): StoredReference | undefined {
        for (const [key, value] of this.values) if (key.endsWith(`|${region}|${fingerprint}`)) return value as StoredReference;
        return undefined;
    }

    /** Whether what `once` made for `key` was made before `time`. */
    olderThan(key: string, time: number): boolean {
        const made = this.madeAt.get(key);
        return made !== undefined && made < time;
    }

    /** What `once` made for `key`, if it has finished. */
    settled<T>(key: string): T | undefined {
        return this.values.get(key) as T | undefined;
    }

    declare(urn: string, fingerprints: readonly string[]): void {
        this.declared.set(urn, new Set(fingerprints));
    }

    isDeclared(fingerprint: string, exceptUrn: string | undefined): boolean {
        for (const [urn, fingerprints] of this.declared) if (urn !== exceptUrn && fingerprints.has(fingerprint)) return true;
        return false;
    }

    leave(urn: string, fingerprint: string): void {
        const entry = this.leaving.get(fingerprint) ?? { urns: new Set<string>() };
        entry.urns.add(urn);
        this.leaving.set(fingerprint, entry);
    }

    /** Whether another resource still moving away from it takes `reference` over (it is handed to the last one). */
    handOver(reference: StoredReference, urn: string | undefined): boolean {
        const entry = this.leaving.get(reference.fingerprint);
        if (!entry) return false;
        if (urn !== undefined) entry.urns.delete(urn);
        if (entry.urns.size === 0) return false;
        entry.handed ??= reference;
        return true;
    }

    /** The certificates handed to this resource: those it was the last to move away from. */
    takeLastLeaving(urn: string | undefined): StoredReference[] {
        if (urn === undefined) return [];
        const taken: StoredReference[] = [];
        for (const [fingerprint, entry] of this.leaving) {
            if (!entry.urns.has(urn)) continue;
            entry.urns.delete(urn);
            if (entry.urns.size === 0) {
                if (entry.handed) taken.push(entry.handed);
                this.leaving.delete(fingerprint);
            }
        }
        return taken;
    }
}

const REGISTRY = Symbol.for("pulumi-alicloud-certs/stored-certificates");

function registry(): StoredCertificateRegistry {
    const holder = globalThis as { [REGISTRY]?: StoredCertificateRegistry };
    return (holder[REGISTRY] ??= new StoredCertificateRegistry());
}
