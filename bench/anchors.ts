// The anchors: how the tools people use today put one certificate on many CDN domains, reproduced with the official
// SDK (@alicloud/cdn20180510, SetCdnDomainSSLCertificate) against the same emulator and limits.
// - "sequential": one call per domain, one after the other, no retry; a failed call is reported and the tool moves
//   on (the way acme.sh's, certd's and Certimate's Alibaba CDN deployers work).
// - "parallel": 10 calls in flight, a throttled call retried after 3 s and then after 5 s, then given up (the way
//   the Terraform alicloud provider's default parallelism and throttling retry behave).
// Neither tool confirms; the benchmark measures each the same way it measures `pulumi up`: the time until every
// domain serves the new certificate, observed with certificate reads.
//
// The observer is the measuring instrument, not part of the anchor, and it is given every advantage: it knows the
// configuring time, so it reads a domain first exactly when its change can be in effect, and it paces its reads
// just under the read limit so that observing never throttles. Anything slower in the result is the anchor's.
import { leafFingerprint } from "../harness/certs";
import Cdn, * as $Cdn from "@alicloud/cdn20180510";
import Dcdn, * as $Dcdn from "@alicloud/dcdn20180115";
import * as $OpenApiClient from "@alicloud/openapi-client";
import { $OpenApiUtil } from "@alicloud/openapi-core";

export interface Account {
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
}

export interface CertificateFiles {
    /** PEM chain, leaf first. */
    readonly chainPem: string;
    /** PEM private key. */
    readonly keyPem: string;
}

/** A client's settings on the emulator, the same for both SDK generations (each wraps them in its own Config). */
function clientSettings(account: Account, hostPort: string) {
    return {
        accessKeyId: account.accessKeyId,
        accessKeySecret: account.accessKeySecret,
        endpoint: hostPort,
        protocol: "http",
        connectTimeout: 10_000,
        readTimeout: 10_000,
    };
}

/** A typed CDN client on the emulator. Timeouts are set because the SDK's 3 s default also is the idle timeout. */
export function cdnClient(account: Account, hostPort: string): Cdn {
    return new Cdn(new $OpenApiUtil.Config(clientSettings(account, hostPort)));
}

/**
 * A typed DCDN client on the emulator. @alicloud/dcdn20180115 (2.5.0) is of the older generation, built on
 * @alicloud/openapi-client's Config rather than openapi-core's.
 */
export function dcdnClient(account: Account, hostPort: string): Dcdn {
    return new Dcdn(new $OpenApiClient.Config(clientSettings(account, hostPort)));
}

/** The PEM a domain serves while HTTPS is on, or undefined: one certificate read through the product's official SDK. */
export type ServedCertificateRead = (domainName: string) => Promise<string | undefined>;

/** DescribeDomainCertificateInfo (100/s): ServerCertificate while ServerCertificateStatus is on. */
export function cdnServedCertificate(client: Cdn): ServedCertificateRead {
    return async (domainName) => {
        const response = await client.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName }));
        const info = response.body?.certInfos?.certInfo?.[0];
        return info?.serverCertificateStatus === "on" ? info.serverCertificate : undefined;
    };
}

/** DescribeDcdnDomainCertificateInfo (100/s): SSLPub while SSLProtocol is on. */
export function dcdnServedCertificate(client: Dcdn): ServedCertificateRead {
    return async (domainName) => {
        const response = await client.describeDcdnDomainCertificateInfo(new $Dcdn.DescribeDcdnDomainCertificateInfoRequest({ domainName }));
        const info = response.body?.certInfos?.certInfo?.[0];
        return info?.SSLProtocol === "on" ? info.SSLPub : undefined;
    };
}

/** Evenly spaced call starts, `perSecond` at most: the observer's own pacing. */
class Spacer {
    private next = 0;
    private readonly intervalMs: number;
    constructor(perSecond: number) {
        this.intervalMs = 1000 / perSecond;
    }
    async slot(): Promise<void> {
        const now = performance.now();
        const at = Math.max(now, this.next);
        this.next = at + this.intervalMs;
        if (at > now) await sleep(at - now);
    }
}

export interface ObserverOptions {
    readonly read: ServedCertificateRead;
    /** The fingerprint every watched domain must come to serve. */
    readonly fingerprint: string;
    /** Reads per second; default 90, just under the certificate reads' 100/s (CDN's and DCDN's alike). */
    readonly readsPerSecond?: number;
    /** Pause before reading a domain again that does not serve it yet. */
    readonly retryMs?: number;
    /** Reads in flight at most (the loopback answers in milliseconds; a few keep the pace under CPU load). */
    readonly concurrency?: number;
}

