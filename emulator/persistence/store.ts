// The in-memory cloud, optionally backed by a state file.
//
// Sharing policy (one place): every API request first calls `refresh()`, which re-reads the state file when its
// signature (inode, mtime, size) differs from the version this process last read or wrote. Every change is
// written at once, synchronously, with write-then-rename. So two emulator processes on one state file agree on
// the cloud request by request; if both change the file within the same instant, the last writer wins (the
// emulator does not lock across processes, which a test or a demo never needs).
import type { Seed } from "../seed";
import type { DomainStatus, FailedOutcome } from "../domainStates";
import type { AccountRecord, CertificateConfig, CertificateStatus, CloudState, DomainRecord, PendingChange } from "./model";
import { fileSignature, readStateFile, writeStateFile } from "./stateFile";

export interface Credential {
    readonly account: AccountRecord;
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    /** Present for STS credentials: the token the request must carry. */
    readonly securityToken?: string;
    readonly expiration?: string;
}

function cnameFor(domainName: string, product: "cdn" | "live"): string {
    return product === "cdn" ? `${domainName}.w.kunlunsl.com` : `${domainName}.livecdn.alikunlun.com`;
}

export function stateFromSeed(seed: Seed, now: Date = new Date()): CloudState {
    const created = now.toISOString();
    return {
        formatVersion: 1,
        accounts: seed.accounts.map(
            (account): AccountRecord => ({
                accessKeyId: account.accessKeyId,
                accessKeySecret: account.accessKeySecret,
                stsTokens: (account.stsTokens ?? []).map((t) => ({ ...t })),
                casCertificates: (account.casCertificates ?? []).map((c) => ({
                    certId: String(c.certId),
                    certName: c.certName,
                    pem: c.certificate,
                    region: c.region ?? "cn-hangzhou",
                })),
                certificateNames: {},
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
    private state: CloudState;
    private signature: string | undefined;

    private constructor(
        state: CloudState,
        private readonly stateFile: string | undefined,
    ) {
        this.state = state;
    }

    /**
     * An existing state file wins over the seed (the seed only initializes a new file): restarting on the same
     * file resumes the same cloud. Delete the file to start again from the seed.
     */
    static open(seed: Seed, stateFile?: string, start: { now: number; configuringMs: number } = { now: Date.now(), configuringMs: 0 }): Store {
        if (stateFile) {
            const existing = readStateFile(stateFile);
            if (existing) {
                const store = new Store(existing, stateFile);
                store.signature = fileSignature(stateFile);
                return store;
            }
        }
        const store = new Store(stateFromSeed(seed), stateFile);
        for (const [i, account] of seed.accounts.entries()) {
            for (const d of account.domains) {
                if (d.domainStatus !== "configuring") continue;
                store.setStatus(store.findDomain(store.accounts[i]!, d.domainName)!, "configuring", start.now, start.configuringMs);
            }
        }
        store.save();
        return store;
    }

    /** Picks up a change another process wrote to the state file. */
    refresh(): void {
        if (!this.stateFile) return;
        const signature = fileSignature(this.stateFile);
        if (signature === undefined || signature === this.signature) return;
        try {
            const state = readStateFile(this.stateFile);
            if (state) this.state = state;
            this.signature = signature;
        } catch {
            // A file replaced by a foreign writer mid-read or damaged by hand: keep serving the last good cloud.
        }
    }

    /** Writes the whole cloud (no-op without a state file). Call after every change. */
    save(): void {
        if (!this.stateFile) return;
        this.signature = writeStateFile(this.stateFile, this.state);
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

    /**
     * Brings a domain up to `now`: a free certificate whose issuance has ended is issued (or its application fails),
     * and a change whose time has come is in effect, or ends in the failure state it was given. Done lazily on
     * every access, so no timer is needed and a restart resumes mid-change correctly.
     */
    settle(domain: DomainRecord, now: number): DomainRecord {
        const pending = domain.pending;
        if (!pending) return domain;
        if (pending.issue && pending.issue.outcome !== "success" && pending.issue.readyAt <= now) {
            // The application failed: the certificate read reports why; the domain is online again.
            const { pem: _unissued, ...application } = pending.config;
            domain.current = { ...application, certificateStatus: pending.issue.outcome };
            delete domain.pending;
            return domain;
        }
        if (pending.effectiveAt <= now) {
            if (pending.endsIn) domain.baseStatus = pending.endsIn; // and keeps serving what it served before
            else domain.current = pending.config;
            delete domain.pending;
        }
        return domain;
    }

    isConfiguring(domain: DomainRecord, now: number): boolean {
        return this.settle(domain, now).pending !== undefined;
    }

    /** The state the domain reports now. */
    statusOf(domain: DomainRecord, now: number): DomainStatus {
        return this.isConfiguring(domain, now) ? "configuring" : domain.baseStatus;
    }

    /** A domain added to an account (online, no certificate). The caller saves. */
    addDomain(account: AccountRecord, domainName: string, product: "cdn" | "live", now: number): DomainRecord {
        const name = domainName.toLowerCase();
        const created = new Date(now).toISOString();
        const record: DomainRecord = { domainName: name, product, baseStatus: "online", cname: cnameFor(name, product), createdAt: created, modifiedAt: created, current: { status: "off" } };
        account.domains[name] = record;
        return record;
    }

    /** Accepts a change: in effect after `configuringMs` (immediately when 0 and nothing else delays it). The caller saves. */
    stage(domain: DomainRecord, config: CertificateConfig, now: number, timing: ChangeTiming): void {
        domain.modifiedAt = new Date(now).toISOString();
        const issuingMs = timing.issue ? timing.issue.durationMs : 0;
        if (timing.configuringMs <= 0 && !timing.endsIn && !timing.issue) {
            domain.current = config;
            delete domain.pending;
            return;
        }
        const pending: PendingChange = {
            config,
            acceptedAt: now,
            effectiveAt: now + issuingMs + Math.max(0, timing.configuringMs),
            ...(timing.endsIn ? { endsIn: timing.endsIn } : {}),
            ...(timing.issue ? { issue: { readyAt: now + issuingMs, outcome: timing.issue.outcome } } : {}),
        };
        domain.pending = pending;
    }

    /**
     * Puts a domain in a state, as the console or another tool would (the `POST /__emulator/domains` hook, a seed).
     * `configuring` starts a change that keeps the configuration in effect and ends after `configuringMs`; any other
     * state ends a change in progress without applying it. The caller saves.
     */
    setStatus(domain: DomainRecord, status: DomainStatus, now: number, configuringMs: number): void {
        domain.modifiedAt = new Date(now).toISOString();
        delete domain.pending;
        if (status === "configuring") {
            domain.baseStatus = "online";
            domain.pending = { config: domain.current, acceptedAt: now, effectiveAt: now + Math.max(1, configuringMs) };
            return;
        }
        domain.baseStatus = status;
    }
}

/** How a change plays out in time. */
export interface ChangeTiming {
    readonly configuringMs: number;
    readonly endsIn?: FailedOutcome;
    /** A free certificate: issued over `durationMs`, ending in `outcome`. */
    readonly issue?: { readonly durationMs: number; readonly outcome: CertificateStatus };
}
