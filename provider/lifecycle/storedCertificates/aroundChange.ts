// Around a resource's change: the stored certificate a declaration is set to before it (found, uploaded or looked
// up by id), what a preview says it will do there, and a set that meets a stored certificate deleted behind the run.
import type { CertRegion } from "../../products";
import { defaultCertName, parseCertificateChain } from "../../certificate";
import { systemClock, type Clock } from "../../clock";
import { codeOf } from "../errors";
import { DEFAULT_CAS_REGION, type CertificateInputs } from "../model";
import type { CertificateStore, StoredCertificate } from "../port";
import { describeReference, replacedBy } from "./references";
import { describeStored, ensureStored, findByFingerprint, type StoreIO } from "./lookup";
import { registry } from "./registry";

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
        if (found === "unknown")
            parts.push(
                `uploads the certificate to the certificate service (${region}) as ${name}, unless the service already holds it, and deploys it from there`,
            );
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
 * the change run with that. Every domain's change goes through here, a single resource's and each of a group's
 * (../operations.ts); the registry has the certificate stored again once for all the domains that met the missing
 * entry (registry.ts forgetEntry).
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
        registry().forgetEntry(`${await store.owner()}|${stale.region}|${stale.fingerprint}`, stale.certId);
        const { storedCertificate: _stale, ...rest } = declared;
        return run(await withStoredCertificate(access, rest as CertificateInputs, owned, deadline));
    }
}

/** A set's answer that the certificate service has no certificate with that id or name (the CDN and Live tables). */
export const STORED_CERTIFICATE_MISSING = "Certificate.NotFind";

/** A resource whose change failed stops moving away: what was handed to it stays where its domains are. */
export function stopMovingAway(urn: string | undefined): void {
    registry().takeLastLeaving(urn);
}
