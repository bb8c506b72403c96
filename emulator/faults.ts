// Injected failures (POST /__emulator/faults), for testing a client's retries and its handling of lost answers.
import type { FailedOutcome } from "./domains/statuses";
import * as errors from "./errors";
import type { CertificateStatus } from "./domains/record";

export const FAULT_KINDS = [
    "internal-error", // 500 InternalError
    "service-unavailable", // 503 ServiceUnavailable
    "throttling", // 400 Throttling.User
    "service-busy", // 403 ServiceBusy
    "hang", // never answer: the client's read timeout fires; the socket is freed on close()
    "drop", // close the connection without answering, before doing anything
    "applied-then-drop", // make the change, then close the connection: the answer is lost
    // Outcome faults: the set succeeds (200) and the change plays out, then goes wrong.
    "configure-failed", // the domain ends in configure_failed after its configuring time, serving what it did before
    "check-failed", // the domain ends in check_failed after its configuring time, serving what it did before
    "free-failed", // a free certificate's issuance ends in Status failed
    "free-cname-error", // a free certificate's issuance ends in Status cname_error
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
    /** An action name, a list of them, or "*" for every action. */
    readonly action: string | readonly string[];
    readonly fault: FaultKind;
    /** Fire this many times, then disappear. Default 1 when neither a probability nor `every` is given. */
    readonly times?: number;
    /** Fire on each matching request with this probability (0..1); unlimited unless `times` is also given. */
    readonly probability?: number;
    /**
     * Fire on every `every`-th matching request (counted from 1 by this fault over every request its action matches,
     * whether or not another fault fired on it), at those whose count modulo `every` is `offset` (default 0: the
     * `every`-th, the 2×`every`-th, ...). Unlimited unless `times` is also given. Several faults with one `every` and
     * different offsets take turns on one stream of requests: every third read busy, then failing, then hanging.
     */
    readonly every?: number;
    readonly offset?: number;
}

export interface ActiveFault extends FaultSpec {
    readonly id: number;
    /** Remaining firings; undefined = unlimited. */
    remaining?: number;
    /** Matching requests seen, for `every`. */
    seen?: number;
}

/** What an outcome fault decides about the change the call makes; undefined for the other kinds. */
export function faultOutcome(kind: FaultKind): { endsIn?: FailedOutcome; freeIssue?: CertificateStatus } | undefined {
    switch (kind) {
        case "configure-failed":
            return { endsIn: "configure_failed" };
        case "check-failed":
            return { endsIn: "check_failed" };
        case "free-failed":
            return { freeIssue: "failed" };
        case "free-cname-error":
            return { freeIssue: "cname_error" };
        default:
            return undefined;
    }
}

/** The error an error-kind fault answers with; undefined for the connection-level and outcome kinds. */
export function faultError(kind: FaultKind): errors.ApiError | undefined {
    switch (kind) {
        case "internal-error":
            return errors.internalError();
        case "service-unavailable":
            return errors.serviceUnavailable();
        case "throttling":
            return errors.throttlingUser();
        case "service-busy":
            return errors.serviceBusy();
        default:
            return undefined;
    }
}

export function parseFaultSpec(input: unknown): FaultSpec {
    if (typeof input !== "object" || input === null || Array.isArray(input)) throw errors.hookInvalidRequest("expected a JSON object");
    const body = input as Record<string, unknown>;
    const action = body.action ?? "*";
    const isName = (value: unknown) => typeof value === "string" && value !== "";
    if (!(isName(action) || (Array.isArray(action) && action.length > 0 && action.every(isName)))) {
        throw errors.hookInvalidRequest(`"action" must be an action name, a non-empty list of them, or "*"`);
    }
    if (typeof body.fault !== "string" || !(FAULT_KINDS as readonly string[]).includes(body.fault)) {
        throw errors.hookInvalidRequest(`"fault" must be one of ${FAULT_KINDS.join(", ")}`);
    }
    const times = body.times;
    if (times !== undefined && (typeof times !== "number" || !Number.isInteger(times) || times < 1)) {
        throw errors.hookInvalidRequest(`"times" must be a positive integer`);
    }
    const probability = body.probability;
    if (probability !== undefined && (typeof probability !== "number" || !(probability >= 0 && probability <= 1))) {
        throw errors.hookInvalidRequest(`"probability" must be a number from 0 to 1`);
    }
    const every = body.every;
    if (every !== undefined && (typeof every !== "number" || !Number.isInteger(every) || every < 1)) {
        throw errors.hookInvalidRequest(`"every" must be a positive integer`);
    }
    const offset = body.offset;
    if (offset !== undefined && (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0 || every === undefined || offset >= every)) {
        throw errors.hookInvalidRequest(`"offset" must be an integer from 0 to every - 1, given with "every"`);
    }
    return {
        action: action as string | string[],
        fault: body.fault as FaultKind,
        ...(times === undefined ? {} : { times }),
        ...(probability === undefined ? {} : { probability }),
        ...(every === undefined ? {} : { every }),
        ...(offset === undefined ? {} : { offset }),
    };
}

function matchesAction(fault: FaultSpec, action: string): boolean {
    return fault.action === "*" || fault.action === action || (Array.isArray(fault.action) && fault.action.includes(action));
}

export class FaultInjector {
    private faults: ActiveFault[] = [];
    private nextId = 1;

    constructor(private readonly random: () => number = Math.random) {}

    add(spec: FaultSpec): ActiveFault {
        const remaining = spec.times ?? (spec.probability === undefined && spec.every === undefined ? 1 : undefined);
        const fault: ActiveFault = { ...spec, id: this.nextId++, ...(remaining === undefined ? {} : { remaining }) };
        this.faults.push(fault);
        return fault;
    }

    list(): readonly ActiveFault[] {
        return this.faults;
    }

    clear(): void {
        this.faults = [];
    }

    /**
     * The fault to apply to this request, if any (consumes one firing). Oldest matching fault first. `applies`
     * leaves out kinds that mean nothing for the request (an outcome fault on a read): they wait for a set.
     */
    take(action: string, applies: (kind: FaultKind) => boolean = () => true): FaultKind | undefined {
        // Every `every` fault counts the request first, so that its count does not depend on which fault fires.
        for (const fault of this.faults) {
            if (fault.every !== undefined && matchesAction(fault, action) && applies(fault.fault)) fault.seen = (fault.seen ?? 0) + 1;
        }
        for (const fault of this.faults) {
            if (!matchesAction(fault, action)) continue;
            if (!applies(fault.fault)) continue;
            if (fault.every !== undefined && (fault.seen ?? 0) % fault.every !== (fault.offset ?? 0)) continue;
            if (fault.probability !== undefined && this.random() >= fault.probability) continue;
            if (fault.remaining !== undefined) {
                fault.remaining -= 1;
                if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
            }
            return fault.fault;
        }
        return undefined;
    }
}
