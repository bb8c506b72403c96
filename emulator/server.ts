// The HTTP front of the emulator: reads a request, sends `/__emulator/*` to the hooks and everything else through
// the Alibaba API pipeline:
//
//   parse → authenticate → resolve action → rate limit → injected fault → handler → JSON answer
//
// Whatever goes wrong, the caller gets a JSON error body (never HTML, never an empty body, never a crash), and
// nothing here logs a URL, a header value or a parameter: the URL carries the private key.
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { Socket } from "node:net";
import { actionParameters, header, parseParameters, type ApiRequest } from "./apiRequest";
import { authenticate, claimedAccessKeyId, claimedAction } from "./authentication";
import { policyAllows } from "./authentication/ramPolicy";
import { ReplayGuard } from "./authentication/replayGuard";
import * as errors from "./errors";
import { ApiError } from "./errors";
import { statusAt } from "./domains/lifecycle";
import { DOMAIN_STATUSES, isDomainStatus } from "./domains/statuses";
import { FaultInjector, faultError, faultOutcome, parseFaultSpec, type FaultKind } from "./faults";
import type { CloudBehaviour, EmulatorClock } from "./handlers/context";
import { HANDLERS, requestedDomains, resolveAction } from "./handlers";
import { productForHost, productForVersion } from "./handlers/actions";
import { casSummary, type CasSummary } from "./handlers/casStore";
import type { Store } from "./persistence/store";
import { CERT_TYPES } from "./domains/record";
import { RateLimiter } from "./rateLimit";
import { RequestLog, type RequestLogEntry } from "./requestLog";

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

export const HOOK_PREFIX = "/__emulator/";

const JSON_HEADERS = { "content-type": "application/json;charset=utf-8" } as const;

function newRequestId(): string {
    return randomUUID().toUpperCase();
}