interface Watched {
    readonly domain: string;
    dueAt: number;
    inFlight: boolean;
}

/**
 * Watches domains until each serves `fingerprint`; records when it was first seen serving (performance.now()).
 * Domains are added as their set succeeds (`watch`); `finish` says no more will come and waits for the rest.
 */
export class ServeObserver {
    readonly servedAt = new Map<string, number>();
    readonly readErrors: Record<string, number> = {};
    reads = 0;
    private readonly pending: Watched[] = [];
    private closed = false;
    private readonly spacer: Spacer;
    private readonly workers: Promise<void>[];
    private deadline = Number.POSITIVE_INFINITY;

    constructor(private readonly options: ObserverOptions) {
        this.spacer = new Spacer(options.readsPerSecond ?? 90);
        this.workers = Array.from({ length: options.concurrency ?? 6 }, () => this.work());
    }

    /** Starts watching `domain`; its first read is not before `notBefore` (performance.now() time). */
    watch(domain: string, notBefore: number): void {
        if (this.closed) throw new Error("the observer is finished");
        this.pending.push({ domain, dueAt: notBefore, inFlight: false });
    }

    /** No more domains; resolves when every watched domain serves, or at `timeoutMs` from now with what it saw. */
    async finish(timeoutMs: number): Promise<void> {
        this.closed = true;
        this.deadline = performance.now() + timeoutMs;
        await Promise.all(this.workers);
    }

    /** Domains watched and never seen serving (after finish). */
    get unserved(): string[] {
        return this.pending.map((w) => w.domain);
    }

    private async work(): Promise<void> {
        for (;;) {
            const now = performance.now();
            if (this.closed && (this.pending.length === 0 || now > this.deadline)) return;
            const next = this.earliest();
            if (next === undefined || next.dueAt > now) {
                await sleep(next === undefined ? 20 : Math.min(50, next.dueAt - now));
                continue;
            }
            next.inFlight = true;
            await this.spacer.slot();
            const served = await this.read(next.domain);
            next.inFlight = false;
            if (served) {
                this.servedAt.set(next.domain, performance.now());
                this.pending.splice(this.pending.indexOf(next), 1);
            } else {
                next.dueAt = performance.now() + (this.options.retryMs ?? 250);
            }
        }
    }

    private earliest(): Watched | undefined {
        let best: Watched | undefined;
        for (const w of this.pending) if (!w.inFlight && (best === undefined || w.dueAt < best.dueAt)) best = w;
        return best;
    }

    private async read(domainName: string): Promise<boolean> {
        this.reads++;
        try {
            const pem = await this.options.read(domainName);
            return !!pem && leafFingerprint(pem) === this.options.fingerprint;
        } catch (error) {
            const code = codeOf(error);
            this.readErrors[code] = (this.readErrors[code] ?? 0) + 1;
            return false;
        }
    }
}

export interface AnchorResult {
    readonly name: string;
    readonly domains: number;
    /** Set calls made, and those answered with an error (each retry counts as a call). */
    readonly calls: number;
    readonly failedCalls: number;
    readonly failedByCode: Record<string, number>;
    /** Domains whose set never succeeded: they never get the new certificate. */
    readonly failedDomains: number;
    /** Seconds from the first call until the last domain whose set succeeded was seen serving (undefined: none). */
    readonly servedSeconds?: number;
    /** Seconds the set calls took, first to last. */
    readonly callSeconds: number;
    /** Domains whose set succeeded but which were never seen serving (should be 0). */
    readonly unconfirmed: number;
    readonly observerReads: number;
}

export interface AnchorOptions {
    readonly client: Cdn;
    readonly domains: readonly string[];
    readonly certificate: CertificateFiles;
    /** The emulator's configuring time: when the observer first reads a domain after its set. */
    readonly configuringMs: number;
    /**
     * A CertName prefix unique to this run. Names are unique per account, even for the same content (the certificate
     * service refuses a name it holds), so each domain's set names its certificate `<prefix>-<domain>`, as the peers
     * that deploy one domain at a time do (0xJacky/cdn_cert #1 names each by domain and time).
     */
    readonly certName: string;
    /** Bound on observing after the last call. */
    readonly observeTimeoutMs?: number;
}

