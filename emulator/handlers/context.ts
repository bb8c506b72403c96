import type { CertificateStatus, Product } from "../domains/record";
import type { FailedOutcome } from "../domains/statuses";
import * as errors from "../errors";
import type { AccountRecord } from "../persistence/model";
import type { Store } from "../persistence/store";
import type { ActionSpec } from "./actions";
import type { CasBehaviour } from "./casStore";

/** What a handler gets: the caller's account and the emulated cloud, at one instant. */
export interface HandlerContext {
    readonly store: Store;
    readonly account: AccountRecord;
    readonly spec: ActionSpec;
    /** Action parameters, decoded. Never log them: they carry certificates and private keys. */
    readonly params: ReadonlyMap<string, string>;
    /** The emulator's clock (milliseconds): changes configure and free certificates issue on it. */
    readonly now: () => number;
    readonly behaviour: CloudBehaviour;
    readonly batchLimit: number;
    /** What an outcome fault decided for this call's change: it ends in a failure state, or the free issuance fails. */
    readonly outcome?: { readonly endsIn?: FailedOutcome; readonly freeIssue?: CertificateStatus };
}

/** How the emulated cloud behaves over time (the options `configuringMs`, `freeIssueMs`, `readDuringConfiguring`). */
export interface CloudBehaviour {
    /** How long the next change configures (a draw when a range was given). */
    configuringMs(): number;
    /** How long issuing a free certificate takes, before it configures. */
    readonly freeIssueMs: number;
    /**
     * What the certificate reads show while a change configures: `old`, the configuration in effect; `new`, the
     * change at once. No public source settles which the real API does, so a provider must be right under both.
     */
    readonly readDuringConfiguring: "old" | "new";
    /** The certificate service's policies (names, deleting what is in use, the quota, where Live's uploads go). */
    readonly cas: CasBehaviour;
}

/** The response body minus RequestId, which the server adds. */
export type ResponseBody = Record<string, unknown>;

/**
 * The emulated cloud's time, in milliseconds. The wall clock by default; a test may give the emulator and the
 * provider one clock that runs faster, so that minutes of configuring pass in seconds on both sides alike.
 */
export interface EmulatorClock {
    now(): number;
}

/**
 * A whole-number parameter from 1 to `max` (a page's size or number): `fallback` when absent, the gateway's
 * malformed-number answer when not digits, `outOfRange` (InvalidParameter unless the action words it) out of range.
 */
export function integerParameter(
    ctx: HandlerContext,
    name: string,
    fallback: number,
    max: number,
    outOfRange: () => errors.ApiError = () => errors.invalidParameter(name),
): number {
    const raw = ctx.params.get(name)?.trim();
    if (raw === undefined || raw === "") return fallback;
    if (!/^\d+$/.test(raw)) throw errors.malformedNumber(name);
    const value = Number(raw);
    if (value < 1 || value > max) throw outOfRange();
    return value;
}

/** The domain product an action belongs to: only the domain products' actions have domain kinds (actions.ts). */
export function domainProduct(ctx: HandlerContext): Product {
    if (ctx.spec.product === "cas") throw new Error(`${ctx.spec.name} is not a domain action`);
    return ctx.spec.product;
}
