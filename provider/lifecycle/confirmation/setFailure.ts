// What a refused set means for the convergence: one pure classification, so that the loop (converge.ts) is only I/O.
import { isOutcomeUnknown, isTransient } from "../../apiErrors";
import { codeOf, isCode } from "../errors";

/**
 * What a refused set means for the convergence. Pure.
 * - `busy`: ServiceBusy, another change is configuring; read the domain until it takes changes, then set again.
 * - `maybe-applied`: the answer was lost after sending; read the domain before sending it again (a second copy of a
 *   change that did apply would configure the domain twice, minutes each).
 * - `state`: refused for the domain's state (it changed since it was read); read it, and report it as a state.
 * - `transient`: any other answer that is no verdict, already retried by the call; read, then set again.
 * - `fatal`: a verdict about the domain, the account or the request: thrown as it is.
 */
export type SetFailure = "busy" | "maybe-applied" | "state" | "transient" | "fatal";

export function classifySetFailure(error: unknown): SetFailure {
    if (isCode(error, "ServiceBusy")) return "busy";
    if (isOutcomeUnknown(error)) return "maybe-applied";
    if (STATE_REFUSALS.has(codeOf(error) ?? "")) return "state";
    return isTransient(error) ? "transient" : "fatal";
}

/** Set refusals that mean "not online" (CDN and Live error tables), whatever the domain's state read said. */
const STATE_REFUSALS = new Set(["InvalidDomain.Offline", "InvalidDomain.notOnline", "InvalidDomain.Configure_failed"]);
