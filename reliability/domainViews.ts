// What the domains serve after a scenario, asked with the official SDK beside the code under test.
import type Cdn from "@alicloud/cdn20180510";
import * as $Cdn from "@alicloud/cdn20180510";
import { leafFingerprint } from "../harness/certs";
import { testCdnClient, type SdkKeys } from "../harness/sdkClients";

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

export interface DomainView {
    /** DomainStatus from DescribeUserDomains (with CheckDomainShow=true); undefined when not listed. */
    readonly state?: string;
    /** ServerCertificateStatus: on / off. */
    readonly https?: string;
    /** SHA-256 of the served leaf, lowercase hex. */
    readonly fingerprint?: string;
    /** Set when the SDK could not read the domain. */
    readonly error?: string;
}

/** Spaces call starts `perSecond` apart at most, so the checker itself never meets the account's limits. */
function spacer(perSecond: number): () => Promise<void> {
    let next = 0;
    return async () => {
        const now = performance.now();
        const at = Math.max(now, next);
        next = at + 1000 / perSecond;
        await sleep(at - now);
    };
}

async function patiently<T>(call: () => Promise<T>): Promise<T> {
    // Only throttling is retried: the checker runs once the faults are cleared, and anything else is a finding.
    for (let attempt = 1; ; attempt++) {
        try {
            return await call();
        } catch (error) {
            const code = String((error as { code?: unknown }).code ?? "");
            if (!code.includes("Throttling") || attempt >= 5) throw error;
            await sleep(500 * attempt);
        }
    }
}

/**
 * Each domain's state (50 names per DescribeUserDomains call) and certificate (one DescribeDomainCertificateInfo
 * each), with the SDK beside the code under test. Paced at half the read limits: the run under test is over, but
 * another stack's may not be.
 */
export async function viewDomains(endpoint: string, keys: SdkKeys, domains: readonly string[]): Promise<Map<string, DomainView>> {
    const client: Cdn = testCdnClient(endpoint, keys);
    const states = new Map<string, string>();
    const listSlot = spacer(50);
    for (let i = 0; i < domains.length; i += 50) {
        const chunk = domains.slice(i, i + 50);
        await listSlot();
        const answer = await patiently(() =>
            client.describeUserDomains(
                new $Cdn.DescribeUserDomainsRequest({ domainName: chunk.join(","), domainSearchType: "full_match", checkDomainShow: true, pageSize: 50 }),
            ),
        );
        for (const entry of answer.body?.domains?.pageData ?? []) if (entry.domainName && entry.domainStatus) states.set(entry.domainName, entry.domainStatus);
    }
    const views = new Map<string, DomainView>();
    const readSlot = spacer(50);
    let index = 0;
    const worker = async () => {
        while (index < domains.length) {
            const domain = domains[index++]!;
            await readSlot();
            const state = states.get(domain);
            try {
                const answer = await patiently(() =>
                    client.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: domain })),
                );
                const info = (answer.body?.certInfos?.certInfo ?? []).find((c) => c.domainName === domain);
                const pem = info?.serverCertificate;
                views.set(domain, {
                    ...(state === undefined ? {} : { state }),
                    ...(info?.serverCertificateStatus ? { https: info.serverCertificateStatus } : {}),
                    ...(pem ? { fingerprint: leafFingerprint(pem) } : {}),
                });
            } catch (error) {
                views.set(domain, {
                    ...(state === undefined ? {} : { state }),
                    error: `${(error as { code?: string }).code ?? ""} ${(error as Error).message}`.trim(),
                });
            }
        }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return views;
}

/** Online and serving `fingerprint` with HTTPS on: what "converged" means for a domain. */
export function serves(view: DomainView | undefined, fingerprint: string): boolean {
    return view?.state === "online" && view.https === "on" && view.fingerprint === fingerprint;
}
