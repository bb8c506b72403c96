// The account's certificate service (CAS) as the handlers use it: one store per account, written to by
// UploadUserCertificate, by upload-mode sets (CDN; Live unless liveUploadToCas is off) and by the seed, read by the
// CAS actions and by `cas` sets. The rules every writer shares live here: names are unique within a centre
// (casNameReuse), ForceSet overwrites a name's content, a new entry must fit the quota (casQuota), and an entry a
// domain serves is not deleted (casDeleteInUse).
import { createHash, randomInt } from "node:crypto";
import type { CasRegion } from "../casRegions";
import { settle } from "../domains/lifecycle";
import * as errors from "../errors";
import type { ApiError } from "../errors";
import type { AccountRecord, CasCertificateRecord, CasSource } from "../persistence/model";
import type { Store } from "../persistence/store";
import { factsOf, fingerprintOfLeaf, parseChain } from "../certificates";

/** The certificate service's policies (the options casNameReuse, casDeleteInUse, casQuota, liveUploadToCas). */
export interface CasBehaviour {
    /**
     * `refuse` (default; what the evidence says): a name the centre holds is refused, even for the same content.
     * `same-content`: a held name with the identical leaf is the existing entry; another leaf is still refused.
     */
    readonly nameReuse: "refuse" | "same-content";
    /** `refuse` (default): an entry a domain serves (or is configuring to serve) is not deleted. `allow`: it is. */
    readonly deleteInUse: "refuse" | "allow";
    /** Entries per account and centre (GetCertWarehouseQuota's TotalQuota). */
    readonly quota: number;
    /** Whether Live's upload-mode sets put their certificate in the store, as CDN's do (default true). */
    readonly liveUploadToCas: boolean;
}

export const CAS_DEFAULTS: CasBehaviour = { nameReuse: "refuse", deleteInUse: "refuse", quota: 5000, liveUploadToCas: true };

/** The entries of one centre, by id (the order the list actions answer in). */
export function entriesIn(account: AccountRecord, region: CasRegion): CasCertificateRecord[] {
    return account.casCertificates.filter((c) => c.region === region).sort((a, b) => compareIds(a.certId, b.certId));
}

