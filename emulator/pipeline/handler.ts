// Stage: run the handler. The action's kind picks its one implementation (handlers/index.ts); an API error it
// throws becomes the answer (the change, if any, was not made), anything else is the server's own failure.
import { ApiError } from "../errors";
import { HANDLERS } from "../handlers";
import { errorBody } from "../wire";
import type { ApiCall, StageResult } from "./call";

export async function runHandler(call: ApiCall): Promise<StageResult> {
    const { emulator } = call;
    const spec = call.spec!;
    try {
        const result = await HANDLERS[spec.kind]({
            store: emulator.store,
            account: call.caller!.credential.account,
            spec,
            params: call.params!,
            now: () => emulator.clock.now(),
            behaviour: emulator.behaviour,
            batchLimit: emulator.batchLimit,
            ...(call.outcome ? { outcome: call.outcome } : {}),
        });
        call.answer = { status: 200, body: { RequestId: call.requestId, ...result } };
    } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        call.answer = { status: error.status, code: error.code, body: errorBody(error, call.requestId, call.hostId) };
    }
    return "next";
}
