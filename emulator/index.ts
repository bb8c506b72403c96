// The emulator's public surface: start it in-process (tests, the demo) or through the `alicloud-cert-emulator`
// command (cli.ts). One endpoint serves every product; the API version of each call picks CDN, Live, DCDN or the
// certificate service.
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { DEFAULT_BATCH_LIMIT } from "./handlers/actions";
import type { CasSummary } from "./handlers/casStore";
import { CAS_DEFAULTS, type CasBehaviour } from "./handlers/casStore";
import type { ActiveFault, FaultSpec } from "./faults";
import { Store } from "./persistence/store";
import type { RequestLogEntry } from "./requestLog";
import { DEFAULT_SEED, validateSeed, type Seed } from "./seed";
import type { Product } from "./domains/record";
import type { DomainStatus } from "./domains/statuses";
import type { EmulatorClock } from "./handlers/context";
import { EmulatorServer } from "./server";

export { DEFAULT_ACCOUNT, DEFAULT_SEED, SeedError, validateSeed } from "./seed";
export type { Seed, SeedAccount, SeedCasCertificate, SeedDomain, SeedDomainStatus, SeedStsToken } from "./seed";
export type { ActiveFault, FaultKind, FaultSpec } from "./faults";
export { FAULT_KINDS } from "./faults";
export { DOMAIN_STATUSES } from "./domains/statuses";
export type { DomainStatus } from "./domains/statuses";
export type { EmulatorClock } from "./handlers/context";
export type { RequestLogEntry } from "./requestLog";
export type { CasSummary } from "./handlers/casStore";
export type { Product } from "./domains/record";
export { PRODUCTS_WITH_DOMAINS } from "./domains/record";
export type { CasRegion } from "./casRegions";
export type { CasSource } from "./persistence/model";

export interface EmulatorOptions {
    /** Interface to listen on. Default `127.0.0.1`. */
    readonly host?: string;
    /** Port; 0 (the default) picks a free one. */
    readonly port?: number;
    /** Where the cloud is kept between runs and shared between processes. Default: memory only. */
    readonly stateFile?: string;
    /** The accounts to start with (wins over `seedFile`). Default: DEFAULT_SEED. Ignored if `stateFile` exists. */
    readonly seed?: Seed;
    /** A JSON seed file (format: see README / Seed). */
    readonly seedFile?: string;
    /**
     * How long a domain stays `configuring` after a change: a number of milliseconds, or a range drawn from
     * uniformly for each change (`{min, max}`; the real cloud takes minutes). Default 1500 ms; 0 makes changes
     * immediate.
     */
    readonly configuringMs?: number | ConfiguringRange;
    /**
     * What the certificate reads show while a change configures: `new` (default), the new certificate at once;
     * `old`, the configuration in effect until the change ends. No public source says which the real API does.
     */
    readonly readDuringConfiguring?: "old" | "new";
    /** How long issuing a free certificate takes (the read says `applying`), before it configures. Default 3000 ms. */
    readonly freeIssueMs?: number;
    /**
     * How long a kept-alive connection may be idle before the server closes it, as a real front end does (without
     * announcing it in a Keep-Alive header). Default 10 s: the API front ends reclaim idle sessions after about 10 s
     * (terraform-provider-alicloud PR #10635); Alibaba's SLB documents 15 s for its own listeners.
     */
    readonly idleTimeoutMs?: number;
    /**
     * The cloud's clock: configuring, issuance and the rate limits run on it (signatures stay on the wall clock).
     * A test shares a fast clock with the provider so that minutes pass in seconds. Default: the wall clock.
     */
    readonly clock?: EmulatorClock;
    /** Draws configuring times from a range, and whether a fault with a probability strikes; default Math.random. */
    readonly random?: () => number;
    /** Enforce the documented per-account, per-action calls per second. Default true. */
    readonly rateLimits?: boolean;
    /** Accepted difference between a request's timestamp and the emulator's clock. Default 15 minutes. */
    readonly clockSkewToleranceMs?: number;
    /** Domains per BatchSetCdnDomainServerCertificate call. Default 50. (DCDN's batch has its documented 10.) */
    readonly batchLimit?: number;
    /** Largest request line plus headers (certificate and key travel in the URL). Default 256 KiB. */
    readonly maxHeaderBytes?: number;
    /** Largest request body. Default 1 MiB. */
    readonly maxBodyBytes?: number;
    /**
     * The certificate service (CAS): what a name already held in the account's centre gets, from
     * UploadUserCertificate (NameRepeat) and from an upload-mode set (Certificate.Duplicated). `refuse` (default,
     * what the evidence says): refused even for identical content. `same-content`: the identical leaf is the
     * existing entry (an upload answers its CertId; a set serves it); another leaf is still refused. ForceSet=1
     * overwrites the named entry in both modes.
     */
    readonly casNameReuse?: "refuse" | "same-content";
    /**
     * DeleteUserCertificate on an entry a domain serves (or is configuring to serve): `refuse` (default,
     * CertificateInUse) or `allow` (deleted; the domain keeps serving what it had).
     */
    readonly casDeleteInUse?: "refuse" | "allow";
    /** Certificates per account and centre (GetCertWarehouseQuota's TotalQuota). Default 5000, the SDK's example. */
    readonly casQuota?: number;
    /**
     * Whether Live's upload-mode sets put their certificate in the certificate service, as CDN's do (default true).
     * No source says; with false, Live keeps its own names (Certificate.Duplicated for another leaf under a name,
     * unless ForceSet=1) and the store is not touched.
     */
    readonly liveUploadToCas?: boolean;
}

