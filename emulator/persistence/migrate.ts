// State files of an older format, brought to the current one as they are read (stateFile.ts). Store.open writes a
// migrated file back at once, so every emulator on the file serves the same migrated cloud; the migration is also
// deterministic (no random ids, no clock), so two readers of one old file agree even before that.
//
// Format 1 → 2. Format 1 kept two things apart: `certificateNames` (every name an upload-mode set registered, on
// CDN or Live, mapped to the SHA-256 of its leaf; no certificate) and `casCertificates` (the seed's certificates of
// the certificate service). Format 2 has one certificate service per account (`casCertificates`, entries with a
// source), the account's `casRegion`, and `liveCertificateNames` for Live kept apart from the service.
// - A seeded certificate becomes an entry with source "seed".
// - A registered name becomes an entry when a domain of the account still has (in effect or configuring) an
//   upload of that name with that leaf: the entry holds that domain's chain, its source is "cdn-set" or "live-set"
//   by the domain's product, and the domains serving it point at it. A name registered from a Live domain is also
//   kept among Live's own names.
// - LOST: a registered name no domain serves any more (its certificate was replaced or switched off everywhere):
//   format 1 kept only the name and a hash, not the certificate, so there is nothing to put in the store, and the
//   name is free again.
// - The account's casRegion is cn-hangzhou (format 1 had none); a seeded certificate keeps its own region.
import { createHash } from "node:crypto";
import { CAS_REGIONS, DEFAULT_CAS_REGION, type CasRegion } from "../casRegions";
import type { CertificateConfig, DomainRecord } from "../domains/record";
import { fingerprintOfLeaf, parseChain } from "../certificates";
import { STATE_FORMAT_VERSION, type AccountRecord, type CasCertificateRecord, type CloudState } from "./model";

/** Format 1's account, as far as it differs. */
interface AccountV1 extends Omit<AccountRecord, "casRegion" | "casCertificates" | "liveCertificateNames"> {
    readonly casCertificates?: ReadonlyArray<{ certId: string; certName: string; pem: string; region?: string }>;
    readonly certificateNames?: Readonly<Record<string, string>>;
}

export interface Migrated {
    readonly state: CloudState;
    /** The format the file had, when it was not the current one. */
    readonly migratedFrom?: number;
}

/** Brings a parsed state file to the current format; throws when it is not a state file at all. */
export function migrateState(parsed: unknown, path: string): Migrated {
    const candidate = parsed as { formatVersion?: unknown; accounts?: unknown } | null;
    if (typeof candidate !== "object" || candidate === null || !Array.isArray(candidate.accounts)) {
        throw new Error(`${path} is not an emulator state file`);
    }
    if (candidate.formatVersion === STATE_FORMAT_VERSION) return { state: withDefaults(candidate as CloudState) };
    if (candidate.formatVersion === 1) {
        return { state: { formatVersion: STATE_FORMAT_VERSION, accounts: (candidate.accounts as AccountV1[]).map(accountFromV1) }, migratedFrom: 1 };
    }
    throw new Error(
        `${path} is an emulator state file of format ${JSON.stringify(candidate.formatVersion)}; this emulator reads 1 and ${STATE_FORMAT_VERSION}`,
    );
}

/** A current file edited by hand may lack the newer fields; they get their defaults. */
function withDefaults(state: CloudState): CloudState {
    for (const account of state.accounts as Array<Partial<AccountRecord> & { casRegion?: CasRegion }>) {
        account.casRegion ??= DEFAULT_CAS_REGION;
        (account as { casCertificates?: CasCertificateRecord[] }).casCertificates ??= [];
        (account as { liveCertificateNames?: Record<string, string> }).liveCertificateNames ??= {};
    }
    return state;
}

function leafFingerprint(pem: string | undefined): string | undefined {
    const leaf = pem === undefined ? undefined : parseChain(pem)?.certificates[0];
    return leaf ? fingerprintOfLeaf(leaf) : undefined;
}

/** A certificate id drawn from the name, so that every reader of one old file makes the same one. */
function idFor(accessKeyId: string, name: string, taken: Set<string>): string {
    let n = 10_000_000 + (parseInt(createHash("sha256").update(`${accessKeyId}\n${name}`).digest("hex").slice(0, 8), 16) % 90_000_000);
    while (taken.has(String(n))) n = n === 99_999_999 ? 10_000_000 : n + 1;
    taken.add(String(n));
    return String(n);
}

function accountFromV1(old: AccountV1): AccountRecord {
    const { certificateNames = {}, casCertificates: seeded = [], ...rest } = old;
    const domains = Object.values(old.domains).sort((a, b) => a.domainName.localeCompare(b.domainName));
    const seedTime = domains.map((d) => d.createdAt).sort()[0] ?? new Date(0).toISOString();
    const region: CasRegion = DEFAULT_CAS_REGION;
    const entries: CasCertificateRecord[] = seeded.map((c) => ({
        certId: String(c.certId),
        certName: c.certName,
        pem: c.pem,
        region: (CAS_REGIONS as readonly string[]).includes(c.region ?? "") ? (c.region as CasRegion) : DEFAULT_CAS_REGION,
        source: "seed",
        createdAt: seedTime,
    }));
    const taken = new Set(entries.map((e) => e.certId));
    const liveCertificateNames: Record<string, string> = {};
    // Which entry each configuration serves, filled in below and applied to the domains at the end.
    const serves = new Map<CertificateConfig, string>();
    const configsOf = (d: DomainRecord) => [d.current, ...(d.pending ? [d.pending.config] : [])];

    for (const [name, fingerprint] of Object.entries(certificateNames).sort(([a], [b]) => a.localeCompare(b))) {
        const holders = domains.filter((d) =>
            configsOf(d).some((c) => c.certType === "upload" && c.certName === name && leafFingerprint(c.pem) === fingerprint),
        );
        const first = holders[0];
        if (!first) continue; // lost: see the top of the file
        const config = configsOf(first).find((c) => c.certType === "upload" && c.certName === name && leafFingerprint(c.pem) === fingerprint)!;
        const certId = idFor(old.accessKeyId, name, taken);
        entries.push({
            certId,
            certName: name,
            pem: config.pem!,
            region,
            source: `${first.product}-set`,
            createdAt: config.updatedAt ?? first.modifiedAt,
        });
        for (const d of holders) {
            for (const c of configsOf(d)) if (c.certType === "upload" && c.certName === name && leafFingerprint(c.pem) === fingerprint) serves.set(c, certId);
        }
        if (holders.some((d) => d.product === "live")) liveCertificateNames[name] = fingerprint;
    }
    // A `cas` configuration serves the entry it names, when the store still has it.
    for (const d of domains) {
        for (const c of configsOf(d)) {
            if (c.certType !== "cas" || c.certId === undefined) continue;
            const entry = entries.find((e) => e.certId === c.certId && e.region === (c.certRegion ?? DEFAULT_CAS_REGION));
            if (entry) serves.set(c, entry.certId);
        }
    }
    const migratedDomains: Record<string, DomainRecord> = {};
    for (const [key, d] of Object.entries(old.domains)) {
        const withId = (c: CertificateConfig): CertificateConfig => (serves.has(c) ? { ...c, casCertId: serves.get(c)! } : c);
        migratedDomains[key] = { ...d, current: withId(d.current), ...(d.pending ? { pending: { ...d.pending, config: withId(d.pending.config) } } : {}) };
    }
    return { ...rest, domains: migratedDomains, casRegion: region, casCertificates: entries, liveCertificateNames };
}
