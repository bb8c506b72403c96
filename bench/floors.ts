// The floors the benchmark compares against: the least time the documented per-account limits allow, whatever the
// client does. Pure arithmetic on counts and rates, so that the numbers in the table can be checked by hand.
//
// Why these formulas:
// - Rollout (create or rotate N domains): the certificate must reach every domain through set calls, each domain
//   then configures, and someone must read every domain once to know it serves the new certificate. With the batch
//   action carrying `batchSize` domains per call at its limit, the sets alone take ceil(N / batchSize) / batchRate
//   seconds; the last domain set still configures for one configuring time; and N reads at the read limit take
//   N / readRate seconds. The floor adds the three, as the issue defines it. (A client could overlap its reads with
//   later sets, so this is not a strict lower bound on wall time; it is the yardstick the targets are stated in.)
// - Refresh: one read per domain, nothing else: N / readRate.
// - DCDN: the same terms at DCDN's limits. DCDN has no listing by names, but its listing pages the whole account (500
//   domains a page at 80/s), so seeing every domain online again needs no call per domain beyond the certificate read
//   (provider/alicloud/domainStateReader.ts), as on CDN.
// - Preview: no call at all is needed, so the only floor is the engine's own cost for N resources, which the
//   benchmark measures with N no-op dynamic resources.
// - Anchors (tools that call the API one domain at a time): no floor of their own; their time is compared with the
//   rollout floor, so that the reader sees how far from the achievable each way of working is.

import { CDN, DCDN, type ProductSpec } from "../provider/products";

/** Per-account limits, calls per second, from Alibaba Cloud's API reference pages (each action's "QPS limit" note), as the product table holds them. */
export interface Limits {
    readonly batchSet: number;
    readonly singleSet: number;
    readonly describeCertificate: number;
    readonly describeDomain: number;
}

/** A product's limits, read from its row of the product table (the product must have a batch set). */
export function limitsOf(product: ProductSpec): Limits {
    if (!product.batchSet) throw new Error(`${product.displayName} has no batch set: its rollout floor is not the batch set's`);
    return {
        batchSet: product.batchSet.callsPerSecond,
        singleSet: product.setAction.callsPerSecond,
        describeCertificate: product.describeCertificateAction.callsPerSecond,
        describeDomain: product.describeDomainAction.callsPerSecond,
    };
}

/** CDN: BatchSetCdnDomainServerCertificate 10, SetCdnDomainSSLCertificate 30, DescribeDomainCertificateInfo 100, DescribeCdnDomainDetail 30. */
export const DOCUMENTED_LIMITS: Limits = limitsOf(CDN);

/** DCDN: BatchSetDcdnDomainCertificate 10, SetDcdnDomainSSLCertificate 30, DescribeDcdnDomainCertificateInfo 100, DescribeDcdnDomainDetail 30. */
export const DCDN_LIMITS: Limits = limitsOf(DCDN);

export interface RolloutFloorInput {
    readonly domains: number;
    readonly batchSize: number;
    readonly configuringMs: number;
    /** Certificate reads counted per domain; the floor counts one (the confirmation). */
    readonly readsPerDomain?: number;
    /** Domain-detail reads counted per domain (0 unless the implementation needs them). */
    readonly detailReadsPerDomain?: number;
    readonly limits?: Limits;
}

export interface FloorTerms {
    readonly setSeconds: number;
    readonly configuringSeconds: number;
    readonly readSeconds: number;
    readonly detailSeconds: number;
    readonly totalSeconds: number;
}

/** Batch calls at the limit + one configuring time + the confirmation reads at the read limit. */
export function rolloutFloor(input: RolloutFloorInput): FloorTerms {
    const limits = input.limits ?? DOCUMENTED_LIMITS;
    requireCount(input.domains, "domains");
    if (!Number.isInteger(input.batchSize) || input.batchSize < 1) throw new RangeError(`batchSize must be a positive integer; got ${input.batchSize}`);
    if (!(input.configuringMs >= 0)) throw new RangeError(`configuringMs must be >= 0; got ${input.configuringMs}`);
    const setSeconds = Math.ceil(input.domains / input.batchSize) / limits.batchSet;
    const configuringSeconds = input.domains > 0 ? input.configuringMs / 1000 : 0;
    const readSeconds = (input.domains * (input.readsPerDomain ?? 1)) / limits.describeCertificate;
    const detailSeconds = (input.domains * (input.detailReadsPerDomain ?? 0)) / limits.describeDomain;
    return { setSeconds, configuringSeconds, readSeconds, detailSeconds, totalSeconds: setSeconds + configuringSeconds + readSeconds + detailSeconds };
}

/**
 * What going through the certificate service adds to a rollout's floor: one upload (UploadUserCertificate, 100/s)
 * and the listing that finds whether the service holds the certificate already (ListUserCertificateOrder, 10/s).
 */
export const CERTIFICATE_STORE_LIMITS = { upload: 100, list: 10 } as const;

export function certificateStoreFloorSeconds(): number {
    return 1 / CERTIFICATE_STORE_LIMITS.upload + 1 / CERTIFICATE_STORE_LIMITS.list;
}

/** One certificate read per domain at the read limit. */
export function refreshFloor(domains: number, limits: Limits = DOCUMENTED_LIMITS): number {
    requireCount(domains, "domains");
    return domains / limits.describeCertificate;
}

/**
 * The time the calls actually made would take if each action ran at exactly its limit, the actions in parallel:
 * the busiest action's budget. Shows which budget a measured run spent its time on.
 */
export function busiestBudget(
    callsByAction: Readonly<Record<string, number>>,
    limitsByAction: Readonly<Record<string, number>>,
): { action?: string; seconds: number } {
    let busiest: { action?: string; seconds: number } = { seconds: 0 };
    for (const [action, calls] of Object.entries(callsByAction)) {
        const limit = limitsByAction[action];
        if (limit === undefined || limit <= 0) continue;
        const seconds = calls / limit;
        if (seconds > busiest.seconds) busiest = { action, seconds };
    }
    return busiest;
}

/** The documented limit of each action of the given products by name (all of them by default), for reading the emulator's request log. */
export function limitsByActionName(products: readonly ProductSpec[] = [CDN, DCDN]): Record<string, number> {
    const limits: Record<string, number> = {};
    for (const product of products) {
        for (const action of [
            product.batchSet,
            product.setAction,
            product.describeCertificateAction,
            product.describeDomainAction,
            product.domainListing.action,
        ]) {
            if (action) limits[action.name] = action.callsPerSecond;
        }
    }
    return limits;
}

/** measured / floor; undefined when there is no meaningful floor. */
export function ratio(measuredSeconds: number, floorSeconds: number): number | undefined {
    if (!(floorSeconds > 0) || !Number.isFinite(measuredSeconds)) return undefined;
    return measuredSeconds / floorSeconds;
}

function requireCount(n: number, name: string): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer; got ${n}`);
}
