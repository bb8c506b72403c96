// The in-memory cloud, optionally backed by a state file.
//
// Sharing policy (one place): every API request first calls `refresh()`, which re-reads the state file when its
// signature (inode, mtime, size) differs from the version this process last read or wrote. Every change is
// written at once by `save()`, which, holding the file's lock (fileLock.ts), re-reads the file, lays this
// process's changes over it and writes the result (write-then-rename). So two emulators on one file (two
// processes, or two in one process) keep each other's changes. The unit of a change is a domain's record, an
// entry of an account's certificate service (by certId) and a Live certificate name: what this process changed
// since it last read or wrote the file replaces the file's version of those (an entry deleted here is removed
// from it), and everything else is taken from the file. Two writers changing the same domain (or the same entry)
// at the same moment: the later write wins for it. Two writers adding an entry under one name at the same moment
// (each accepted it before it saw the other's) both keep theirs: the file then holds the name twice, as a race
// between two emulators can leave it; entries are never dropped to restore uniqueness.
//
// The objects handlers hold (an account, a domain) stay the ones the store serves: a re-read copies the file's
// content into them instead of replacing them, so a request that awaits (a free certificate's issuance) and then
// changes its domain changes the cloud, not a copy that a refresh threw away.
import { DEFAULT_CAS_REGION } from "../casRegions";
import { acceptChange, putInStatus, type ChangeTiming } from "../domains/lifecycle";
import type { DomainStatus } from "../domains/statuses";
import type { Seed } from "../seed";
import { CNAME_SUFFIX, type CertificateConfig, type DomainRecord, type Product } from "../domains/record";
import { STATE_FORMAT_VERSION, type AccountRecord, type CasCertificateRecord, type CloudState } from "./model";
import { withFileLock } from "./fileLock";
import { fileSignature, lockPathOf, readStateFile, readStateFileWithOrigin, writeStateFile } from "./stateFile";

export interface Credential {
    readonly account: AccountRecord;
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    /** Present for STS credentials: the token the request must carry. */
    readonly securityToken?: string;
    readonly expiration?: string;
}

function cnameFor(domainName: string, product: Product): string {
    return `${domainName}.${CNAME_SUFFIX[product]}`;
}

export function stateFromSeed(seed: Seed, now: Date = new Date()): CloudState {
    const created = now.toISOString();
    return {
        formatVersion: STATE_FORMAT_VERSION,
        accounts: seed.accounts.map(
            (account): AccountRecord => ({
                accessKeyId: account.accessKeyId,
                accessKeySecret: account.accessKeySecret,
                stsTokens: (account.stsTokens ?? []).map((t) => ({ ...t })),
                casRegion: account.casRegion ?? DEFAULT_CAS_REGION,
                casCertificates: (account.casCertificates ?? []).map(
                    (c): CasCertificateRecord => ({
                        certId: String(c.certId),
                        certName: c.certName,
                        pem: c.certificate,
                        region: (c.region ?? DEFAULT_CAS_REGION) as CasCertificateRecord["region"],
                        source: "seed",
                        createdAt: created,
                    }),
                ),
                liveCertificateNames: {},
                ...(account.ramPolicy ? { ramPolicy: account.ramPolicy } : {}),
                domains: Object.fromEntries(
                    account.domains.map((d) => {
                        const name = d.domainName.toLowerCase();
                        const record: DomainRecord = {
                            domainName: name,
                            product: d.product,
                            // A seeded `configuring` is a change in progress, started by Store.open.
                            baseStatus: d.domainStatus === undefined || d.domainStatus === "configuring" ? "online" : d.domainStatus,
                            cname: cnameFor(name, d.product),
                            createdAt: created,
                            modifiedAt: created,
                            current: { status: "off" },
                        };
                        return [name, record];
                    }),
                ),
            }),
        ),
    };
}

export class Store {
    private readonly state: CloudState;
    private signature: string | undefined;
    /** Domains changed here since the file was last read or written: the records this process's next write replaces. */
    private readonly changed = new Set<string>();
    /** Certificate-service entries added, changed or deleted here since then, as `accessKeyId\ncertId`. */
    private readonly changedCas = new Set<string>();
    /** Each account's Live certificate names as the file held them then: names set here since are the difference. */
    private baseNames = new Map<string, Record<string, string>>();

    private constructor(
        state: CloudState,
        private readonly stateFile: string | undefined,
    ) {
        this.state = state;
        this.remember(state);
    }

