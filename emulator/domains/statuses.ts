// The states a domain can be in, and what each one means for the emulated API. One table, so that the seed, the
// hook that sets a state, the set actions' refusals and the domain listings agree. Which state a domain is in at a
// given time is decided beside it, in lifecycle.ts.
//
// Sources: the eight values are those of `DomainStatus` in @alicloud/cdn20180510 5.0.0 (DescribeUserDomainsRequest
// and DescribeUserDomainsResponseBodyDomainsPageData); `CheckDomainShow` there says domains "under review, failed
// the review, or failed to be configured" are listed only when asked for. Terraform's alicloud provider treats
// configure_failed and check_failed as failures of its waits (resource_alicloud_cdn_domain_new.go).

export const DOMAIN_STATUSES = ["online", "offline", "configuring", "configure_failed", "checking", "check_failed", "stopping", "deleting"] as const;

export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

/**
 * A state a domain rests in. `configuring` is not one: it is derived from a change in progress, which ends by
 * itself (back to `online`, or in the failure state the change ends in).
 */
export type RestingStatus = Exclude<DomainStatus, "configuring">;

/** The states a change may end in instead of `online` (the `configure-failed` and `check-failed` faults). */
export type FailedOutcome = "configure_failed" | "check_failed";

export function isDomainStatus(value: unknown): value is DomainStatus {
    return typeof value === "string" && (DOMAIN_STATUSES as readonly string[]).includes(value);
}

/**
 * Listed by DescribeUserDomains only with `CheckDomainShow=true` ("domain names that are under review, failed the
 * review, or failed to be configured"). A client that leaves the flag out does not see these domains at all.
 */
export const SHOWN_ONLY_ON_REQUEST: ReadonlySet<DomainStatus> = new Set(["checking", "check_failed", "configure_failed"]);
