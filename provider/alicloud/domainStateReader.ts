// Reading domains' states while their changes configure. A rollout polls every domain's state until it is online
// again, for minutes; one DescribeCdnDomainDetail per domain per poll (30/s) would spend the account's budget on
// it. CDN's DescribeUserDomains names up to 50 domains per call (100/s), so reads of many domains asked for within
// a short window go out together: polling 500 domains is 10 calls. Live has no listing by names (its
// DescribeLiveUserDomains takes one keyword), nor has DCDN as documented (DescribeDcdnUserDomains' DomainName is not
// said to take a list), so each of their domains' state is its own DescribeLiveDomainDetail or
// DescribeDcdnDomainDetail.

import { systemClock, type Clock } from "../clock";
import { AlicloudApiError, isDomainNotFound } from "../apiErrors";
import type { ApiCaller } from "./caller";
import type { DomainListingShape, ProductSpec } from "../products";
import { domainStatesFromListing, domainStatusFromDetail } from "./wire";

/** The state of one domain; `undefined` when the domain does not exist. */
export interface DomainStateReader {
    read(domainName: string): Promise<string | undefined>;
}

/**
 * How long the first read of a group waits for others. Domains that were set together poll on the same schedule, so
 * their reads arrive within a few milliseconds of each other; 20 ms is short against a poll interval of seconds.
 */
export const DOMAIN_STATE_WINDOW_MS = 20;

interface Waiter {
    readonly domainName: string;
    resolve(status: string | undefined): void;
    reject(error: unknown): void;
}

/** Reads through the product's listing by name: up to `byName.namesPerCall` domains per call, coalesced within a window. */
export class ListingStateReader implements DomainStateReader {
    private group: Waiter[] = [];
    private flushScheduled = false;

    constructor(
        private readonly caller: ApiCaller,
        private readonly listing: DomainListingShape,
        private readonly clock: Clock = systemClock,
        private readonly windowMs = DOMAIN_STATE_WINDOW_MS,
    ) {}

    private get namesPerCall(): number {
        return this.listing.byName?.namesPerCall ?? 1;
    }

    read(domainName: string): Promise<string | undefined> {
        return new Promise((resolve, reject) => {
            this.group.push({ domainName: domainName.toLowerCase(), resolve, reject });
            if (this.group.length >= this.namesPerCall) {
                this.flush();
            } else if (!this.flushScheduled) {
                this.flushScheduled = true;
                void this.clock.sleep(this.windowMs).then(() => this.flush());
            }
        });
    }

    /** Sends what has gathered. A window's timer that fires after its group went out early only sends a later group sooner. */
    private flush(): void {
        this.flushScheduled = false;
        while (this.group.length > 0) void this.send(this.group.splice(0, this.namesPerCall));
    }

    private async send(waiters: readonly Waiter[]): Promise<void> {
        const names = [...new Set(waiters.map((w) => w.domainName))];
        try {
            const body = await this.caller.callRpc(
                { action: this.listing.action, domainNames: names },
                // A page as large as the names asked for, so that one page holds every answer.
                {
                    ...this.listing.query,
                    ...this.listing.byName?.query,
                    DomainName: names.join(","),
                    PageSize: String(Math.max(names.length, 1)),
                    PageNumber: "1",
                },
            );
            const states = domainStatesFromListing(this.listing, body);
            // A domain the listing does not return (with every state shown) is not one of the account's.
            for (const waiter of waiters) waiter.resolve(states.get(waiter.domainName));
        } catch (error) {
            // Each domain gets the failure as its own, naming it alone: the lifecycle reads on through a transient one
            // until that domain's deadline (a bulk read not made yet), and a message about one resource does not list
            // the others that happened to share its call.
            for (const waiter of waiters) waiter.reject(forOneOf(error, waiter.domainName, names.length));
        }
    }
}

/** Reads each domain's own detail (products without a listing by names). */
export class DetailStateReader implements DomainStateReader {
    constructor(
        private readonly caller: ApiCaller,
        private readonly product: ProductSpec,
    ) {}

    async read(domainName: string): Promise<string | undefined> {
        try {
            const body = await this.caller.callRpc({ action: this.product.describeDomainAction, domainNames: [domainName] }, { DomainName: domainName });
            return domainStatusFromDetail(this.product.domainDetail, body);
        } catch (error) {
            if (isDomainNotFound(error)) return undefined;
            throw error;
        }
    }
}

/** A bulk read's failure as one of its domains sees it. */
function forOneOf(error: unknown, domainName: string, readTogether: number): unknown {
    if (!(error instanceof AlicloudApiError) || readTogether <= 1) return error;
    return error.with({ domainNames: [domainName], readWithOthers: readTogether - 1 });
}
