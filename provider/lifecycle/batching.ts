// Coalescing set calls. A stack that rotates one certificate on many domains would otherwise make one set call per
// domain (CDN: SetCdnDomainSSLCertificate, 30/s per account); a product's set-many call (CDN:
// BatchSetCdnDomainServerCertificate, 10 calls/s) carries the same certificate to up to 10 (or, by setting, 50)
// domains. The engine runs creates and updates concurrently in one provider process, and a group runs its domains'
// steps at once, so sets that reach this service within a short window with exactly the same parameters (domain
// aside) go out together. Each domain still confirms on its own: only the set call is shared.
//
// Which sets may share a call is the product's rule, not this module's: the port's `setMany.accepts` (for a product
// with a batch set, CDN and DCDN, ../alicloud/batchSet.ts isBatchable: upload, and status off, but not a cas by id,
// free or forceSet). A product without a set-many call (Live) passes every set straight through.
//
// A refused shared call is all or nothing (one offline domain fails it), so the chunk falls back to one
// single-domain call per domain: each gets its own exact error, and the others succeed.

import { createHash } from "node:crypto";
import { isOutcomeUnknown } from "../apiErrors";
import { codeOf } from "./errors";
import type { CertificateService, SetCertificateRequest, SetCertificateResult, SetManyCapability } from "./port";
import { SetDecorator } from "./serviceDecorator";
import { STORED_CERTIFICATE_MISSING } from "./storedCertificates";

/**
 * How long the first set of a group waits for others. Before its set, every create reads the domain (paced to the
 * certificate read's 100/s), so concurrent sets arrive spread out rather than all at once: 100 ms is about the time
 * ten of them take to arrive at that rate, and one batch call's share of a second at 10/s. Against a set whose
 * confirmation takes seconds, it is noise.
 */
export const DEFAULT_BATCH_WINDOW_MS = 100;
/** A longer window would only make a lone resource wait. */
export const LARGEST_BATCH_WINDOW_MS = 1000;

/** Timers, injectable so that unit tests of the window run without waiting. */
export interface BatchTimer {
    set(callback: () => void, ms: number): unknown;
    clear(handle: unknown): void;
}

const REAL_TIMER: BatchTimer = {
    set: (callback, ms) => setTimeout(callback, ms),
    clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface BatchingOptions {
    /** Milliseconds the first set of a group waits for others (0: only sets made in the same tick group). */
    readonly windowMs?: number;
    readonly timer?: BatchTimer;
}

interface Pending {
    readonly request: SetCertificateRequest;
    resolve(result: SetCertificateResult): void;
    reject(error: unknown): void;
}

interface Group {
    readonly members: Pending[];
    timer?: unknown;
}

/**
 * The identity of a set's parameters, domain aside: two requests batch together only when every parameter the call
 * sends is the same. A hash, so that no map key, debugger view or heap dump holds the certificate or the key.
 */
export function groupKey(request: SetCertificateRequest): string {
    const { domainName: _domain, ...fields } = request;
    const parts = [fields.status, fields.certType, fields.certificate, fields.privateKey, fields.certName, fields.certId, fields.certRegion, fields.forceSet];
    return createHash("sha256")
        .update(JSON.stringify(parts.map((part) => (part === undefined ? null : part))))
        .digest("hex");
}

/**
 * A CertificateService over a product's adapter that coalesces concurrent, identical sets into its set-many calls.
 * The reads, and every set the product's call does not accept, pass straight through.
 */
export class BatchingCertificateService extends SetDecorator {
    readonly windowMs: number;
    private readonly timer: BatchTimer;
    private readonly groups = new Map<string, Group>();

    private readonly many: SetManyCapability | undefined;

    constructor(inner: CertificateService, options: BatchingOptions = {}) {
        super(inner);
        this.windowMs = validBatchWindow(options.windowMs ?? DEFAULT_BATCH_WINDOW_MS, "windowMs");
        this.timer = options.timer ?? REAL_TIMER;
        this.many = inner.setMany;
    }

    /** Domains per shared call (1: no set-many call, or batching turned off). */
    override get setsPerCall(): number {
        return this.many?.maxDomains ?? 1;
    }

    set(request: SetCertificateRequest): Promise<SetCertificateResult> {
        const many = this.many;
        if (many === undefined || many.maxDomains <= 1 || !many.accepts(request)) return this.inner.set(request);
        return new Promise<SetCertificateResult>((resolve, reject) => {
            const key = groupKey(request);
            let group = this.groups.get(key);
            if (group === undefined) {
                group = { members: [] };
                this.groups.set(key, group);
                const opened = group;
                group.timer = this.timer.set(() => this.flush(key, opened), this.windowMs);
            }
            // The same domain twice in one window (not something the engine does: one resource per domain) must
            // not go out twice in one call; the second waits for the next group.
            if (group.members.some((member) => member.request.domainName === request.domainName)) {
                this.flush(key, group);
                resolve(this.set(request));
                return;
            }
            group.members.push({ request, resolve, reject });
            if (group.members.length >= many.maxDomains) this.flush(key, group);
        });
    }

    /** Sends a group now: closes it so that later sets open a new one. */
    private flush(key: string, group: Group): void {
        if (this.groups.get(key) === group) this.groups.delete(key);
        if (group.timer !== undefined) this.timer.clear(group.timer);
        group.timer = undefined;
        const members = group.members.splice(0);
        if (members.length > 0) void this.send(members);
    }

    private async send(members: readonly Pending[]): Promise<void> {
        if (members.length === 1) {
            // A group of one is an ordinary set: the single-domain action has the higher limit (CDN: 30/s against 10/s).
            await settle(members[0]!, () => this.inner.set(members[0]!.request));
            return;
        }
        const { domainName: _first, ...fields } = members[0]!.request;
        let result: SetCertificateResult;
        try {
            result = await this.many!.send({ ...fields, domainNames: members.map((member) => member.request.domainName) });
        } catch (error) {
            if (isOutcomeUnknown(error)) {
                // The batch may have been applied: each resource reads its domain before anything is sent again.
                for (const member of members) member.reject(error);
                return;
            }
            if (codeOf(error) === STORED_CERTIFICATE_MISSING) {
                // The stored certificate the chunk names (every member names the same one) is missing: a verdict on the
                // certificate, not on a domain, which one call per domain would only repeat. Each resource stores it
                // again and sets again (storedCertificates withFreshStored); told at once, a group's domains do so together.
                for (const member of members) member.reject(error);
                return;
            }
            // The batch error names the whole chunk and may be about one domain only. It is dropped, not logged
            // (its message is redacted, but nothing is gained): each resource now asks for itself, and the caller's
            // pacing keeps these single calls within the single-domain action's own limit.
            await Promise.all(members.map((member) => settle(member, () => this.inner.set(member.request))));
            return;
        }
        for (const member of members) member.resolve(result);
    }
}

async function settle(member: Pending, call: () => Promise<SetCertificateResult>): Promise<void> {
    try {
        member.resolve(await call());
    } catch (error) {
        member.reject(error);
    }
}

/** Checks a window setting; `origin` names where it came from (a config key, a constructor option). */
export function validBatchWindow(value: number, origin: string): number {
    if (!Number.isFinite(value) || value < 0 || value > LARGEST_BATCH_WINDOW_MS) {
        throw new RangeError(`${origin} must be a number of milliseconds from 0 to ${LARGEST_BATCH_WINDOW_MS}; got ${value}`);
    }
    return value;
}
