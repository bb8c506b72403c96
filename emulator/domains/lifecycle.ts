// Where the emulator decides a domain's state. A domain's record (persistence/model.ts) holds the state it rests in
// (`baseStatus`) and at most one change in progress (`pending`): accepted at `acceptedAt`, over at `effectiveAt`,
// when its configuration is in effect or the domain ends in the failure state it was given. Between the two the
// domain is `configuring`. No timer moves a domain on: its state at time t is worked out when it is asked for
// (`settle`), so a restart on the same state file resumes mid-change, and a fast test clock moves every domain at
// once.
//
// The functions here change the record they are given and nothing else; the store (persistence/store.ts) is what
// records that a domain changed and saves it.
import type { CertificateConfig, CertificateStatus, DomainRecord, PendingChange } from "./record";
import type { DomainStatus, FailedOutcome } from "./statuses";

/** How an accepted change plays out in time. */
export interface ChangeTiming {
    readonly configuringMs: number;
    /** Set by a `configure-failed` / `check-failed` fault: the change ends in this state instead of in effect. */
    readonly endsIn?: FailedOutcome;
    /** A free certificate: issued over `durationMs`, ending in `outcome`. */
    readonly issue?: { readonly durationMs: number; readonly outcome: CertificateStatus };
}

/**
 * Brings a domain up to `now`: a free certificate whose issuance has ended is issued (or its application fails),
 * and a change whose time has come is in effect, or ends in the failure state it was given.
 */
export function settle(domain: DomainRecord, now: number): DomainRecord {
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
        if (pending.endsIn)
            domain.baseStatus = pending.endsIn; // and keeps serving what it served before
        else domain.current = pending.config;
        delete domain.pending;
    }
    return domain;
}

export function isConfiguring(domain: DomainRecord, now: number): boolean {
    return settle(domain, now).pending !== undefined;
}

/** The state the domain reports at `now`. */
export function statusAt(domain: DomainRecord, now: number): DomainStatus {
    return isConfiguring(domain, now) ? "configuring" : domain.baseStatus;
}

/** Accepts a change: in effect after its configuring time (at once when that is 0 and nothing else delays it). */
export function acceptChange(domain: DomainRecord, config: CertificateConfig, now: number, timing: ChangeTiming): void {
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
 * state ends a change in progress without applying it.
 */
export function putInStatus(domain: DomainRecord, status: DomainStatus, now: number, configuringMs: number): void {
    domain.modifiedAt = new Date(now).toISOString();
    delete domain.pending;
    if (status === "configuring") {
        domain.baseStatus = "online";
        domain.pending = { config: domain.current, acceptedAt: now, effectiveAt: now + Math.max(1, configuringMs) };
        return;
    }
    domain.baseStatus = status;
}