export function compareIds(a: string, b: string): number {
    return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

export function findByName(account: AccountRecord, region: CasRegion, name: string): CasCertificateRecord | undefined {
    return account.casCertificates.find((c) => c.region === region && c.certName === name);
}

export function findById(account: AccountRecord, region: CasRegion, certId: string): CasCertificateRecord | undefined {
    return account.casCertificates.find((c) => c.region === region && c.certId === certId);
}

/**
 * A CertId parameter: a whole number (a Long on the wire), in its canonical form (no leading zeros). Anything else
 * is the gateway's InvalidParameter.
 */
export function certIdParameter(raw: string | undefined, name = "CertId"): string {
    const value = raw?.trim() ?? "";
    if (value === "") throw errors.missingParameter(name);
    if (!/^\d+$/.test(value)) throw errors.malformedNumber(name);
    return BigInt(value).toString();
}

/**
 * A new certificate id: eight digits, unique within the account (both centres; the real centres have separate id
 * spaces, which an account here never needs). Drawn from node:crypto, not the emulator's seeded generator, so that
 * uploading does not shift the draws `--random-seed` makes reproducible.
 */
export function newCertId(account: AccountRecord): string {
    for (;;) {
        const id = String(randomInt(10_000_000, 100_000_000));
        if (!account.casCertificates.some((c) => c.certId === id)) return id;
    }
}

/** SHA-256 of the leaf's DER, lowercase hex; undefined when the PEM does not parse. */
export function leafFingerprintOf(pem: string): string | undefined {
    const leaf = parseChain(pem)?.certificates[0];
    return leaf ? fingerprintOfLeaf(leaf) : undefined;
}

/** `cas-upload-xxxxxx`: the ResourceId an upload answers and the InstanceId the reads report, stable per entry. */
export function instanceIdOf(account: AccountRecord, entry: CasCertificateRecord): string {
    const digest = createHash("sha256").update(`${account.accessKeyId}\n${entry.region}\n${entry.certId}`).digest();
    return `cas-upload-${(digest.readUInt32BE(0) % 36 ** 6).toString(36).padStart(6, "0")}`;
}

/** What a certificate arriving under a name comes to. */
export type Placement =
    | { readonly kind: "add"; readonly entry: CasCertificateRecord }
    | { readonly kind: "reuse"; readonly entry: CasCertificateRecord }
    | { readonly kind: "overwrite"; readonly entry: CasCertificateRecord };

export interface Arrival {
    readonly name: string;
    /** The chain, leaf first, as it will be stored. */
    readonly pem: string;
    /** SHA-256 of its leaf, lowercase hex. */
    readonly fingerprint: string;
    readonly source: CasSource;
    /** ForceSet=1 on an action that documents it: a held name's content is replaced (in both name modes). */
    readonly forceSet: boolean;
    /** What a held name answers: NameRepeat for an upload, Certificate.Duplicated for a set. */
    readonly nameTaken: () => ApiError;
    readonly now: number;
}

/**
 * Decides, without changing anything, where a certificate arriving under a name goes in the account's centre;
 * throws the refusal (a held name, the quota). `commitPlacement` then makes it so.
 */
export function place(account: AccountRecord, cas: CasBehaviour, arrival: Arrival): Placement {
    const region = account.casRegion;
    const held = findByName(account, region, arrival.name);
    if (held) {
        if (arrival.forceSet) return { kind: "overwrite", entry: { ...held, pem: arrival.pem } };
        if (cas.nameReuse === "same-content" && leafFingerprintOf(held.pem) === arrival.fingerprint) return { kind: "reuse", entry: held };
        throw arrival.nameTaken();
    }
    if (entriesIn(account, region).length >= cas.quota) throw errors.casQuotaExceeded(cas.quota);
    return {
        kind: "add",
        entry: {
            certId: newCertId(account),
            certName: arrival.name,
            pem: arrival.pem,
            region,
            source: arrival.source,
            createdAt: new Date(arrival.now).toISOString(),
        },
    };
}

export function commitPlacement(store: Store, account: AccountRecord, placement: Placement): void {
    if (placement.kind === "add") store.addCasCertificate(account, placement.entry);
    else if (placement.kind === "overwrite") store.replaceCasCertificate(account, placement.entry);
}

/** Whether a domain of the account serves the entry, or has a change configuring that will. */
export function isInUse(account: AccountRecord, certId: string, now: number): boolean {
    return Object.values(account.domains).some((domain) => {
        const settled = settle(domain, now);
        return settled.current.casCertId === certId || settled.pending?.config.casCertId === certId;
    });
}

/** An entry as the hooks report it (GET /__emulator/cas-certificates, RunningEmulator.casCertificates): no PEM. */
export interface CasSummary {
    readonly accessKeyId: string;
    readonly certId: string;
    readonly certName: string;
    readonly region: string;
    readonly source: CasSource;
    /** ISO time the entry was added. */
    readonly createdAt: string;
    /** SHA-256 of the leaf's DER, lowercase hex. */
    readonly fingerprint: string;
    /** The leaf's NotAfter, ISO time. */
    readonly notAfter: string;
}

/** The entries of an account, both centres, by region then id. */
export function casSummary(account: AccountRecord): CasSummary[] {
    return [...account.casCertificates]
        .sort((a, b) => a.region.localeCompare(b.region) || compareIds(a.certId, b.certId))
        .map((entry) => {
            const facts = factsOf(entry.pem);
            return {
                accessKeyId: account.accessKeyId,
                certId: entry.certId,
                certName: entry.certName,
                region: entry.region,
                source: entry.source,
                createdAt: entry.createdAt,
                fingerprint: facts?.fingerprint ?? "",
                notAfter: facts ? facts.notAfter.toISOString() : "",
            };
        });
}
