// Reading the states of Live's and DCDN's domains while their changes configure (provider/alicloud/domainStateReader.ts
// AccountListingStateReader): from the account's listing while its pages cost less time than the waiting domains'
// details, from each domain's detail otherwise; a failure reaches each domain as its own.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AccountListingStateReader, type ListingPage } from "../../provider/alicloud/domainStateReader";
import type { ApiCaller, CallDescription } from "../../provider/alicloud/caller";
import { AlicloudApiError } from "../../provider/apiErrors";
import { DCDN, LIVE, type ProductSpec } from "../../provider/products";
import { systemClock } from "../../provider/clock";

/** An account of `size` domains named d0.x.test ... (all configuring), listed a page at a time, and the calls it got. */
function account(product: ProductSpec, size: number, { failListing = false } = {}) {
    const pages: number[] = [];
    const details: string[] = [];
    const pageSize = product.domainListing.pageSize;
    const listPage = async (page: number, before: number): Promise<ListingPage> => {
        pages.push(page);
        if (failListing)
            throw new AlicloudApiError({
                action: product.domainListing.action.name,
                actionKind: "read",
                domainNames: [],
                code: "ServiceUnavailable",
                statusCode: 503,
                apiMessage: "The request has failed due to a temporary failure of the server.",
            });
        const names = Array.from({ length: Math.max(0, Math.min(pageSize, size - before)) }, (_, i) => `d${before + i}.x.test`);
        return { states: new Map(names.map((n) => [n, "configuring"])), total: size, last: before + names.length >= size };
    };
    const caller = {
        async callRpc(description: CallDescription, query: Readonly<Record<string, string>>) {
            assert.equal(description.action, product.describeDomainAction);
            details.push(query.DomainName!);
            // A domain the listing does not show: Live's listing may leave out one under review or failed to configure.
            if (query.DomainName === "failed.x.test") return { [product.domainDetail.objectPath[0]!]: { DomainStatus: "configure_failed" } };
            const index = Number(/^d(\d+)\.x\.test$/.exec(query.DomainName!)?.[1] ?? Number.NaN);
            if (!(index < size))
                throw new AlicloudApiError({
                    action: description.action.name,
                    actionKind: "read",
                    domainNames: [query.DomainName!],
                    code: "InvalidDomain.NotFound",
                    statusCode: 404,
                    apiMessage: "The specified domain name does not exist.",
                });
            return { [product.domainDetail.objectPath[0]!]: { DomainStatus: "configuring" } };
        },
    } as unknown as ApiCaller;
    // A window of 0 ms: the reads asked for in one turn of the event loop gather, as a group's polls do within 20 ms.
    const reader = new AccountListingStateReader(caller, product, listPage, systemClock, 0);
    return { reader, pages, details };
}

const read = (reader: AccountListingStateReader, names: string[]) => Promise.all(names.map((n) => reader.read(n)));
const domains = (from: number, count: number) => Array.from({ length: count }, (_, i) => `d${from + i}.x.test`);

describe("AccountListingStateReader", () => {
    it("GIVEN DCDN domains polled together in an account of one page THEN one listing answers them all, and a domain not on it is gone", async () => {
        const { reader, pages, details } = account(DCDN, 40);
        assert.deepEqual(await read(reader, [...domains(0, 5), "D39.X.TEST", "other.x.test"]), [
            ...domains(0, 5).map(() => "configuring"),
            "configuring",
            undefined,
        ]);
        assert.deepEqual(pages, [1]);
        assert.deepEqual(details, []);
    });

    it("GIVEN a Live domain not on the listing THEN its own detail says what it is, as Live's listing may leave out failed domains; DCDN's shows every state", async () => {
        const live = account(LIVE, 40);
        assert.deepEqual(await read(live.reader, ["d3.x.test", "failed.x.test", "other.x.test"]), ["configuring", "configure_failed", undefined]);
        assert.deepEqual(live.pages, [1]);
        assert.deepEqual(live.details.sort(), ["failed.x.test", "other.x.test"]);
        const dcdn = account(DCDN, 40);
        assert.deepEqual(await read(dcdn.reader, ["d3.x.test", "failed.x.test"]), ["configuring", undefined]);
        assert.deepEqual(dcdn.details, []);
    });

    it("GIVEN 500 DCDN domains waiting in an account of 2400 THEN the 5 pages (at 80/s) answer them, not 500 details (at 30/s)", async () => {
        const { reader, pages, details } = account(DCDN, 2400);
        const states = await read(reader, domains(1900, 500));
        assert.ok(states.every((s) => s === "configuring"));
        assert.deepEqual(pages, [1, 2, 3, 4, 5]);
        assert.deepEqual(details, []);
    });

    it("GIVEN 3 DCDN domains waiting in an account of 20 000 THEN the first page tells the size, and the rest read their details; later reads go to the details at once", async () => {
        const { reader, pages, details } = account(DCDN, 20_000);
        // d0 is on the first page; 40 pages at 80/s would take 0.49 s against 2 details at 30/s in 0.07 s.
        assert.deepEqual(await read(reader, ["d0.x.test", "d15000.x.test", "d19999.x.test"]), ["configuring", "configuring", "configuring"]);
        assert.deepEqual(pages, [1]);
        assert.deepEqual(details.sort(), ["d15000.x.test", "d19999.x.test"]);
        details.length = 0;
        assert.deepEqual(await read(reader, ["d1.x.test", "d20000.x.test"]), ["configuring", undefined]);
        assert.deepEqual(pages, [1], "no listing once the account is known to be large");
        assert.deepEqual(details.sort(), ["d1.x.test", "d20000.x.test"]);
    });

    it("GIVEN Live's pages of 50 THEN the same choice from Live's rates: 200 waiting in an account of 1000 read 20 pages (at 100/s), 2 waiting read details (at 50/s)", async () => {
        const many = account(LIVE, 1000);
        await read(many.reader, domains(800, 200));
        assert.equal(many.pages.length, 20);
        assert.deepEqual(many.details, []);
        const few = account(LIVE, 1000);
        await read(few.reader, ["d998.x.test", "d999.x.test"]);
        assert.deepEqual(few.pages, [1]);
        assert.deepEqual(few.details.sort(), ["d998.x.test", "d999.x.test"]);
    });

    it("GIVEN the listing fails THEN each domain gets the failure naming it alone, with how many shared the read", async () => {
        const { reader } = account(DCDN, 10, { failListing: true });
        const outcomes = await Promise.allSettled(domains(0, 3).map((n) => reader.read(n)));
        assert.deepEqual(
            outcomes.map((o) => o.status === "rejected" && [(o.reason as AlicloudApiError).code, (o.reason as AlicloudApiError).domainNames]),
            domains(0, 3).map((n) => ["ServiceUnavailable", [n]]),
        );
        assert.match((outcomes[0] as PromiseRejectedResult).reason.message, /d0\.x\.test/);
        assert.doesNotMatch((outcomes[0] as PromiseRejectedResult).reason.message, /d1\.x\.test/);
    });
});
