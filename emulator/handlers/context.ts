import type { AccountRecord } from "../persistence/model";
import type { Store } from "../persistence/store";
import type { ActionSpec } from "./actions";

/** What a handler gets: the caller's account and the emulated cloud, at one instant. */
export interface HandlerContext {
    readonly store: Store;
    readonly account: AccountRecord;
    readonly spec: ActionSpec;
    /** Action parameters, decoded. Never log them: they carry certificates and private keys. */
    readonly params: ReadonlyMap<string, string>;
    readonly now: () => number;
    readonly configuringMs: number;
    readonly batchLimit: number;
}

/** The response body minus RequestId, which the server adds. */
export type ResponseBody = Record<string, unknown>;
