// One registry per process: every resource of a run is checked, diffed and applied in the engine's one
// dynamic-provider process (the claims of ../claims.ts rely on the same). It holds the run's lookups and uploads,
// which resource declares which certificate, and which resources are moving away from one.
import type { StoredReference } from "./references";

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

    /**
     * The entry `certId` is gone (deleted by the package, or found missing by a set): `key` forgotten (as `forget`)
     * only while what it holds is still that entry, the account's listing, which may still name it, always. The
     * domains of a group all meet a missing entry, one after another: the first forgets it and looks it up (or
     * uploads it) again; the others, whose refusal comes while that is under way or after, take what it found, so
     * the whole group stores the certificate once more, not once per domain. Likewise a cleanup of the missing
     * entry leaves the one stored again in its place.
     */
    forgetEntry(key: string, certId: string): void {
        const held = this.values.get(key) as StoredReference | undefined;
        const madeAgain = this.resolved.has(key) && (held === undefined || held.certId !== certId);
        if (!madeAgain) {
            this.forget(key);
            return;
        }
        const parts = key.split("|");
        if (parts.length >= 3) this.forget(listingKey(parts.slice(0, -2).join("|"), parts[parts.length - 2]!));
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

/** The registry's key of an account's listing in one region. */
export function listingKey(owner: string, region: string): string {
    return `listing|${owner}|${region}`;
}

const REGISTRY = Symbol.for("pulumi-alicloud-certs/stored-certificates");

export function registry(): StoredCertificateRegistry {
    const holder = globalThis as { [REGISTRY]?: StoredCertificateRegistry };
    holder[REGISTRY] ??= new StoredCertificateRegistry();
    return holder[REGISTRY];
}
