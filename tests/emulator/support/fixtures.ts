// What an emulator test starts from: seeded accounts, the emulator itself on a free loopback port (closed when the test
// ends), and the certificates the error tables send.
import { issueCertificate, type Issued } from "../../../harness/certs";
import { type EmulatorOptions, type RunningEmulator, type Seed, type SeedAccount, type SeedCasCertificate, startEmulator } from "../../../emulator";

export interface Keys {
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    readonly securityToken?: string;
}

/** An account with the given domains (all online unless listed in `offline`). */
export function account(
    id: string,
    domains: { cdn?: string[]; live?: string[]; dcdn?: string[]; offline?: string[] },
    extra: Partial<SeedAccount> = {},
): SeedAccount {
    const offline = new Set(domains.offline ?? []);
    const of = (product: "cdn" | "live" | "dcdn") =>
        (domains[product] ?? []).map((domainName) => ({
            domainName,
            product,
            domainStatus: offline.has(domainName) ? ("offline" as const) : ("online" as const),
        }));
    return {
        accessKeyId: `LTAItest${id}`,
        accessKeySecret: `secret-${id}-not-real`,
        domains: [...of("cdn"), ...of("live"), ...of("dcdn")],
        ...extra,
    };
}

/** An account (as `account` makes it) whose certificate service holds these entries from the start. */
export function accountWithCas(id: string, domains: Parameters<typeof account>[1], casCertificates: SeedCasCertificate[]): SeedAccount {
    return account(id, domains, { casCertificates });
}

export function keysOf(a: SeedAccount): Keys {
    return { accessKeyId: a.accessKeyId, accessKeySecret: a.accessKeySecret };
}

/** Starts an emulator for one test on a free loopback port; `t.after` closes it. */
export async function emulatorFor(
    t: { after: (fn: () => Promise<void> | void) => void },
    seed: Seed,
    options: Omit<EmulatorOptions, "seed"> = {},
): Promise<RunningEmulator> {
    const emulator = await startEmulator({ host: "127.0.0.1", port: 0, configuringMs: 0, freeIssueMs: 0, ...options, seed });
    t.after(() => emulator.close());
    return emulator;
}

export interface ErrorTableCertificates {
    readonly leaf: Issued;
    readonly other: Issued;
    readonly expired: Issued;
}

/**
 * The certificates an error table sends for `dnsNames`: a good leaf, another one for the same names (whose key does
 * not match the leaf) and one that expired a day ago.
 */
export async function errorTableCertificates(dnsNames: string[]): Promise<ErrorTableCertificates> {
    return {
        leaf: await issueCertificate({ dnsNames }),
        other: await issueCertificate({ dnsNames }),
        expired: await issueCertificate({ dnsNames, notBeforeDays: -30, notAfterDays: -1 }),
    };
}
