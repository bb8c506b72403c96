// DescribeUserDomains: the account's domains of the product, with their states, a page at a time.
//
// From @alicloud/cdn20180510 5.0.0 (DescribeUserDomainsRequest and the remarks on describeUserDomainsWithOptions):
// - PageSize 1 to 500 (default 20), PageNumber 1 to 100000 (default 1); 100 calls/s per account.
// - DomainName: up to 50 names, comma-separated. DomainSearchType fuzzy_match, pre_match, suf_match or full_match;
//   "if you specify the domain names to query but do not set the DomainSearchType parameter, the exact match mode
//   is used".
// - DomainStatus: one of the eight states; absent, every state.
// - CheckDomainShow: "whether to display domain names that are under review, failed the review, or failed to be
//   configured" (checking, check_failed, configure_failed). EMULATOR POLICY: without it they are not listed, the
//   reading that makes a client that forgets the flag lose those domains rather than be saved by luck.
// - Answer: Domains.PageData[] (DomainName, Cname, CdnType, DomainStatus, GmtCreated, GmtModified, SslProtocol,
//   Coverage, Description, ResourceGroupId, Sandbox, Sources.Source[]), PageNumber, PageSize, TotalCount.
// DescribeLiveUserDomains is Live's (live-20161101 DescribeLiveUserDomainsRequest / ResponseBody): 100 calls/s,
// PageSize at most 50, DomainName one keyword matched fuzzily by default, and the state in `LiveDomainStatus`.
// DescribeDcdnUserDomains is DCDN's (@alicloud/dcdn20180115 2.5.0 DescribeDcdnUserDomainsRequest / ResponseBody;
// help.aliyun.com/document_detail/131406.html): 80 calls/s, PageSize 1 to 500 (default 20), DomainSearchType
// full_match by default, the state in DomainStatus, TotalCount at the top level, and SSLProtocol (not CDN's
// SslProtocol) on each entry. Its own error table (AlibabaCloudDocs/dcdn DescribeDcdnUserDomains.md) words the
// values out of range: InvalidPageNumber.ValueNotSupported, InvalidPageSize.ValueNotSupported,
// InvalidDomainStatus.ValueNotSupported, InvalidDomainSearchType.ValueNotSupported, InvalidDomainName.Malformed.
// EMULATOR POLICIES where the docs say nothing: entries are in order of domain name; more than 50 names, or a value
// out of range, is InvalidParameter naming the parameter (CDN, Live) or the code of DCDN's table; DCDN's DomainName
// is a comma list of up to 50 as CDN's (its doc neither allows nor forbids a list).
import { statusAt } from "../domains/lifecycle";
import type { DomainRecord, Product } from "../domains/record";
import type { ApiError } from "../errors";
import { isDomainStatus, SHOWN_ONLY_ON_REQUEST, type DomainStatus } from "../domains/statuses";
import * as errors from "../errors";
import { domainProduct, integerParameter, type HandlerContext, type ResponseBody } from "./context";
import { acsTime, shownConfiguration } from "./describe";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_NUMBER = 100_000;
export const MAX_NAMES_PER_LIST = 50;

const SEARCH_TYPES = ["fuzzy_match", "pre_match", "suf_match", "full_match"] as const;
type SearchType = (typeof SEARCH_TYPES)[number];

/** The parameters a listing checks, and what each answers when its value is not accepted. */
type Checked = "PageNumber" | "PageSize" | "DomainName" | "DomainSearchType" | "DomainStatus";

interface Listing {
    readonly maxPageSize: number;
    readonly defaultSearch: SearchType;
    readonly namesPerCall: number;
    readonly statusField: string;
    readonly refuse: (parameter: Checked) => ApiError;
    /** An entry of Domains.PageData, past the fields every product shares. */
    readonly entry: (ctx: HandlerContext, domain: DomainRecord) => Record<string, unknown>;
}

const gatewayRefusal = (parameter: Checked) => errors.invalidParameter(parameter);

const DCDN_REFUSALS: Readonly<Record<Checked, () => ApiError>> = {
    PageNumber: () => errors.invalidPageNumber(errors.DCDN_WORDING.invalidPageNumber),
    PageSize: () => errors.invalidPageSize(errors.DCDN_WORDING.invalidPageSize),
    DomainName: () => errors.invalidDomainNameMalformed(errors.DCDN_WORDING.invalidDomainName),
    DomainSearchType: () => errors.invalidDomainSearchType(errors.DCDN_WORDING.invalidDomainSearchType),
    DomainStatus: () => errors.invalidDomainStatus(errors.DCDN_WORDING.invalidDomainStatus),
};

// Always an array, as every list in the API's JSON.
const origins = (domain: DomainRecord) => ({ Source: [{ Content: `origin.${domain.domainName}`, Type: "domain", Port: 80, Priority: "20", Weight: "10" }] });

