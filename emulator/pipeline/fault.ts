// Stage: injected fault (faults.ts). An error fault answers instead of the handler; a hang holds the socket without
// answering (close() destroys it); a drop closes it. An outcome fault (a change that ends failed, a free issuance
// that fails) fires only on a set, and lets the handler run with that outcome; applied-then-drop too, and the
// answer stage loses the answer.
import { faultError, faultOutcome } from "../faults";
import { fail, record } from "./answer";
import type { ApiCall, StageResult } from "./call";

export function injectedFault(call: ApiCall): StageResult {
    const spec = call.spec!;
    const fault = call.emulator.faults.take(spec.name, (kind) => faultOutcome(kind) === undefined || spec.kind === "set");
    if (fault === undefined) return "next";
    call.fault = fault;
    const outcome = faultOutcome(fault);
    if (outcome) call.outcome = outcome;
    const injected = faultError(fault);
    if (injected) return fail(call, injected, fault);
    if (fault === "hang") {
        record(call, 0, undefined, fault);
        return "answered";
    }
    if (fault === "drop") {
        record(call, 0, undefined, fault);
        call.req.socket.destroy();
        return "answered";
    }
    return "next";
}
