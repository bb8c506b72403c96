// Stage: rate limit. Each account gets the action's documented calls per second (the product table), counted on
// the cloud's clock; a refused call does not count.
import * as errors from "../errors";
import type { ApiCall, StageResult } from "./call";

export function rateLimit(call: ApiCall): StageResult {
    const { emulator } = call;
    const spec = call.spec!;
    if (emulator.rateLimits && !emulator.limiter.tryAcquire(call.caller!.credential.account.accessKeyId, spec.name, spec.callsPerSecond, call.now!)) {
        throw errors.throttlingUser();
    }
    return "next";
}
