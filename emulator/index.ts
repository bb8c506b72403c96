// The emulator's public surface: start it in-process (tests, the demo) or through the `alicloud-cert-emulator`
// command (cli.ts). One endpoint serves both products; the API version of each call picks CDN or Live.
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { DEFAULT_BATCH_LIMIT } from "./handlers/actions";
import type { ActiveFault, FaultSpec } from "./faults";
import { Store } from "./persistence/store";
import type { RequestLogEntry } from "./requestLog";
import { DEFAULT_SEED, validateSeed, type Seed } from "./seed";
import { EmulatorServer } from "./server";

export { DEFAULT_ACCOUNT, DEFAULT_SEED, SeedError, validateSeed } from "./seed";
export type { Product, Seed, SeedAccount, SeedCasCertificate, SeedDomain, SeedDomainStatus, SeedStsToken } from "./seed";
export type { ActiveFault, FaultKind, FaultSpec } from "./faults";
export { FAULT_KINDS } from "./faults";
export type { RequestLogEntry } from "./requestLog";

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
    /** How long a domain stays `configuring` after a change. Default 1500 ms; 0 makes changes immediate. */
    readonly configuringMs?: number;
    /** Enforce the documented per-account, per-action calls per second. Default true. */
    readonly rateLimits?: boolean;
    /** Accepted difference between a request's timestamp and the emulator's clock. Default 15 minutes. */
    readonly clockSkewToleranceMs?: number;
    /** Domains per BatchSetCdnDomainServerCertificate call. Default 50. */
    readonly batchLimit?: number;
    /** Largest request line plus headers (certificate and key travel in the URL). Default 256 KiB. */
    readonly maxHeaderBytes?: number;
    /** Largest request body. Default 1 MiB. */
    readonly maxBodyBytes?: number;
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
    /** Adds an injected fault (same as POST /__emulator/faults). */
    injectFault(spec: FaultSpec): ActiveFault;
    /** Clears faults, the request log and rate-limit windows (same as POST /__emulator/reset). */
    reset(): void;
}

export const DEFAULTS = {
    host: "127.0.0.1",
    port: 0,
    configuringMs: 1500,
    rateLimits: true,
    clockSkewToleranceMs: 15 * 60 * 1000,
    batchLimit: DEFAULT_BATCH_LIMIT,
    maxHeaderBytes: 256 * 1024,
    maxBodyBytes: 1024 * 1024,
} as const;

export function loadSeedFile(path: string): Seed {
    return validateSeed(JSON.parse(readFileSync(path, "utf8")));
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
    const seed = options.seed ? validateSeed(options.seed) : options.seedFile ? loadSeedFile(options.seedFile) : DEFAULT_SEED;
    const store = Store.open(seed, options.stateFile);
    const server = new EmulatorServer({
        store,
        configuringMs: options.configuringMs ?? DEFAULTS.configuringMs,
        rateLimits: options.rateLimits ?? DEFAULTS.rateLimits,
        clockSkewToleranceMs: options.clockSkewToleranceMs ?? DEFAULTS.clockSkewToleranceMs,
        batchLimit: options.batchLimit ?? DEFAULTS.batchLimit,
        maxHeaderBytes: options.maxHeaderBytes ?? DEFAULTS.maxHeaderBytes,
        maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
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
        injectFault: (spec) => server.faults.add(spec),
        reset: () => server.reset(),
    };
}
