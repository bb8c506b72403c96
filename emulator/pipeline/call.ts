// One API request on its way through the pipeline (index.ts): what each stage learned, in one object the stages
// fill in, in place of locals shared by one long function. A field is absent until the stage that learns it ran,
// and the request log entry (answer.ts) is built from whatever is known when the request ends.
import type * as http from "node:http";
import type { ApiRequest } from "../apiRequest";
import type { Caller } from "../authentication";
import type { FaultKind } from "../faults";
import type { ActionSpec, ProductInfo } from "../handlers/actions";
import type { HandlerContext } from "../handlers/context";
import type { EmulatorParts } from "../parts";

/** What the handler answered, before it is sent (or lost, by an `applied-then-drop` fault). */
export interface Answer {
    readonly status: number;
    readonly code?: string;
    readonly body: unknown;
}

export interface ApiCall {
    readonly req: http.IncomingMessage;
    readonly res: http.ServerResponse;
    readonly path: string;
    readonly rawQuery: string;
    readonly emulator: EmulatorParts;
    /** Wall-clock arrival time, the log entry's `time`. */
    readonly arrived: number;
    readonly requestId: string;
    /** Answered as HostId in error bodies: the product the request names, as soon as its version is known. */
    hostId: string;
    /** parse: the request with its parameters decoded. */
    request?: ApiRequest;
    /** parse: the key the request claims; authenticate: the key that signed it. Logged, never a secret. */
    accessKeyId?: string;
    /** parse: the action the request names; authenticate: the action it signed. */
    action?: string;
    /** authenticate: who is calling, verified. */
    caller?: Caller;
    /** authenticate: the cloud's time for this request (rate limits count on it). */
    now?: number;
    /** resolve: what the request asks for. */
    product?: ProductInfo;
    spec?: ActionSpec;
    /** resolve: the action's parameters (query, then form). Never logged: they carry certificates and keys. */
    params?: ReadonlyMap<string, string>;
    /** resolve: the domains the request addresses (the log's `domains`). */
    domains: string[];
    /** resolve: a set's CertType, when it is one of the known types (a type, never a parameter value). */
    certType?: string;
    /** fault: the injected fault that fired for this call, and the outcome it decided for the change. */
    fault?: FaultKind;
    outcome?: HandlerContext["outcome"];
    /** handler: what to answer. */
    answer?: Answer;
}

/** What a stage tells the pipeline: go on to the next stage, or stop (the request was answered, or will never be). */
export type StageResult = "next" | "answered";

export type Stage = (call: ApiCall) => StageResult | Promise<StageResult>;