    /**
     * An existing state file wins over the seed (the seed only initializes a new file): restarting on the same
     * file resumes the same cloud. Delete the file to start again from the seed. Two emulators starting at once on
     * a new file agree on one of their seeds (the lock makes "does it exist, else write it" one step).
     */
    static open(seed: Seed, stateFile?: string, start: { now: number; configuringMs: number } = { now: Date.now(), configuringMs: 0 }): Store {
        const fromSeed = () => {
            const store = new Store(stateFromSeed(seed), stateFile);
            for (const [i, account] of seed.accounts.entries()) {
                for (const d of account.domains) {
                    if (d.domainStatus !== "configuring") continue;
                    store.setStatus(store.findDomain(store.accounts[i]!, d.domainName)!, "configuring", start.now, start.configuringMs);
                }
            }
            return store;
        };
        if (!stateFile) return fromSeed();
        return withFileLock(lockPathOf(stateFile), () => {
            const existing = readStateFileWithOrigin(stateFile);
            if (existing) {
                const store = new Store(existing.state, stateFile);
                // A file of an older format was migrated as it was read: written back at once, so that every
                // emulator opened on it from now on reads the current format.
                store.signature = existing.migratedFrom === undefined ? fileSignature(stateFile) : writeStateFile(stateFile, existing.state);
                return store;
            }
            const store = fromSeed();
            store.signature = writeStateFile(stateFile, store.state);
            store.changed.clear();
            return store;
        });
    }

    /** Picks up a change another process wrote to the state file. */
    refresh(): void {
        if (!this.stateFile) return;
        const signature = fileSignature(this.stateFile);
        if (signature === undefined || signature === this.signature) return;
        try {
            const state = readStateFile(this.stateFile);
            if (state) this.adopt(state);
            this.signature = signature;
        } catch {
            // A file damaged by hand: keep serving the last good cloud (the next save writes it whole again).
        }
    }

    /**
     * Writes this process's changes (no-op without a state file). Call after every change. Under the lock: the
     * file as it is now, with what changed here laid over it, is written and becomes this store's cloud.
     */
    save(): void {
        const stateFile = this.stateFile;
        if (!stateFile) {
            this.changed.clear();
            this.changedCas.clear();
            return;
        }
        withFileLock(lockPathOf(stateFile), () => {
            let latest: CloudState | undefined;
            try {
                latest = readStateFile(stateFile);
            } catch {
                // Damaged by hand: nothing in it can be kept; ours is written whole.
            }
            const merged = latest ? this.layOver(latest) : structuredClone(this.state);
            const signature = writeStateFile(stateFile, merged);
            this.changed.clear();
            this.changedCas.clear();
            this.adopt(merged);
            this.signature = signature;
        });
    }

    /**
     * `file` with what changed here since the last read or write: changed domains replaced, certificate-service
     * entries added, replaced or removed by id, new Live names added.
     */
    private layOver(file: CloudState): CloudState {
        const merged = structuredClone(file) as { formatVersion: typeof STATE_FORMAT_VERSION; accounts: AccountRecord[] };
        for (const account of this.state.accounts) {
            const target = merged.accounts.find((a) => a.accessKeyId === account.accessKeyId);
            if (!target) {
                merged.accounts.push(structuredClone(account));
                continue;
            }
            for (const [name, domain] of Object.entries(account.domains)) {
                if (this.changed.has(name)) target.domains[name] = structuredClone(domain);
            }
            this.applyCasChanges(account, target.casCertificates);
            const base = this.baseNames.get(account.accessKeyId) ?? {};
            for (const [name, fingerprint] of Object.entries(account.liveCertificateNames)) {
                if (base[name] !== fingerprint) target.liveCertificateNames[name] = fingerprint;
            }
        }
        return merged;
    }

    /** Puts the entries of `account` changed here over `entries` (another version of its list), in place. */
    private applyCasChanges(account: AccountRecord, entries: CasCertificateRecord[]): void {
        for (const key of this.changedCas) {
            const [accessKeyId, certId] = key.split("\n") as [string, string];
            if (accessKeyId !== account.accessKeyId) continue;
            const mine = account.casCertificates.find((c) => c.certId === certId);
            const at = entries.findIndex((c) => c.certId === certId);
            if (mine && at >= 0) entries[at] = structuredClone(mine);
            else if (mine) entries.push(structuredClone(mine));
            else if (at >= 0) entries.splice(at, 1);
        }
    }

    /**
     * Makes `file` this store's cloud, in place (see the top of the file), keeping what changed here and is not
     * written yet.
     */
    private adopt(file: CloudState): void {
        const accounts = this.state.accounts;
        const incoming = new Map(file.accounts.map((a) => [a.accessKeyId, a]));
        for (let i = accounts.length - 1; i >= 0; i--) if (!incoming.has(accounts[i]!.accessKeyId)) accounts.splice(i, 1);
        for (const source of file.accounts) {
            const target = accounts.find((a) => a.accessKeyId === source.accessKeyId);
            if (!target) {
                accounts.push(structuredClone(source));
                continue;
            }
            const base = this.baseNames.get(target.accessKeyId) ?? {};
            const unsavedNames = Object.entries(target.liveCertificateNames).filter(([name, fingerprint]) => base[name] !== fingerprint);
            const entries = structuredClone(source.casCertificates);
            this.applyCasChanges(target, entries);
            const { domains: _domains, liveCertificateNames: _names, casCertificates: _entries, ...fields } = structuredClone(source);
            replaceContents(target, {
                ...fields,
                domains: target.domains,
                liveCertificateNames: target.liveCertificateNames,
                casCertificates: target.casCertificates,
            });
            replaceContents(target.liveCertificateNames, { ...source.liveCertificateNames, ...Object.fromEntries(unsavedNames) });
            target.casCertificates.splice(0, target.casCertificates.length, ...entries);
            for (const name of Object.keys(target.domains)) {
                if (!(name in source.domains) && !this.changed.has(name)) delete target.domains[name];
            }
            for (const [name, domain] of Object.entries(source.domains)) {
                if (this.changed.has(name)) continue;
                const mine = target.domains[name];
                if (mine) replaceContents(mine, structuredClone(domain));
                else target.domains[name] = structuredClone(domain);
            }
        }
        this.remember(file);
    }

