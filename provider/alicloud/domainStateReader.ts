// Reading domains' states while their changes configure. A rollout polls every domain's state until it is online
// again, for minutes; one DescribeCdnDomainDetail per domain per poll (30/s) would spend the account's budget on
// it. So reads of many domains asked for within a short window go out together:
// - CDN's DescribeUserDomains names up to 50 domains per call (100/s): polling 500 domains is 10 calls.
// - Live and DCDN have no listing by names (DescribeLiveUserDomains takes one keyword; DescribeDcdnUserDomains'
//   DomainName is not said to take a list), but their listings page the whole account with every state shown
//   (DescribeDcdnUserDomains 500 a page at 80/s, DescribeLiveUserDomains 50 a page at 100/s). Where reading the
//   account costs less time than reading each waiting domain's detail (DescribeDcdnDomainDetail 30/s,
//   DescribeLiveDomainDetail 50/s), the waiting domains are read from one listing of the account; in an account of
//   many more domains than are waiting, each domain's detail is read instead.

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

/**
 * Reads asked for within a window go out together: the first read waits `windowMs` for others, and a group that
 * reaches `gatherAtMost` goes out at once. `send` answers every waiter of a group.
 */
abstract class GatheringStateReader implements DomainStateReader {
    private group: Waiter[] = [];
    private flushScheduled = false;

    constructor(
        private readonly clock: Clock,
        private readonly windowMs: number,
    ) {}

    /** The most reads one `send` takes. */
    protected abstract readonly gatherAtMost: number;
    protected abstract send(waiters: readonly Waiter[]): Promise<void>;

    read(domainName: string): Promise<string | undefined> {
        return new Promise((resolve, reject) => {
            this.group.push({ domainName: domainName.toLowerCase(), resolve, reject });
            if (this.group.length >= this.gatherAtMost) {
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
        while (this.group.length > 0) void this.send(this.group.splice(0, this.gatherAtMost));
    }
}

/** Reads through the product's listing by name: up to `byName.namesPerCall` domains per call, coalesced within a window. */
export class ListingStateReader extends GatheringStateReader {
    protected readonly gatherAtMost: number;

    constructor(
        private readonly caller: ApiCaller,
        private readonly listing: DomainListingShape,
        clock: Clock = systemClock,
        windowMs = DOMAIN_STATE_WINDOW_MS,
    ) {
        super(clock, windowMs);
        this.gatherAtMost = listing.byName?.namesPerCall ?? 1;
    }

    protected async send(waiters: readonly Waiter[]): Promise<void> {
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

/** One page of the account's listing: its domains' states, the total the answer reports, and whether it is the last. */
export interface ListingPage {
    readonly states: ReadonlyMap<string, string>;
    readonly total: number | undefined;
    readonly last: boolean;
}

/** Page `page` of the account's listing, after `before` domains on the pages before it (DomainCertificateAdapter.listPage). */
export type ListingPager = (page: number, before: number) => Promise<ListingPage>;

/**
 * For products without a listing by names (Live, DCDN): the reads gathered in a window are answered from the
 * account's listing while its pages take less time at the listing's rate than the domains still waiting take at the
 * detail's rate; the domains still waiting when that stops being so read their own details. The account's size is
 * the total the listing reports; before the first page it is taken to fit one page, and that page tells.
 */
export class AccountListingStateReader extends GatheringStateReader {
    protected readonly gatherAtMost = Number.POSITIVE_INFINITY;
    private readonly details: DetailStateReader;
    /** How many domains the account's listing last reported; undefined before the first page. */
    private accountDomains: number | undefined;

    constructor(
        caller: ApiCaller,
        private readonly product: ProductSpec,
        private readonly listPage: ListingPager,
        clock: Clock = systemClock,
        windowMs = DOMAIN_STATE_WINDOW_MS,
    ) {
        super(clock, windowMs);
        this.details = new DetailStateReader(caller, product);
    }

    /** Whether `pages` more pages of the listing answer `waiting` domains sooner than their details do. */
    private pagesAreCheaper(pages: number, waiting: number): boolean {
        const { domainListing, describeDomainAction } = this.product;
        return pages / domainListing.action.callsPerSecond <= waiting / describeDomainAction.callsPerSecond;
    }

    private pagesOfAccount(): number {
        return Math.max(1, Math.ceil((this.accountDomains ?? 0) / this.product.domainListing.pageSize));
    }

    protected async send(waiters: readonly Waiter[]): Promise<void> {
        const waiting = new Map<string, Waiter[]>();
        for (const waiter of waiters) waiting.set(waiter.domainName, [...(waiting.get(waiter.domainName) ?? []), waiter]);
        const gathered = waiting.size;
        try {
            let read = 0;
            for (let page = 1; waiting.size > 0 && this.pagesAreCheaper(this.pagesOfAccount() - page + 1, waiting.size); page++) {
                const { states, total, last } = await this.listPage(page, read);
                read += states.size;
                if (total !== undefined) this.accountDomains = total;
                for (const [name, state] of states) for (const waiter of take(waiting, name)) waiter.resolve(state);
                if (!last) continue;
                this.accountDomains = read;
                // Where the listing shows every state (DCDN's, with CheckDomainShow=true), a domain on no page is not
                // one of the account's; where it may not (Live's), such a domain's own detail says what it is.
                if (this.product.domainListing.listsEveryState) {
                    for (const name of [...waiting.keys()]) for (const waiter of take(waiting, name)) waiter.resolve(undefined);
                }
                break;
            }
        } catch (error) {
            for (const name of [...waiting.keys()]) for (const waiter of take(waiting, name)) waiter.reject(forOneOf(error, name, gathered));
            return;
        }
        // What the listing did not answer at a lower cost: each domain's own detail.
        await Promise.all(
            [...waiting].map(async ([name, ws]) => {
                try {
                    const state = await this.details.read(name);
                    for (const w of ws) w.resolve(state);
                } catch (error) {
                    for (const w of ws) w.reject(error);
                }
            }),
        );
    }
}

/** The waiters for `name`, taken out of `waiting`. */
function take(waiting: Map<string, Waiter[]>, name: string): Waiter[] {
    const waiters = waiting.get(name) ?? [];
    waiting.delete(name);
    return waiters;
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
