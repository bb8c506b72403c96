// Stage: authenticate. Who is calling, verified (authentication/): signature, freshness, key, STS token, nonce.
// Only then is the path looked at, so that an unsigned probe learns nothing about what the endpoint serves.
import { authenticate as verifyCaller } from "../authentication";
import * as errors from "../errors";
import type { ApiCall, StageResult } from "./call";

export function authenticate(call: ApiCall): StageResult {
    const { emulator } = call;
    // The state file may have been changed by another emulator sharing it: read it before the key is looked up.
    emulator.store.refresh();
    // Signatures are checked against the wall clock, as the SDK stamps them; the cloud's time may run faster.
    const caller = verifyCaller(call.request!, emulator.store, emulator.guard, Date.now());
    call.caller = caller;
    call.now = emulator.clock.now();
    call.accessKeyId = caller.credential.accessKeyId;
    call.action = caller.action;
    if (call.path !== "/") throw errors.invalidActionNotFound(caller.action);
    return "next";
}