    private remember(file: CloudState): void {
        this.baseNames = new Map(file.accounts.map((a) => [a.accessKeyId, { ...a.liveCertificateNames }]));
    }

    get accounts(): readonly AccountRecord[] {
        return this.state.accounts;
    }

    findCredential(accessKeyId: string): Credential | undefined {
        for (const account of this.state.accounts) {
            if (account.accessKeyId === accessKeyId) {
                return { account, accessKeyId, accessKeySecret: account.accessKeySecret };
            }
            const sts = account.stsTokens.find((t) => t.accessKeyId === accessKeyId);
            if (sts) {
                return {
                    account,
                    accessKeyId,
                    accessKeySecret: sts.accessKeySecret,
                    securityToken: sts.securityToken,
                    ...(sts.expiration === undefined ? {} : { expiration: sts.expiration }),
                };
            }
        }
        return undefined;
    }

    /** Looks a domain up in the caller's own account only: other accounts' domains do not exist for the caller. */
    findDomain(account: AccountRecord, domainName: string): DomainRecord | undefined {
        return account.domains[domainName.toLowerCase()];
    }

    /** A domain added to an account (online, no certificate). The caller saves. */
    addDomain(account: AccountRecord, domainName: string, product: Product, now: number): DomainRecord {
        const name = domainName.toLowerCase();
        const created = new Date(now).toISOString();
        const record: DomainRecord = {
            domainName: name,
            product,
            baseStatus: "online",
            cname: cnameFor(name, product),
            createdAt: created,
            modifiedAt: created,
            current: { status: "off" },
        };
        account.domains[name] = record;
        this.changed.add(name);
        return record;
    }

    /** Adds an entry to the account's certificate service. The caller saves. */
    addCasCertificate(account: AccountRecord, entry: CasCertificateRecord): void {
        account.casCertificates.push(entry);
        this.changedCas.add(`${account.accessKeyId}\n${entry.certId}`);
    }

    /** Replaces the entry with `entry.certId` (ForceSet overwriting a name's content). The caller saves. */
    replaceCasCertificate(account: AccountRecord, entry: CasCertificateRecord): void {
        const at = account.casCertificates.findIndex((c) => c.certId === entry.certId);
        if (at < 0) account.casCertificates.push(entry);
        else account.casCertificates[at] = entry;
        this.changedCas.add(`${account.accessKeyId}\n${entry.certId}`);
    }

    /** Removes an entry from the account's certificate service. The caller saves. */
    deleteCasCertificate(account: AccountRecord, certId: string): void {
        const at = account.casCertificates.findIndex((c) => c.certId === certId);
        if (at >= 0) account.casCertificates.splice(at, 1);
        this.changedCas.add(`${account.accessKeyId}\n${certId}`);
    }

    /** Registers a Live certificate name (Live's uploads kept apart from the certificate service). The caller saves. */
    reserveLiveName(account: AccountRecord, name: string, fingerprint: string): void {
        account.liveCertificateNames[name] = fingerprint;
    }

    /**
     * Accepts a change on a domain (domains/lifecycle.ts decides how it plays out in time) and records that the domain
     * changed. The caller saves.
     */
    stage(domain: DomainRecord, config: CertificateConfig, now: number, timing: ChangeTiming): void {
        this.changed.add(domain.domainName);
        acceptChange(domain, config, now, timing);
    }

    /**
     * Puts a domain in a state, as the console or another tool would (domains/lifecycle.ts, putInStatus), and records
     * that the domain changed. The caller saves.
     */
    setStatus(domain: DomainRecord, status: DomainStatus, now: number, configuringMs: number): void {
        this.changed.add(domain.domainName);
        putInStatus(domain, status, now, configuringMs);
    }
}

/** Gives `target` exactly the properties of `source`, keeping the object (others hold references to it). */
function replaceContents(target: object, source: object): void {
    const t = target as Record<string, unknown>;
    for (const key of Object.keys(t)) if (!(key in source)) delete t[key];
    Object.assign(t, source);
}