/** How the products' listings differ. */
const LISTING: Readonly<Record<Product, Listing>> = {
    cdn: {
        maxPageSize: 500,
        defaultSearch: "full_match",
        namesPerCall: MAX_NAMES_PER_LIST,
        statusField: "DomainStatus",
        refuse: gatewayRefusal,
        entry: (ctx, domain) => ({
            CdnType: "web",
            Coverage: "domestic",
            ResourceGroupId: "rg-emulator",
            Sandbox: "normal",
            SslProtocol: shownConfiguration(ctx, domain).status,
            Sources: origins(domain),
        }),
    },
    live: {
        maxPageSize: 50,
        defaultSearch: "fuzzy_match",
        namesPerCall: 1,
        statusField: "LiveDomainStatus",
        refuse: gatewayRefusal,
        entry: () => ({ LiveDomainType: "liveVideo", RegionName: "cn-shanghai", ResourceGroupId: "rg-emulator" }),
    },
    dcdn: {
        maxPageSize: 500,
        defaultSearch: "full_match",
        namesPerCall: MAX_NAMES_PER_LIST,
        statusField: "DomainStatus",
        refuse: (parameter) => DCDN_REFUSALS[parameter](),
        entry: (ctx, domain) => ({
            ResourceGroupId: "rg-emulator",
            Sandbox: "normal",
            SSLProtocol: shownConfiguration(ctx, domain).status,
            Sources: origins(domain),
        }),
    },
};

function matcher(names: readonly string[], type: SearchType): (domainName: string) => boolean {
    if (names.length === 0) return () => true;
    const test = {
        full_match: (domain: string, name: string) => domain === name,
        pre_match: (domain: string, name: string) => domain.startsWith(name),
        suf_match: (domain: string, name: string) => domain.endsWith(name),
        fuzzy_match: (domain: string, name: string) => domain.includes(name),
    }[type];
    return (domainName) => names.some((name) => test(domainName, name));
}

export function listDomains(ctx: HandlerContext): ResponseBody {
    const listing = LISTING[domainProduct(ctx)];
    const pageSize = integerParameter(ctx, "PageSize", DEFAULT_PAGE_SIZE, listing.maxPageSize, () => listing.refuse("PageSize"));
    const pageNumber = integerParameter(ctx, "PageNumber", 1, MAX_PAGE_NUMBER, () => listing.refuse("PageNumber"));
    const given = (ctx.params.get("DomainName") ?? "").trim().toLowerCase();
    // CDN and DCDN take a comma list; Live one keyword.
    const names = [...new Set((listing.namesPerCall > 1 ? given.split(",") : [given]).map((name) => name.trim()).filter((name) => name !== ""))];
    if (names.length > MAX_NAMES_PER_LIST) throw listing.refuse("DomainName");
    const searchType = ctx.params.get("DomainSearchType")?.trim() || listing.defaultSearch;
    if (!(SEARCH_TYPES as readonly string[]).includes(searchType)) throw listing.refuse("DomainSearchType");
    const statusFilter = ctx.params.get("DomainStatus")?.trim() || undefined;
    if (statusFilter !== undefined && !isDomainStatus(statusFilter)) throw listing.refuse("DomainStatus");
    const showChecked = ctx.params.get("CheckDomainShow")?.trim().toLowerCase() === "true";

    const matches = matcher(names, searchType as SearchType);
    const now = ctx.now();
    const listed: { domain: DomainRecord; status: DomainStatus }[] = [];
    for (const domain of Object.values(ctx.account.domains)) {
        if (domain.product !== ctx.spec.product || !matches(domain.domainName)) continue;
        const status = statusAt(domain, now);
        if (statusFilter !== undefined && status !== statusFilter) continue;
        if (!showChecked && SHOWN_ONLY_ON_REQUEST.has(status)) continue;
        listed.push({ domain, status });
    }
    listed.sort((a, b) => (a.domain.domainName < b.domain.domainName ? -1 : a.domain.domainName > b.domain.domainName ? 1 : 0));
    const page = listed.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    return {
        Domains: { PageData: page.map(({ domain, status }) => pageEntry(ctx, domain, status)) },
        PageNumber: pageNumber,
        PageSize: pageSize,
        TotalCount: listed.length,
    };
}

function pageEntry(ctx: HandlerContext, domain: DomainRecord, status: DomainStatus): Record<string, unknown> {
    const listing = LISTING[domainProduct(ctx)];
    return {
        DomainName: domain.domainName,
        [listing.statusField]: status,
        Cname: domain.cname,
        GmtCreated: acsTime(domain.createdAt),
        GmtModified: acsTime(domain.modifiedAt),
        Description: "",
        ...listing.entry(ctx, domain),
    };
}
