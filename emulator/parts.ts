// What the server's two request paths share, made once per emulator (server.ts): the cloud, how it behaves, and the
// machinery that outlives a request. The Alibaba API's path and the test hooks (hooks.ts) are given it, and nothing
// else of the server.
import type { ReplayGuard } from "./authentication/replayGuard";
import type { FaultInjector } from "./faults";
import type { CloudBehaviour, EmulatorClock } from "./handlers/context";
import type { Store } from "./persistence/store";
import type { RateLimiter } from "./rateLimit";
import type { RequestLog } from "./requestLog";

export interface EmulatorParts {
    readonly store: Store;
    readonly behaviour: CloudBehaviour;
    /** The cloud's clock: changes configure, free certificates issue and rate limits count on it. */
    readonly clock: EmulatorClock;
    /** The signature nonces already used, and the accepted clock skew (authentication/replayGuard.ts). */
    readonly guard: ReplayGuard;
    readonly limiter: RateLimiter;
    /** Whether the limiter is asked at all (option rateLimits). */
    readonly rateLimits: boolean;
    readonly faults: FaultInjector;
    readonly log: RequestLog;
    readonly batchLimit: number;
    readonly maxBodyBytes: number;
}