function setRequest(options: AnchorOptions, domainName: string): $Cdn.SetCdnDomainSSLCertificateRequest {
    return new $Cdn.SetCdnDomainSSLCertificateRequest({
        domainName,
        SSLProtocol: "on",
        certType: "upload",
        certName: `${options.certName}-${domainName}`.slice(0, 128),
        SSLPub: options.certificate.chainPem,
        SSLPri: options.certificate.keyPem,
    });
}

/** acme.sh / certd / Certimate: one SetCdnDomainSSLCertificate per domain, in sequence, no retry. */
export async function sequentialAnchor(options: AnchorOptions): Promise<AnchorResult> {
    const observer = new ServeObserver({ read: cdnServedCertificate(options.client), fingerprint: leafFingerprint(options.certificate.chainPem) });
    const failedByCode: Record<string, number> = {};
    let failedCalls = 0;
    const started = performance.now();
    for (const domain of options.domains) {
        try {
            await options.client.setCdnDomainSSLCertificate(setRequest(options, domain));
            observer.watch(domain, performance.now() + options.configuringMs);
        } catch (error) {
            failedCalls++;
            const code = codeOf(error);
            failedByCode[code] = (failedByCode[code] ?? 0) + 1;
        }
    }
    const callSeconds = (performance.now() - started) / 1000;
    await observer.finish(options.observeTimeoutMs ?? 120_000);
    return result("sequential", options, observer, started, callSeconds, options.domains.length, failedCalls, failedByCode, failedCalls);
}

/** Terraform alicloud: 10 in parallel; Throttling retried after 3 s, then after 5 s, then given up. */
export async function parallelAnchor(options: AnchorOptions & { parallelism?: number; retryDelaysMs?: readonly number[] }): Promise<AnchorResult> {
    const observer = new ServeObserver({ read: cdnServedCertificate(options.client), fingerprint: leafFingerprint(options.certificate.chainPem) });
    const delays = options.retryDelaysMs ?? [3_000, 5_000];
    const failedByCode: Record<string, number> = {};
    let calls = 0;
    let failedCalls = 0;
    let failedDomains = 0;
    let next = 0;
    const started = performance.now();
    const worker = async () => {
        while (next < options.domains.length) {
            const domain = options.domains[next++]!;
            for (let attempt = 0; ; attempt++) {
                calls++;
                try {
                    await options.client.setCdnDomainSSLCertificate(setRequest(options, domain));
                    observer.watch(domain, performance.now() + options.configuringMs);
                    break;
                } catch (error) {
                    failedCalls++;
                    const code = codeOf(error);
                    failedByCode[code] = (failedByCode[code] ?? 0) + 1;
                    if (!code.includes("Throttling") || attempt >= delays.length) {
                        failedDomains++;
                        break;
                    }
                    await sleep(delays[attempt]!);
                }
            }
        }
    };
    await Promise.all(Array.from({ length: options.parallelism ?? 10 }, worker));
    const callSeconds = (performance.now() - started) / 1000;
    await observer.finish(options.observeTimeoutMs ?? 120_000);
    return result("parallel", options, observer, started, callSeconds, calls, failedCalls, failedByCode, failedDomains);
}

function result(
    name: string,
    options: AnchorOptions,
    observer: ServeObserver,
    started: number,
    callSeconds: number,
    calls: number,
    failedCalls: number,
    failedByCode: Record<string, number>,
    failedDomains: number,
): AnchorResult {
    const times = [...observer.servedAt.values()];
    return {
        name,
        domains: options.domains.length,
        calls,
        failedCalls,
        failedByCode,
        failedDomains,
        servedSeconds: times.length > 0 ? (Math.max(...times) - started) / 1000 : undefined,
        callSeconds,
        unconfirmed: observer.unserved.length,
        observerReads: observer.reads,
    };
}

/**
 * Reads every domain once (paced under the read limit) and returns those that do not serve `fingerprint`: the
 * benchmark's check that a `pulumi up` that reported success left every domain serving the declared certificate.
 */
export async function domainsNotServing(read: ServedCertificateRead, domains: readonly string[], fingerprint: string, timeoutMs = 120_000): Promise<string[]> {
    const observer = new ServeObserver({ read, fingerprint, retryMs: 1_000 });
    const now = performance.now();
    for (const domain of domains) observer.watch(domain, now);
    // One pass is enough for a settled cloud; the retry interval and the timeout only cover a slow loopback.
    await observer.finish(timeoutMs);
    return observer.unserved;
}

/** The API error code of an SDK error ("Throttling.User", "ServiceBusy", ...), or a network error's code. */
export function codeOf(error: unknown): string {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === "string" && code !== "" ? code : ((error as Error | null)?.name ?? "Error");
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
