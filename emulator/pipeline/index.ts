// The Alibaba API pipeline: the order in which a request is handled, in one place, as Azurite chains its
// middleware. Each stage fills in the request's ApiCall (call.ts) and either hands it on or answers it. Any API
// error a stage throws is answered as that error (logged, JSON body, request id); anything else is InternalError,
// never a crash and never an empty body.
import * as errors from "../errors";
import { ApiError } from "../errors";
import type * as http from "node:http";
import type { EmulatorParts } from "../parts";
import { newRequestId } from "../wire";
import { answer, fail } from "./answer";
import { authenticate } from "./authenticate";
import type { ApiCall, Stage } from "./call";
import { injectedFault } from "./fault";
import { runHandler } from "./handler";
import { parse } from "./parse";
import { rateLimit } from "./rateLimit";
import { resolve } from "./resolve";

/** The order. */
export const API_PIPELINE: readonly Stage[] = [
    parse, //          parse.ts        body within its limit, query and form decoded; what the request claims
    authenticate, //   authenticate.ts signature, freshness, key, STS token, nonce; the path
    resolve, //        resolve.ts      the product and action (product table), the RAM policy, domains for the log
    rateLimit, //      rateLimit.ts    the action's calls per second per account
    injectedFault, //  fault.ts        an injected error, hang or drop; or the outcome a change will have
    runHandler, //     handler.ts      the action's one implementation (handlers/)
    answer, //         answer.ts       logged and sent (or lost, by applied-then-drop)
];

/** Handles one Alibaba API request: the stages in order, until one answers. */
export async function handleApiRequest(
    emulator: EmulatorParts,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
    rawQuery: string,
): Promise<void> {
    const call: ApiCall = {
        req,
        res,
        path,
        rawQuery,
        emulator,
        arrived: Date.now(),
        requestId: newRequestId(),
        hostId: "cdn.aliyuncs.com",
        domains: [],
    };
    try {
        for (const stage of API_PIPELINE) {
            if ((await stage(call)) === "answered") return;
        }
    } catch (error) {
        fail(call, error instanceof ApiError ? error : errors.internalError());
    }
}