export interface ConfiguringRange {
    readonly min: number;
    readonly max: number;
}

export interface RunningEmulator {
    /** `http://HOST:PORT`. */
    readonly endpoint: string;
    /** `HOST:PORT`: what the SDK's Config.endpoint takes (with `protocol: "http"`). */
    readonly hostPort: string;
    readonly port: number;
    /** Stops listening and drops open connections (hung ones included). */
    close(): Promise<void>;
    /** The request log (same as GET /__emulator/requests). */
    requests(): readonly RequestLogEntry[];
    /** TCP connections accepted so far (whether a client reused one or opened a new one). */
    connections(): number;
    /** Adds an injected fault (same as POST /__emulator/faults). */
    injectFault(spec: FaultSpec): ActiveFault;
    /** Clears faults, the request log and rate-limit windows (same as POST /__emulator/reset). */
    reset(): void;
    /** Puts a domain of any product (CDN, Live, DCDN) in one of the eight states (same as POST /__emulator/domains). */
    setDomainStatus(domainName: string, domainStatus: DomainStatus): void;
    /**
     * Adds a domain of `product` ("cdn", "live" or "dcdn") to an account, as the console would, in the given state. A
     * domain the account already has is left as it is, its certificate and any change in flight included.
     */
    addDomain(accessKeyId: string, domainName: string, product: Product, domainStatus?: DomainStatus): void;
    /**
     * The certificate-service entries of one account, or of every account (same as GET
     * /__emulator/cas-certificates[?accessKeyId=]): id, name, region, source, the leaf's SHA-256 and NotAfter; no PEM.
     */
    casCertificates(accessKeyId?: string): CasSummary[];
}

export const DEFAULTS = {
    host: "127.0.0.1",
    port: 0,
    configuringMs: 1500,
    readDuringConfiguring: "new",
    freeIssueMs: 3000,
    idleTimeoutMs: 10_000,
    rateLimits: true,
    clockSkewToleranceMs: 15 * 60 * 1000,
    batchLimit: DEFAULT_BATCH_LIMIT,
    maxHeaderBytes: 256 * 1024,
    maxBodyBytes: 1024 * 1024,
    casNameReuse: CAS_DEFAULTS.nameReuse,
    casDeleteInUse: CAS_DEFAULTS.deleteInUse,
    casQuota: CAS_DEFAULTS.quota,
    liveUploadToCas: CAS_DEFAULTS.liveUploadToCas,
} as const;

