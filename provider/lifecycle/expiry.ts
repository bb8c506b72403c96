// Expiry: a certificate that runs out soon is said at preview, before anyone's site shows an error. Every peer
// (certd, Certimate, acme.sh) is built around renewal; this package does not renew, so it warns.
//   alicloud-certs:expiryWarningDays  (default 30) a warning on the resource in `pulumi preview` and `pulumi up`;
//   alicloud-certs:expiryFailDays     (unset: never) check fails inside this window, so that a scheduled
//                                     `pulumi preview --refresh --expect-no-changes` fails (examples/pipelines).
// Pure: the policy comes from the stack config, the time from the caller.
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import { CONFIG_NAMESPACE, type ConfigSource } from "../config";

export const WARNING_DAYS_KEY = `${CONFIG_NAMESPACE}:expiryWarningDays`;
export const FAIL_DAYS_KEY = `${CONFIG_NAMESPACE}:expiryFailDays`;
export const DEFAULT_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export interface ExpiryPolicy {
    readonly warningDays: number;
    /** Undefined: an expiring certificate never fails check (an expired one always does: check.ts). */
    readonly failDays?: number;
}

/** The policy from the stack config, and a failure for each key that is not a whole number of days. */
export function expiryPolicyFromConfig(config?: ConfigSource): { policy: ExpiryPolicy; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const days = (key: string, example: number): number | undefined => {
        const raw = config?.get(key)?.trim();
        if (raw === undefined || raw === "") return undefined;
        if (/^\d{1,5}$/.test(raw)) return Number(raw);
        failures.push({
            property: "",
            reason: `stack config ${key} must be a whole number of days (0 or more); got ${JSON.stringify(raw)}. Fix: pulumi config set ${key} ${example}`,
        });
        return undefined;
    };
    const warningDays = days(WARNING_DAYS_KEY, DEFAULT_WARNING_DAYS) ?? DEFAULT_WARNING_DAYS;
    const failDays = days(FAIL_DAYS_KEY, 14);
    return { policy: failDays === undefined ? { warningDays } : { warningDays, failDays }, failures };
}

/** What a resource is, for the warning: "the DomainCertificate `www` (www.example.com)". */
export interface ExpiringSubject {
    readonly resource: string;
    /** "www.example.com", or "its 500 domains". */
    readonly domains: string;
}

export type ExpiryFinding = { readonly kind: "fail"; readonly failure: CheckFailure } | { readonly kind: "warn"; readonly message: string };

/**
 * The finding for a certificate valid until `notAfter` (ISO 8601), checked at `now`. Undefined outside both
 * windows. The fail window wins where both apply.
 */
export function expiryFinding(notAfter: string, now: Date, policy: ExpiryPolicy, subject: ExpiringSubject): ExpiryFinding | undefined {
    const end = Date.parse(notAfter);
    if (Number.isNaN(end)) return undefined;
    const left = end - now.getTime();
    if (left <= 0) return undefined; // expired: check fails on it already, with its own message
    const date = notAfter.slice(0, 10);
    const inDays = Math.floor(left / DAY_MS);
    const when = `expires on ${date} (${inDays === 0 ? "in less than a day" : `in ${inDays} day${inDays === 1 ? "" : "s"}`})`;
    if (policy.failDays !== undefined && left <= policy.failDays * DAY_MS) {
        return {
            kind: "fail",
            failure: {
                property: "certificate",
                reason: `${when}, within ${FAIL_DAYS_KEY} (${policy.failDays}): put a renewed certificate in the stack, or lower ${FAIL_DAYS_KEY}`,
            },
        };
    }
    if (left <= policy.warningDays * DAY_MS) {
        return {
            kind: "warn",
            message: `the certificate of ${subject.resource} on ${subject.domains} ${when}, within ${WARNING_DAYS_KEY} (${policy.warningDays}): renew it`,
        };
    }
    return undefined;
}
