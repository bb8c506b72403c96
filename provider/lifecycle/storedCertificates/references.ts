// A stored certificate as a resource's state records it (storedCertificate, pendingCleanup), read back from state
// that may be hand-edited or written by an older release, and what a change replaced.
import type { CertRegion } from "../../products";

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

/** A stored certificate as state holds it, or nothing: state edited by hand, or written by an older release. */
export function storedReferenceOf(value: unknown): StoredReference | undefined {
    if (typeof value !== "object" || value === null) return undefined;
    const v = value as Record<string, unknown>;
    const ok =
        typeof v.certId === "string" &&
        typeof v.name === "string" &&
        (v.region === "cn-hangzhou" || v.region === "ap-southeast-1") &&
        typeof v.fingerprint === "string";
    return ok
        ? {
              certId: v.certId as string,
              name: v.name as string,
              region: v.region as CertRegion,
              fingerprint: v.fingerprint as string,
              uploaded: v.uploaded === true,
          }
        : undefined;
}

function pendingOf(value: unknown): PendingCleanup[] {
    if (!Array.isArray(value)) return [];
    return value.flatMap((item) => {
        const reference = storedReferenceOf(item);
        if (!reference) return [];
        const attempts = Number((item as { attempts?: unknown }).attempts);
        const lastRefusal = (item as { lastRefusal?: unknown }).lastRefusal;
        return [
            { ...reference, attempts: Number.isInteger(attempts) && attempts >= 0 ? attempts : 0, ...(typeof lastRefusal === "string" ? { lastRefusal } : {}) },
        ];
    });
}

/** The ids a resource's state says this package uploaded: found again in the service, they are still its own. */
export function ownedIds(state: { storedCertificate?: unknown; pendingCleanup?: unknown } | undefined): Set<string> {
    const owned = [storedReferenceOf(state?.storedCertificate), ...pendingOf(state?.pendingCleanup)].filter((r) => r?.uploaded);
    return new Set(owned.map((r) => r!.certId));
}

/** What a change replaced: the stored certificate the state recorded, and the state's pending cleanups, less `now`. */
export function replacedBy(
    previous: { storedCertificate?: unknown; pendingCleanup?: unknown } | undefined,
    now: StoredReference | undefined,
): (StoredReference | PendingCleanup)[] {
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

/** "cert-a (id 123, cn-hangzhou)". */
export function describeReference(reference: { name: string; certId: string; region: string }): string {
    return `${reference.name} (id ${reference.certId}, ${reference.region})`;
}
