// Cleanup: who deletes a replaced certificate, and when. Only certificates this package uploaded; the last resource
// of the run to move off one deletes it; a refusal is kept pending in the resource's state.
import type { CertRegion } from "../../products";
import { codeOf } from "../errors";
import type { CertificateStore } from "../port";
import { MAX_CLEANUP_ATTEMPTS, type PendingCleanup, type StoredReference } from "./references";
import { registry } from "./registry";

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
            registry().forgetEntry(`${await regional.owner()}|${candidate.region}|${candidate.fingerprint}`, candidate.certId);
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
