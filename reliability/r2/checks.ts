// What R2 checks after each recovery, each from outside the package: the official SDK says what every domain serves,
// `pulumi stack export` says what the state holds, and the emulator's request log says which domains were set.
import * as $Cdn from "@alicloud/cdn20180510";
import type { RequestLogEntry } from "../../emulator";
import { testCdnClient, type SdkKeys } from "../../harness/sdkClients";
import { leafFingerprint } from "../../harness/certs";

export interface Served {
    /** "on" or "off" (ServerCertificateStatus). */
    readonly status?: string;
    /** SHA-256 of the served leaf, lowercase hex. */
    readonly fingerprint?: string;
}

/** What each domain serves now, read with the official SDK (a few reads at a time, retried when throttled). */
export async function servedBy(endpoint: string, keys: SdkKeys, domains: readonly string[]): Promise<Map<string, Served>> {
    const client = testCdnClient(endpoint, keys);
    const result = new Map<string, Served>();
    const queue = [...domains];
    const worker = async () => {
        for (let domain = queue.shift(); domain !== undefined; domain = queue.shift()) {
            for (let attempt = 0; ; attempt++) {
                try {
                    const response = await client.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: domain }));
                    const info = response.body?.certInfos?.certInfo?.[0];
                    const pem = info?.serverCertificate;
                    result.set(domain, {
                        ...(info?.serverCertificateStatus ? { status: info.serverCertificateStatus } : {}),
                        ...(pem ? { fingerprint: leafFingerprint(pem) } : {}),
                    });
                    break;
                } catch (error) {
                    // The provider a killed CLI leaves behind may still be reading on the same account: its reads and
                    // these share the 100/s limit of the certificate read.
                    if (attempt >= 20 || !/Throttling/.test(String((error as { code?: unknown }).code ?? ""))) throw error;
                    await new Promise((r) => setTimeout(r, 200));
                }
            }
        }
    };
    await Promise.all(Array.from({ length: 5 }, worker));
    return result;
}

/** Whether what is served is what is declared: the certificate `fingerprint` on, or (`undefined`) HTTPS off. */
export function isDeclared(served: Served | undefined, fingerprint: string | undefined): boolean {
    if (fingerprint === undefined) return served?.status !== "on";
    return served?.status === "on" && served.fingerprint === fingerprint;
}

/** The calls that change a domain: every set action, single or batch, answered or not. */
export function isSet(entry: RequestLogEntry): boolean {
    return /^(Batch)?Set/.test(entry.action ?? "");
}

export interface SetCount {
    /** Set calls that reached each domain (accepted, refused, or unanswered), after the recovery started. */
    readonly attempts: Map<string, number>;
    /** Of those, the ones the emulator accepted (HTTP 200): each configures the domain again. */
    readonly accepted: Map<string, number>;
}

/** Set calls per domain in the log entries `from` onwards. */
export function countSets(entries: readonly RequestLogEntry[], from: number): SetCount {
    const attempts = new Map<string, number>();
    const accepted = new Map<string, number>();
    for (const entry of entries.slice(from)) {
        if (!isSet(entry)) continue;
        for (const domain of entry.domains) {
            attempts.set(domain, (attempts.get(domain) ?? 0) + 1);
            if (entry.status === 200) accepted.set(domain, (accepted.get(domain) ?? 0) + 1);
        }
    }
    return { attempts, accepted };
}

export interface StateCheck {
    /** How many resources of the certificate type the state holds per domain (id). */
    readonly perDomain: Map<string, number>;
    readonly pendingOperations: number;
    /** Resource URNs that appear more than once. */
    readonly doubledUrns: string[];
}

/** Reads a `pulumi stack export` for the resources of `type` (their ids are the domains) and pending operations. */
export function checkState(exported: any, type: string): StateCheck {
    const resources: any[] = exported?.deployment?.resources ?? [];
    const perDomain = new Map<string, number>();
    const urns = new Map<string, number>();
    for (const r of resources) {
        urns.set(r.urn, (urns.get(r.urn) ?? 0) + 1);
        if (r.type !== type) continue;
        perDomain.set(String(r.id), (perDomain.get(String(r.id)) ?? 0) + 1);
    }
    return {
        perDomain,
        pendingOperations: (exported?.deployment?.pending_operations ?? []).length,
        doubledUrns: [...urns].filter(([, n]) => n > 1).map(([u]) => u),
    };
}