function errorBody(error: ApiError, requestId: string, hostId: string) {
    return {
        RequestId: requestId,
        HostId: hostId,
        Code: error.code,
        Message: error.message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=${productForHost(hostId)?.troubleshootProduct ?? "Cdn"}`,
    };
}

/** A whole raw HTTP response, for answering on a socket the HTTP parser has given up on. */
function rawJsonResponse(status: number, reason: string, body: unknown): string {
    const text = JSON.stringify(body);
    return (
        `HTTP/1.1 ${status} ${reason}\r\n` +
        `content-type: application/json;charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`
    );
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const declared = Number(req.headers["content-length"] ?? "0");
        if (declared > limit) {
            reject(new BodyTooLarge());
            return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
                reject(new BodyTooLarge());
                req.removeAllListeners("data");
                req.resume();
                return;
            }
            chunks.push(chunk);
        });
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

export class EmulatorServer {
    readonly http: http.Server;
    readonly log = new RequestLog();
    readonly faults: FaultInjector;
    private readonly limiter = new RateLimiter();
    private readonly guard: ReplayGuard;

    constructor(private readonly settings: ServerSettings) {
        this.guard = new ReplayGuard(settings.clockSkewToleranceMs);
        this.faults = new FaultInjector(settings.random);
        // Node's own check for a missing Host header answers 400 with an empty body and no content type; the check
        // is made in handle() instead, so that the answer is the same JSON error as any other malformed request's
        // (found by the reliability suite's R4 emulator storm).
        this.http = http.createServer({ maxHeaderSize: settings.maxHeaderBytes, requireHostHeader: false }, (req, res) => {
            this.handle(req, res).catch(() => this.sendFallback(res));
        });
        this.http.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => this.onClientError(error, socket));
        // A real front end closes a kept-alive connection that sat idle; the client learns of it only by the FIN, or
        // by a reset when it sends on the socket at that moment. Node would also announce its timeout in a
        // `Keep-Alive: timeout=N` header, which lets Node clients close first; front ends such as nginx send none,
        // so every answer carries its own `connection: keep-alive` and Node adds no hint (_http_outgoing.js).
        // Node's own keep-alive timer closes a second late (it adds a 1000 ms buffer, _http_server.js, Node 20), so
        // it is off, and the idle time is kept here: from the end of a connection's last answer to its next request.
        this.http.keepAliveTimeout = 0;
        this.http.on("connection", (socket: Socket) => {
            this.connectionsAccepted++;
            this.idle.set(socket, { open: 0 });
            socket.once("close", () => this.clearIdle(socket, true));
        });
        this.http.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
            const socket = req.socket;
            const state = this.idle.get(socket);
            if (!state) return;
            this.clearIdle(socket);
            state.open++;
            res.once("close", () => {
                state.open--;
                if (state.open === 0 && !socket.destroyed) this.startIdle(socket);
            });
        });
    }

    /** TCP connections accepted since the start (a test sees whether a client opened a new one). */
    connectionsAccepted = 0;
    private readonly idle = new Map<Socket, { open: number; timer?: NodeJS.Timeout }>();

    private startIdle(socket: Socket): void {
        const state = this.idle.get(socket);
        if (!state || this.settings.idleTimeoutMs <= 0) return;
        clearTimeout(state.timer);
        // Both directions at once, as a front end that drops the connection: a request sent after this is reset.
        state.timer = setTimeout(() => socket.destroy(), this.settings.idleTimeoutMs);
        state.timer.unref();
    }

    private clearIdle(socket: Socket, forget = false): void {
        const state = this.idle.get(socket);
        if (state) clearTimeout(state.timer);
        if (forget) this.idle.delete(socket);
    }

    /** Clears faults, the request log and the rate-limit windows (not the domains: they are the cloud). */
    reset(): void {
        this.faults.clear();
        this.log.clear();
        this.limiter.reset();
    }

    /**
     * Puts a domain in one of the eight states, as the console or another tool would (`POST /__emulator/domains`).
     * Returns the domain's name and state as the domain reads now report it.
     */
    setDomainStatus(input: unknown): { domainName: string; domainStatus: string } {
        if (typeof input !== "object" || input === null || Array.isArray(input)) throw errors.hookInvalidRequest("expected a JSON object");
        const { domainName, domainStatus, product, accessKeyId } = input as Record<string, unknown>;
        if (typeof domainName !== "string" || domainName.trim() === "") throw errors.hookInvalidRequest(`"domainName" must be a domain of the emulator`);
        if (!isDomainStatus(domainStatus)) throw errors.hookInvalidRequest(`"domainStatus" must be one of ${DOMAIN_STATUSES.join(", ")}`);
        const store = this.settings.store;
        store.refresh();
        let domain = store.accounts.map((account) => store.findDomain(account, domainName.trim())).find((d) => d !== undefined);
        if (!domain && product !== undefined) {
            // A domain added to an account, as the console (AddCdnDomain, AddLiveDomain) would.
            const account = store.accounts.find((a) => a.accessKeyId === accessKeyId);
            if (product !== "cdn" && product !== "live") throw errors.hookInvalidRequest(`"product" must be "cdn" or "live"`);
            if (!account) throw errors.hookInvalidRequest(`"accessKeyId" must name an account of the emulator to add ${JSON.stringify(domainName)} to`);
            domain = store.addDomain(account, domainName.trim(), product, this.settings.clock.now());
        }
        if (!domain) throw errors.hookInvalidRequest(`no domain ${JSON.stringify(domainName)} in any account (give "product" and "accessKeyId" to add it)`);
        const now = this.settings.clock.now();
        store.setStatus(domain, domainStatus, now, this.settings.behaviour.configuringMs());
        store.save();
        return { domainName: domain.domainName, domainStatus: statusAt(domain, now) };
    }

    /**
     * The certificate-service entries of one account (or of every account), without their PEM
     * (`GET /__emulator/cas-certificates[?accessKeyId=]`). As the file holds them now, when several emulators share it.
     */
    casCertificates(accessKeyId?: string): CasSummary[] {
        const store = this.settings.store;
        store.refresh();
        if (accessKeyId === undefined || accessKeyId === "") return store.accounts.flatMap((account) => casSummary(account));
        const account = store.accounts.find((a) => a.accessKeyId === accessKeyId);
        if (!account) throw errors.hookInvalidRequest(`no account with accessKeyId ${JSON.stringify(accessKeyId)}`);
        return casSummary(account);
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
        const requestId = newRequestId();
        const apiError =
            error.code === "HPE_HEADER_OVERFLOW"
                ? errors.requestHeaderTooLarge(this.settings.maxHeaderBytes)
                : errors.malformedRequest("the HTTP request is malformed");
        const reason = apiError.status === 431 ? "Request Header Fields Too Large" : "Bad Request";
        socket.end(rawJsonResponse(apiError.status, reason, errorBody(apiError, requestId, "emulator")));
    }

    private sendFallback(res: http.ServerResponse): void {
        if (res.headersSent) {
            res.destroy();
            return;
        }
        this.send(res, 500, errorBody(errors.internalError(), newRequestId(), "emulator"));
    }

    private send(res: http.ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
        const text = JSON.stringify(body);
        const connection = res.getHeader("connection") ?? (res.req.headers.connection?.toLowerCase() === "close" ? "close" : "keep-alive");
        res.writeHead(status, { ...JSON_HEADERS, "content-length": Buffer.byteLength(text), connection: String(connection), ...extraHeaders });
        res.end(text);
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        if (req.httpVersionMajor === 1 && req.httpVersionMinor === 1 && req.headers.host === undefined) {
            res.setHeader("connection", "close");
            this.send(res, 400, errorBody(errors.malformedRequest("an HTTP/1.1 request must carry a Host header"), newRequestId(), "emulator"));
            return;
        }
        const url = req.url ?? "/";
        const queryAt = url.indexOf("?");
        const path = queryAt < 0 ? url : url.slice(0, queryAt);
        const rawQuery = queryAt < 0 ? "" : url.slice(queryAt + 1);
        if (path.startsWith(HOOK_PREFIX)) {
            await this.handleHook(req, res, path, rawQuery);
            return;
        }
        await this.handleApi(req, res, path, rawQuery);
    }

    // ---- The Alibaba API ----------------------------------------------------------------------------------------

    private async handleApi(req: http.IncomingMessage, res: http.ServerResponse, path: string, rawQuery: string): Promise<void> {
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
            this.log.add(entry);
        };
        const fail = (error: ApiError, fault?: FaultKind) => {
            record(error.status, error.code, fault);
            this.send(res, error.status, errorBody(error, requestId, hostId), { "x-acs-request-id": requestId, ...error.headers });
        };

        try {
            let body: Buffer;
            try {
                body = await readBody(req, this.settings.maxBodyBytes);
            } catch (error) {
                if (error instanceof BodyTooLarge) {
                    res.setHeader("connection", "close");
                    throw errors.requestBodyTooLarge(this.settings.maxBodyBytes);
                }
                throw error;
            }
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

            this.settings.store.refresh();
            // Signatures are checked against the wall clock, as the SDK stamps them; the cloud's time may run faster.
            const caller = authenticate(request, this.settings.store, this.guard, Date.now());
            const now = this.settings.clock.now();
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

            if (this.settings.rateLimits && !this.limiter.tryAcquire(caller.credential.account.accessKeyId, spec.name, spec.callsPerSecond, now)) {
                throw errors.throttlingUser();
            }

            const fault = this.faults.take(spec.name, (kind) => faultOutcome(kind) === undefined || spec.kind === "set");
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
                    store: this.settings.store,
                    account: caller.credential.account,
                    spec,
                    params,
                    now: () => this.settings.clock.now(),
                    behaviour: this.settings.behaviour,
                    batchLimit: this.settings.batchLimit,
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
            this.send(res, answer.status, answer.body, { "x-acs-request-id": requestId });
        } catch (error) {
            fail(error instanceof ApiError ? error : errors.internalError());
        }
    }

    // ---- Test hooks (not part of the Alibaba API, not authenticated: the emulator listens on loopback) ----------

    private async handleHook(req: http.IncomingMessage, res: http.ServerResponse, path: string, rawQuery: string): Promise<void> {
        const requestId = newRequestId();
        const fail = (error: ApiError) => this.send(res, error.status, errorBody(error, requestId, "emulator"));
        try {
            const body = await readBody(req, this.settings.maxBodyBytes).catch((error) => {
                throw error instanceof BodyTooLarge ? errors.requestBodyTooLarge(this.settings.maxBodyBytes) : error;
            });
            const route = `${req.method ?? "GET"} ${path.replace(/\/+$/, "")}`;
            switch (route) {
                case "GET /__emulator/requests":
                    this.send(res, 200, this.log.list());
                    return;
                case "GET /__emulator/faults":
                    this.send(res, 200, this.faults.list());
                    return;
                case "POST /__emulator/faults":
                    this.send(res, 200, this.faults.add(parseFaultSpec(parseJson(body))));
                    return;
                case "DELETE /__emulator/faults":
                    this.faults.clear();
                    this.send(res, 200, {});
                    return;
                case "POST /__emulator/domains":
                    this.send(res, 200, this.setDomainStatus(parseJson(body)));
                    return;
                case "GET /__emulator/cas-certificates":
                    this.send(res, 200, this.casCertificates(parseParameters(rawQuery).get("accessKeyId")));
                    return;
                case "POST /__emulator/reset":
                    this.reset();
                    this.send(res, 200, {});
                    return;
                default:
                    throw errors.hookNotFound(`${req.method ?? "GET"} ${path}`);
            }
        } catch (error) {
            fail(error instanceof ApiError ? error : errors.internalError());
        }
    }
}

function parseJson(body: Buffer): unknown {
    try {
        return JSON.parse(body.toString("utf8"));
    } catch {
        throw errors.hookInvalidJson();
    }
}
