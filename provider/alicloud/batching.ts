// Coalescing CDN set calls. A stack that rotates one certificate on many CDN domains would otherwise make one
// SetCdnDomainSSLCertificate call per domain (30/s per account); BatchSetCdnDomainServerCertificate carries the
// same certificate to up to 10 (or, by setting, 50) domains in one call (10 calls/s). The engine runs creates and
// updates concurrently in one provider process, so sets that reach this service within a short window with exactly
// the same parameters (domain aside) go out together. Each resource still confirms on its own domain: only the
// set call is shared.
//
// What is batched, and why only that:
// - `upload` with status on, and status off (the batch action documents both). Not `cas`: the batch action names a
//   certificate-service certificate by CertName, while the single-domain action and the lifecycle's confirmation
//   name it by CertId, so a batch could deploy a different certificate than the one declared. Not `free`: only
//   SetDomainServerCertificate takes it. Not `forceSet: true`: SetCdnDomainSSLCertificate has no ForceSet, and a
//   resource's outcome must not depend on whether other resources happened to share its window.
// - A refused batch is all or nothing (one offline domain fails the call), so the chunk falls back to one
//   single-domain call per resource: each resource gets its own exact error, and the others succeed.

import { createHash } from "node:crypto";
import type { CertificateService, DeployedCertificate, SetCertificateRequest, SetCertificateResult } from "../lifecycle/port";
import type { BatchSetCertificateRequest } from "./cdn";
import { validBatchSize } from "./cdn";
import { CONFIG_NAMESPACE, type ConfigSource } from "./endpoint";
import { AlicloudApiError } from "./errors";
import { CDN_BATCH_SET, type ProductSpec } from "./products";

/** Stack config keys (namespace `alicloud-certs`) of the batching settings. */
export const BATCH_CONFIG_KEYS = {
    batchSize: `${CONFIG_NAMESPACE}:cdnBatchSize`,
    windowMs: `${CONFIG_NAMESPACE}:cdnBatchWindowMs`,
} as const;

/**
 * How long the first set of a group waits for others. Before its set, every create reads the domain (paced to the
 * certificate read's 100/s), so concurrent sets arrive spread out rather than all at once: 100 ms is about the time
 * ten of them take to arrive at that rate, and one batch call's share of a second at 10/s. Against a set whose
 * confirmation takes seconds, it is noise.
 */
export const DEFAULT_BATCH_WINDOW_MS = 100;
/** A longer window would only make a lone resource wait. */
export const LARGEST_BATCH_WINDOW_MS = 1000;

/** The CDN adapter as this service uses it (CdnCertificateService; a double in unit tests). */
export interface BatchCapableService extends CertificateService {
    /** Domains per batch call; the adapter refuses more. */
    readonly batchSize: number;
    batchSet(request: BatchSetCertificateRequest): Promise<SetCertificateResult>;
}

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

/** Whether a set may share a batch call with others (see the file comment for each exclusion). */
export function isBatchable(request: SetCertificateRequest): boolean {
    if (request.forceSet === true) return false;
    if (request.status === "off") return request.certType === "upload";
    return request.certType === "upload" && !!request.certificate && !!request.privateKey;
}

/**
 * The identity of a set's parameters, domain aside: two requests batch together only when every parameter the call
 * sends is the same. A hash, so that no map key, debugger view or heap dump holds the certificate or the key.
 */
export function groupKey(request: SetCertificateRequest): string {
    const { domainName: _domain, ...fields } = request;
    const parts = [fields.status, fields.certType, fields.certificate, fields.privateKey, fields.certName, fields.certId, fields.certRegion, fields.forceSet];
    return createHash("sha256").update(JSON.stringify(parts.map((part) => (part === undefined ? null : part)))).digest("hex");
}

/**
 * A CertificateService over the CDN adapter that coalesces concurrent, identical sets into batch calls. `describe`
 * and every set that may not be batched pass straight through.
 */
export class BatchingCertificateService implements CertificateService {
    readonly product: ProductSpec;
    readonly windowMs: number;
    private readonly timer: BatchTimer;
    private readonly groups = new Map<string, Group>();

    constructor(
        private readonly inner: BatchCapableService,
        options: BatchingOptions = {},
    ) {
        this.product = inner.product;
        this.windowMs = validWindow(options.windowMs ?? DEFAULT_BATCH_WINDOW_MS, "windowMs");
        this.timer = options.timer ?? REAL_TIMER;
    }

    get batchSize(): number {
        return this.inner.batchSize;
    }

    describe(domainName: string): Promise<DeployedCertificate | undefined> {
        return this.inner.describe(domainName);
    }

    domainStatus(domainName: string): Promise<string | undefined> {
        return this.inner.domainStatus(domainName);
    }

    listDomains(): Promise<{ domainName: string; domainStatus: string }[]> {
        return this.inner.listDomains();
    }

    set(request: SetCertificateRequest): Promise<SetCertificateResult> {
        if (this.inner.batchSize <= 1 || !isBatchable(request)) return this.inner.set(request);
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
            if (group.members.length >= this.inner.batchSize) this.flush(key, group);
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
            // A group of one is an ordinary set: the single-domain action has the higher limit (30/s against 10/s).
            await settle(members[0]!, () => this.inner.set(members[0]!.request));
            return;
        }
        const { domainName: _first, ...fields } = members[0]!.request;
        let result: SetCertificateResult;
        try {
            result = await this.inner.batchSet({ ...fields, domainNames: members.map((member) => member.request.domainName) });
        } catch (error) {
            if (error instanceof AlicloudApiError && error.outcomeUnknown) {
                // The batch may have been applied: each resource reads its domain before anything is sent again.
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

function validWindow(value: number, origin: string): number {
    if (!Number.isFinite(value) || value < 0 || value > LARGEST_BATCH_WINDOW_MS) {
        throw new RangeError(`${origin} must be a number of milliseconds from 0 to ${LARGEST_BATCH_WINDOW_MS}; got ${value}`);
    }
    return value;
}

function integerFrom(config: ConfigSource | undefined, key: string): number | undefined {
    const raw = config?.get(key)?.trim();
    if (raw === undefined || raw === "") return undefined;
    // Number("") is 0 and Number("1e1") is 10: accept plain digits only, so a typo is an error, not a surprise.
    if (!/^\d+$/.test(raw)) throw new RangeError(`stack config ${key} must be a whole number; got ${JSON.stringify(raw)}`);
    return Number(raw);
}

/** The batching settings from stack config: `alicloud-certs:cdnBatchSize` (1..50) and `cdnBatchWindowMs` (0..1000). */
export function batchSettingsFromConfig(config?: ConfigSource): { batchSize: number; windowMs: number } {
    const batchSize = integerFrom(config, BATCH_CONFIG_KEYS.batchSize);
    const windowMs = integerFrom(config, BATCH_CONFIG_KEYS.windowMs);
    return {
        batchSize: batchSize === undefined ? CDN_BATCH_SET.maxDomainsPerCall : validBatchSize(batchSize, `stack config ${BATCH_CONFIG_KEYS.batchSize}`),
        windowMs: windowMs === undefined ? DEFAULT_BATCH_WINDOW_MS : validWindow(windowMs, `stack config ${BATCH_CONFIG_KEYS.windowMs}`),
    };
}
