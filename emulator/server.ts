// The HTTP front of the emulator: takes a request off the connection and sends `/__emulator/*` to the test hooks
// (hooks.ts) and everything else through the Alibaba API pipeline:
//
//   parse → authenticate → resolve action and RAM policy → rate limit → injected fault → handler → JSON answer
//
// The order lives in one place, pipeline/index.ts (API_PIPELINE); each stage is a file beside it.
// Whatever goes wrong, the caller gets a JSON error body (never HTML, never an empty body, never a crash), and
// nothing here logs a URL, a header value or a parameter: the URL carries the private key.
import * as http from "node:http";
import type { Socket } from "node:net";
import { ReplayGuard } from "./authentication/replayGuard";
import { Connections } from "./connections";
import * as errors from "./errors";
import { FaultInjector } from "./faults";
import type { CloudBehaviour, EmulatorClock } from "./handlers/context";
import { HOOK_PREFIX, TestHooks } from "./hooks";
import type { EmulatorParts } from "./parts";
import type { Store } from "./persistence/store";
import { handleApiRequest } from "./pipeline";
import { RateLimiter } from "./rateLimit";
import { RequestLog } from "./requestLog";
import { errorBody, newRequestId, sendJson } from "./wire";

export interface ServerSettings {
    readonly store: Store;
    readonly behaviour: CloudBehaviour;
    /** The clock changes configure on and rate limits count on (a test may share a fast one with the provider). */
    readonly clock: EmulatorClock;
    /** How long a kept-alive connection may sit idle before the server closes it, as a real front end does. */
    readonly idleTimeoutMs: number;
    readonly rateLimits: boolean;
    readonly clockSkewToleranceMs: number;
    readonly batchLimit: number;
    readonly maxHeaderBytes: number;
    readonly maxBodyBytes: number;
    /** Draws an injected fault's probability (and, through `behaviour`, configuring times); default Math.random. */
    readonly random?: () => number;
}

/** A whole raw HTTP response, for answering on a socket the HTTP parser has given up on. */
function rawJsonResponse(status: number, reason: string, body: unknown): string {
    const text = JSON.stringify(body);
    return (
        `HTTP/1.1 ${status} ${reason}\r\n` +
        `content-type: application/json;charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`
    );
}

export class EmulatorServer {
    readonly http: http.Server;
    readonly log = new RequestLog();
    readonly faults: FaultInjector;
    readonly hooks: TestHooks;
    readonly connections: Connections;
    private readonly parts: EmulatorParts;

    constructor(private readonly settings: ServerSettings) {
        this.faults = new FaultInjector(settings.random);
        this.parts = {
            store: settings.store,
            behaviour: settings.behaviour,
            clock: settings.clock,
            guard: new ReplayGuard(settings.clockSkewToleranceMs),
            limiter: new RateLimiter(),
            rateLimits: settings.rateLimits,
            faults: this.faults,
            log: this.log,
            batchLimit: settings.batchLimit,
            maxBodyBytes: settings.maxBodyBytes,
        };
        this.hooks = new TestHooks(this.parts);
        // Node's own check for a missing Host header answers 400 with an empty body and no content type; the check
        // is made in handle() instead, so that the answer is the same JSON error as any other malformed request's
        // (found by the reliability suite's R4 emulator storm).
        this.http = http.createServer({ maxHeaderSize: settings.maxHeaderBytes, requireHostHeader: false }, (req, res) => {
            this.handle(req, res).catch(() => this.sendFallback(res));
        });
        this.http.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => this.onClientError(error, socket));
        this.connections = new Connections(this.http, settings.idleTimeoutMs);
    }

    /** Stops promptly: open connections, including ones held by an injected hang, are destroyed. */
    close(): Promise<void> {
        return new Promise((resolve) => {
            this.http.close(() => resolve());
            this.http.closeAllConnections();
        });
    }

    private onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
        if (!socket.writable || error.code === "ECONNRESET") {
            socket.destroy();
            return;
        }
        const apiError =
            error.code === "HPE_HEADER_OVERFLOW"
                ? errors.requestHeaderTooLarge(this.settings.maxHeaderBytes)
                : errors.malformedRequest("the HTTP request is malformed");
        const reason = apiError.status === 431 ? "Request Header Fields Too Large" : "Bad Request";
        socket.end(rawJsonResponse(apiError.status, reason, errorBody(apiError, newRequestId(), "emulator")));
    }

    private sendFallback(res: http.ServerResponse): void {
        if (res.headersSent) {
            res.destroy();
            return;
        }
        sendJson(res, 500, errorBody(errors.internalError(), newRequestId(), "emulator"));
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        if (req.httpVersionMajor === 1 && req.httpVersionMinor === 1 && req.headers.host === undefined) {
            res.setHeader("connection", "close");
            sendJson(res, 400, errorBody(errors.malformedRequest("an HTTP/1.1 request must carry a Host header"), newRequestId(), "emulator"));
            return;
        }
        const url = req.url ?? "/";
        const queryAt = url.indexOf("?");
        const path = queryAt < 0 ? url : url.slice(0, queryAt);
        const rawQuery = queryAt < 0 ? "" : url.slice(queryAt + 1);
        if (path.startsWith(HOOK_PREFIX)) {
            await this.hooks.handle(req, res, path, rawQuery);
            return;
        }
        await handleApiRequest(this.parts, req, res, path, rawQuery);
    }
}
