// The pipeline's last stage, and the two ways every request ends: its log entry, and its answer on the wire.
import type { ApiError } from "../errors";
import type { FaultKind } from "../faults";
import type { RequestLogEntry } from "../requestLog";
import { errorBody, sendJson } from "../wire";
import type { ApiCall, StageResult } from "./call";

/** The request log entry: built only from names and outcomes, never a parameter value, a URL or a header. */
export function record(call: ApiCall, status: number, code?: string, fault?: FaultKind): void {
    const entry: RequestLogEntry = {
        time: new Date(call.arrived).toISOString(),
        requestId: call.requestId,
        ...(call.accessKeyId === undefined ? {} : { accessKeyId: call.accessKeyId }),
        ...(call.action === undefined ? {} : { action: call.action }),
        domains: call.domains,
        ...(call.certType === undefined ? {} : { certType: call.certType }),
        status,
        ...(code === undefined ? {} : { code }),
        ...(fault === undefined ? {} : { fault }),
    };
    call.emulator.log.add(entry);
}

/** Answers an error: logged, then the JSON error body with the request id, as the real endpoints send it. */
export function fail(call: ApiCall, error: ApiError, fault?: FaultKind): StageResult {
    record(call, error.status, error.code, fault);
    sendJson(call.res, error.status, errorBody(error, call.requestId, call.hostId), { "x-acs-request-id": call.requestId, ...error.headers });
    return "answered";
}

/** Sends the handler's answer, unless an `applied-then-drop` fault loses it on the way back. */
export function answer(call: ApiCall): StageResult {
    const { status, code, body } = call.answer!;
    if (call.fault === "applied-then-drop") {
        // The change (if any) is made and saved; the answer is lost on the way back.
        record(call, status, code, call.fault);
        call.req.socket.destroy();
        return "answered";
    }
    // An outcome fault answers as usual: only the log says it fired.
    record(call, status, code, call.outcome ? call.fault : undefined);
    sendJson(call.res, status, body, { "x-acs-request-id": call.requestId });
    return "answered";
}