export function loadSeedFile(path: string): Seed {
    return validateSeed(JSON.parse(readFileSync(path, "utf8")));
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
    const seed = options.seed ? validateSeed(options.seed) : options.seedFile ? loadSeedFile(options.seedFile) : DEFAULT_SEED;
    const clock: EmulatorClock = options.clock ?? { now: () => Date.now() };
    const random = options.random ?? Math.random;
    const configuringMs = configuringTimes(options.configuringMs ?? DEFAULTS.configuringMs, random);
    const readDuringConfiguring = options.readDuringConfiguring ?? DEFAULTS.readDuringConfiguring;
    if (readDuringConfiguring !== "old" && readDuringConfiguring !== "new") {
        throw new RangeError(`readDuringConfiguring must be "old" or "new"; got ${JSON.stringify(readDuringConfiguring)}`);
    }
    const freeIssueMs = nonNegative(options.freeIssueMs ?? DEFAULTS.freeIssueMs, "freeIssueMs");
    const cas = casBehaviour(options);
    const store = Store.open(seed, options.stateFile, { now: clock.now(), configuringMs: configuringMs() });
    const server = new EmulatorServer({
        store,
        behaviour: { configuringMs, freeIssueMs, readDuringConfiguring, cas },
        clock,
        idleTimeoutMs: nonNegative(options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs, "idleTimeoutMs"),
        rateLimits: options.rateLimits ?? DEFAULTS.rateLimits,
        clockSkewToleranceMs: options.clockSkewToleranceMs ?? DEFAULTS.clockSkewToleranceMs,
        batchLimit: options.batchLimit ?? DEFAULTS.batchLimit,
        maxHeaderBytes: options.maxHeaderBytes ?? DEFAULTS.maxHeaderBytes,
        maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
        random,
    });
    const host = options.host ?? DEFAULTS.host;
    await new Promise<void>((resolve, reject) => {
        server.http.once("error", reject);
        server.http.listen(options.port ?? DEFAULTS.port, host, () => {
            server.http.off("error", reject);
            resolve();
        });
    });
    const { port } = server.http.address() as AddressInfo;
    const hostPort = `${host.includes(":") ? `[${host}]` : host}:${port}`;
    return {
        endpoint: `http://${hostPort}`,
        hostPort,
        port,
        close: () => server.close(),
        requests: () => server.log.list(),
        connections: () => server.connections.accepted,
        injectFault: (spec) => server.faults.add(spec),
        reset: () => server.hooks.reset(),
        setDomainStatus: (domainName, domainStatus) => {
            server.hooks.setDomainStatus({ domainName, domainStatus });
        },
        addDomain: (accessKeyId, domainName, product, domainStatus = "online") => {
            store.refresh();
            const account = store.accounts.find((a) => a.accessKeyId === accessKeyId);
            if (account && store.findDomain(account, domainName)) return;
            server.hooks.setDomainStatus({ domainName, domainStatus, product, accessKeyId });
        },
        casCertificates: (accessKeyId) => server.hooks.casCertificates(accessKeyId),
    };
}

function casBehaviour(options: EmulatorOptions): CasBehaviour {
    const nameReuse = options.casNameReuse ?? DEFAULTS.casNameReuse;
    if (nameReuse !== "refuse" && nameReuse !== "same-content")
        throw new RangeError(`casNameReuse must be "refuse" or "same-content"; got ${JSON.stringify(nameReuse)}`);
    const deleteInUse = options.casDeleteInUse ?? DEFAULTS.casDeleteInUse;
    if (deleteInUse !== "refuse" && deleteInUse !== "allow")
        throw new RangeError(`casDeleteInUse must be "refuse" or "allow"; got ${JSON.stringify(deleteInUse)}`);
    const quota = options.casQuota ?? DEFAULTS.casQuota;
    if (!Number.isInteger(quota) || quota < 0) throw new RangeError(`casQuota must be a whole number, 0 or more; got ${quota}`);
    const liveUploadToCas = options.liveUploadToCas ?? DEFAULTS.liveUploadToCas;
    if (typeof liveUploadToCas !== "boolean") throw new RangeError(`liveUploadToCas must be true or false; got ${JSON.stringify(liveUploadToCas)}`);
    return { nameReuse, deleteInUse, quota, liveUploadToCas };
}

function nonNegative(value: number, name: string): number {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a number of milliseconds, 0 or more; got ${value}`);
    return value;
}

/** A draw of the configuring time per change: fixed, or uniform over [min, max]. */
export function configuringTimes(setting: number | ConfiguringRange, random: () => number): () => number {
    if (typeof setting === "number") {
        const fixed = nonNegative(setting, "configuringMs");
        return () => fixed;
    }
    const min = nonNegative(setting.min, "configuringMs.min");
    const max = nonNegative(setting.max, "configuringMs.max");
    if (max < min) throw new RangeError(`configuringMs: max (${max}) is below min (${min})`);
    return () => Math.round(min + random() * (max - min));
}
