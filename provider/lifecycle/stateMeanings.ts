// What the cloud's states mean for a change, and what a user does about each: the domain's own state
// (DomainStatus) and a certificate's Status. One table each, so that the confirmation's decisions and its messages
// come from the same place.
//
// Sources: the eight DomainStatus values of @alicloud/cdn20180510 5.0.0 (DescribeUserDomains; Live documents
// online, offline and configuring); the CertInfo.Status values and their meanings in the same SDK and in
// live-20161101's DescribeLiveDomainCertificateInfoResponseBody. Terraform's alicloud provider waits through
// configuring and treats configure_failed and check_failed as failures (resource_alicloud_cdn_domain_new.go).

/** What a domain's state means for a change: it can take one now, will be able to later, or needs a person. */
export type DomainCondition = "ready" | "busy" | "failed";

/** What a state or status means: how the lifecycle treats it, the words a message uses, and what to do. */
export interface Meaning<Condition extends string> {
    readonly condition: Condition;
    /** Completes "<domain> is <state>: ..." (or "... ended in status <status>: ..."). */
    readonly meaning: string;
    /** What to do; absent for states that need nothing. */
    readonly fix?: string;
}

export type StateMeaning = Meaning<DomainCondition>;

const RUN_AGAIN = "then run `pulumi up` again: the resource is kept in state and carries on from what the domain serves";

export const DOMAIN_STATES: Readonly<Record<string, StateMeaning>> = {
    online: { condition: "ready", meaning: "it serves its configuration and takes changes" },
    configuring: { condition: "busy", meaning: "it is applying a change, which takes minutes" },
    checking: { condition: "busy", meaning: "Alibaba Cloud is reviewing it (after it was added or changed)" },
    configure_failed: {
        condition: "failed",
        meaning: "its last change failed to apply, and it keeps serving what it served before",
        fix: `look up the failed change in the console's operation records for the domain, correct or revert it there (or ask Alibaba Cloud support, quoting the domain), ${RUN_AGAIN}`,
    },
    check_failed: {
        condition: "failed",
        meaning: "it did not pass Alibaba Cloud's review (for example ICP filing or content), so it takes no change",
        fix: `see the review result in the console, resolve it, ${RUN_AGAIN}`,
    },
    offline: {
        condition: "failed",
        meaning: "it is stopped: it serves nothing and takes no change",
        fix: `start it in the console (or with StartCdnDomain / StartLiveDomain), ${RUN_AGAIN}`,
    },
    stopping: {
        condition: "failed",
        meaning: "it is being stopped, and takes no change",
        fix: `start it again once it is offline, ${RUN_AGAIN}; or remove the resource from the stack if the domain is meant to stay stopped`,
    },
    deleting: {
        condition: "failed",
        meaning: "it is being deleted from the account",
        fix: "remove the resource from the stack (the domain is going away), or add the domain again and run `pulumi up`",
    },
};

/** A state no table lists: waited on (it may pass) and named as it is at a timeout. */
export function meaningOfDomainState(status: string): StateMeaning {
    return DOMAIN_STATES[status] ?? { condition: "busy", meaning: "its state is not one this package knows" };
}

/** What a certificate's Status means: in effect, still being issued, or an issuance that failed. */
export type CertificateCondition = "served" | "issuing" | "failed";

export type CertificateStatusMeaning = Meaning<CertificateCondition>;

const UPLOAD_INSTEAD = 'or deploy a certificate you obtain yourself with certType: "upload"';
const ASK_AGAIN = `run \`pulumi up\` again to apply for it anew, ${UPLOAD_INSTEAD}`;

export const CERTIFICATE_STATUSES: Readonly<Record<string, CertificateStatusMeaning>> = {
    success: { condition: "served", meaning: "the certificate is in effect" },
    applying: { condition: "issuing", meaning: "the free certificate is being issued" },
    checking: { condition: "issuing", meaning: "the issuer is checking that the domain points at Alibaba Cloud" },
    cname_error: {
        condition: "failed",
        meaning: "the free certificate could not be issued: the domain has no valid CNAME record pointing at Alibaba Cloud",
        fix: `point the domain's CNAME at the CNAME the console shows for it, wait for DNS to update, then ${ASK_AGAIN}`,
    },
    top_domain_cname_error: {
        condition: "failed",
        meaning: "the free certificate could not be issued: the top-level domain has no valid CNAME record",
        fix: `add the CNAME record the console asks for on the top-level domain, then ${ASK_AGAIN}`,
    },
    domain_invalid: {
        condition: "failed",
        meaning: "the free certificate could not be issued: the domain name has characters the issuer refuses",
        fix: `deploy a certificate you obtain yourself with certType: "upload"`,
    },
    unsupport_wildcard: {
        condition: "failed",
        meaning: "free certificates do not cover wildcard domains",
        fix: `deploy a wildcard certificate you obtain yourself with certType: "upload"`,
    },
    get_token_timeout: { condition: "failed", meaning: "the free certificate's application timed out", fix: ASK_AGAIN },
    check_token_timeout: { condition: "failed", meaning: "the free certificate's domain verification timed out", fix: ASK_AGAIN },
    get_cert_timeout: { condition: "failed", meaning: "the free certificate could not be fetched from the issuer in time", fix: ASK_AGAIN },
    failed: { condition: "failed", meaning: "the free certificate's application failed: the issuer did not issue it", fix: ASK_AGAIN },
};

/** An absent Status is a certificate in effect (Live reports Status for free certificates only). */
export function meaningOfCertificateStatus(status: string | undefined): CertificateStatusMeaning {
    if (status === undefined || status === "") return CERTIFICATE_STATUSES.success!;
    return CERTIFICATE_STATUSES[status] ?? { condition: "issuing", meaning: `the certificate's status is ${status}` };
}
