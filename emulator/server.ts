// The HTTP front of the emulator: takes a request off the connection and sends `/__emulator/*` to the test hooks
// (hooks.ts) and everything else through the Alibaba API pipeline:
//
//   parse → authenticate → resolve action → rate limit → injected fault → handler → JSON answer
//
// Whatever goes wrong, the caller gets a JSON error body (never HTML, never an empty body, never a crash), and
// nothing here logs a URL, a header value or a parameter: the URL carries the private key.
import * as http from "node:http";
import type { Socket } from "node:net";
import { actionParameters, header, parseParameters, type ApiRequest } from "./apiRequest";
import { authenticate, claimedAccessKeyId, claimedAction } from "./authentication";
import { policyAllows } from "./ramPolicy";
import { ReplayGuard } from "./authentication/replayGuard";
import { Connections } from "./connections";
import { CERT_TYPES } from "./domains/record";
import * as errors from "./errors";
import { ApiError } from "./errors";
import { FaultInjector, faultError, faultOutcome, type FaultKind } from "./faults";
import type { CloudBehaviour, EmulatorClock } from "./handlers/context";
import { HANDLERS, requestedDomains, resolveAction } from "./handlers";
import { productForVersion } from "./handlers/actions";
import { HOOK_PREFIX, TestHooks } from "./hooks";
import type { EmulatorParts } from "./parts";
import type { Store } from "./persistence/store";
import { RateLimiter } from "./rateLimit";
import { RequestLog, type RequestLogEntry } from "./requestLog";
import { errorBody, newRequestId, readBodyWithin, sendJson } from "./wire";

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
        await this.handleApi(req, res, path, rawQuery);
    }

    // ---- The Alibaba API ----------------------------------------------------------------------------------------

    private async handleApi(req: http.IncomingMessage, res: http.ServerResponse, path: string, rawQuery: string): Promise<void> {
        const emulator = this.parts;
        const arrived = Date.now();
        const requestId = newRequestId();
        let request: ApiRequest | undefined;
        let accessKeyId: string | undefined;
        let action: string | undefined;
        let domains: string[] = [];
        let certType: string | undefined;
        let hostId = "cdn.aliyuncs.com";

        const record = (status: number, code?: string, fault?: FaultKind) => {
            const entry: RequestLogEntry = {
                time: new Date(arrived).toISOString(),
                requestId,
                ...(accessKeyId === undefined ? {} : { accessKeyId }),
                ...(action === undefined ? {} : { action }),
                domains,
                ...(certType === undefined ? {} : { certType }),
                status,
                ...(code === undefined ? {} : { code }),
                ...(fault === undefined ? {} : { fault }),
            };
            emulator.log.add(entry);
        };
        const fail = (error: ApiError, fault?: FaultKind) => {
            record(error.status, error.code, fault);
            sendJson(res, error.status, errorBody(error, requestId, hostId), { "x-acs-request-id": requestId, ...error.headers });
        };

        try {
            const body = await readBodyWithin(req, emulator.maxBodyBytes).catch((error: unknown) => {
                // What is left of a body over the limit is never read, so the connection can carry no further request.
                if (error instanceof ApiError) res.setHeader("connection", "close");
                throw error;
            });
            const method = req.method ?? "GET";
            if (method !== "POST" && method !== "GET") throw errors.unsupportedMethod(method);
            const query = parseParameters(rawQuery);
            const contentType = (req.headers["content-type"] ?? "").toLowerCase();
            const form = contentType.startsWith("application/x-www-form-urlencoded") ? parseParameters(body.toString("utf8")) : new Map<string, string>();
            request = { method, path, headers: req.headers, query, form, body };
            accessKeyId = claimedAccessKeyId(request);
            action = claimedAction(request);
            const claimedVersion = header(request, "x-acs-version") ?? actionParameters(request).get("Version");
            hostId = (claimedVersion && productForVersion(claimedVersion)?.host) || hostId;

            emulator.store.refresh();
            // Signatures are checked against the wall clock, as the SDK stamps them; the cloud's time may run faster.
            const caller = authenticate(request, emulator.store, emulator.guard, Date.now());
            const now = emulator.clock.now();
            accessKeyId = caller.credential.accessKeyId;
            action = caller.action;
            if (path !== "/") throw errors.invalidActionNotFound(caller.action);
            const { product, spec } = resolveAction(caller.action, caller.version);
            const policy = caller.credential.account.ramPolicy;
            // Each service's own RAM code: cdn:SetCdnDomainSSLCertificate, live:..., yundun-cert:UploadUserCertificate.
            if (policy && !policyAllows(policy, `${product.ramCode}:${spec.name}`)) throw errors.forbiddenRam();
            const params = actionParameters(request);
            domains = requestedDomains(params, spec.set?.batch ?? false);
            // A set's log entry names the certificate type it sent (a type, never a parameter value).
            const sentType = params.get("CertType");
            if (spec.set && sentType !== undefined && (CERT_TYPES as readonly string[]).includes(sentType)) certType = sentType;

            if (emulator.rateLimits && !emulator.limiter.tryAcquire(caller.credential.account.accessKeyId, spec.name, spec.callsPerSecond, now)) {
                throw errors.throttlingUser();
            }

            const fault = emulator.faults.take(spec.name, (kind) => faultOutcome(kind) === undefined || spec.kind === "set");
            const outcome = fault === undefined ? undefined : faultOutcome(fault);
            if (fault !== undefined) {
                const injected = faultError(fault);
                if (injected) {
                    fail(injected, fault);
                    return;
                }
                if (fault === "hang") {
                    // Hold the socket without answering; close() destroys it.
                    record(0, undefined, fault);
                    return;
                }
                if (fault === "drop") {
                    record(0, undefined, fault);
                    req.socket.destroy();
                    return;
                }
            }

            const handler = HANDLERS[spec.kind];
            let answer: { status: number; code?: string; body: unknown };
            try {
                const result = await handler({
                    store: emulator.store,
                    account: caller.credential.account,
                    spec,
                    params,
                    now: () => emulator.clock.now(),
                    behaviour: emulator.behaviour,
                    batchLimit: emulator.batchLimit,
                    ...(outcome ? { outcome } : {}),
                });
                answer = { status: 200, body: { RequestId: requestId, ...result } };
            } catch (error) {
                if (!(error instanceof ApiError)) throw error;
                answer = { status: error.status, code: error.code, body: errorBody(error, requestId, hostId) };
            }
            if (fault === "applied-then-drop") {
                // The change (if any) is made and saved; the answer is lost on the way back.
                record(answer.status, answer.code, fault);
                req.socket.destroy();
                return;
            }
            // An outcome fault answers as usual: only the log says it fired.
            record(answer.status, answer.code, outcome ? fault : undefined);
            sendJson(res, answer.status, answer.body, { "x-acs-request-id": requestId });
        } catch (error) {
            fail(error instanceof ApiError ? error : errors.internalError());
        }
    }
}
