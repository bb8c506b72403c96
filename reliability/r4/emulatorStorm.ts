// R4's emulator part: 10k requests from 50 concurrent clients against the built `alicloud-cert-emulator` command,
// in its own process with a state file. Well-formed calls go through the official SDK (@alicloud/cdn20180510, and
// @alicloud/openapi-core's generic call for Live and the batch set); malformed ones through raw HTTP and raw TCP:
// bad signatures (with the private key in the query), garbage query strings, huge headers and URLs, truncated and
// oversized bodies, wrong methods, random bytes, pipelined and half-sent requests.
//
// What must hold: the process never exits; every HTTP answer is JSON and none is a 500 (an exception the emulator
// did not expect); its memory stays bounded (VmRSS at the start, VmHWM at the peak, VmRSS at the end, from
// /proc/<pid>/status); its state file parses, and still holds every domain, whenever it is read (every 200 ms
// during the storm, and after it stops); and it still answers a well-formed call at the end.
import Cdn, * as $Cdn from "@alicloud/cdn20180510";
import OpenApi from "@alicloud/openapi-core";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { Seed } from "../../emulator";
import { issueCertificate } from "../../harness/certs";
import { EmulatorProcess } from "../../harness/emulatorProcess";
import { rpcCaller, testSdkConfig, type SdkKeys } from "../../harness/sdkClients";
import type { ProducedText, SecretUsed } from "../scenario";
import { emulatorTexts } from "../emulatorOutput";
import { seededRandom } from "../../emulator/random";
import { statusField } from "../../bench/memory";
import { STATE_FORMAT_VERSION } from "../../emulator/persistence/model";

const CDN_VERSION = "2018-05-10";
const LIVE_VERSION = "2016-11-01";

export interface StormOptions {
    readonly cliPath: string;
    readonly seed: number;
    readonly requests?: number;
    readonly clients?: number;
    readonly progress: (line: string) => void;
}

export interface KindTally {
    sent: number;
    /** Answers by HTTP status (or SDK error code), "closed" for a connection closed without an answer. */
    readonly outcomes: Record<string, number>;
}

export interface StormResult {
    readonly requests: number;
    readonly seconds: number;
    readonly byKind: Record<string, KindTally>;
    /** What must not happen, each with its evidence: a 500, a non-JSON answer, a well-formed call lost, a corrupt state. */
    readonly defects: string[];
    /** Requests that showed one of those. */
    readonly violations: number;
    readonly crashed?: string;
    /** VmRSS before, VmHWM (the kernel's peak) during, VmRSS 2 s after; and VmRSS after every 2,000 requests. */
    readonly memory: { readonly startRss?: number; readonly peakHwm?: number; readonly endRss?: number; readonly series: number[] };
    readonly stateReads: number;
    readonly stateCorrupt: string[];
    readonly domainsKept: boolean;
    readonly finalCallOk: boolean;
    readonly produced: ProducedText[];
    readonly secrets: SecretUsed[];
}

function statusOf(pid: number): { rss?: number; hwm?: number } {
    try {
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        return { rss: statusField(status, "VmRSS"), hwm: statusField(status, "VmHWM") };
    } catch {
        return {};
    }
}

/** The state file as a reader sees it: parsed, the format the emulator writes, every seeded domain still there. */
function readState(stateFile: string, domains: number): string | undefined {
    let text: string;
    try {
        text = fs.readFileSync(stateFile, "utf8");
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "ENOENT" ? undefined : `unreadable: ${(error as Error).message}`;
    }
    try {
        const state = JSON.parse(text) as { formatVersion?: unknown; accounts?: { domains?: Record<string, unknown> }[] };
        if (state.formatVersion !== STATE_FORMAT_VERSION || !Array.isArray(state.accounts))
            return `parses, but is not formatVersion ${STATE_FORMAT_VERSION} with accounts`;
        const held = state.accounts.reduce((n, a) => n + (a.domains && typeof a.domains === "object" ? Object.keys(a.domains).length : 0), 0);
        if (held !== domains) return `holds ${held} domains instead of ${domains}`;
        return undefined;
    } catch (error) {
        return `does not parse (${text.length} bytes): ${(error as Error).message}`;
    }
}

// ---- Clients ----------------------------------------------------------------------------------------------------

function generic(endpoint: string, keys: SdkKeys) {
    return rpcCaller(new OpenApi(testSdkConfig(endpoint, keys, { readTimeout: 10_000, connectTimeout: 5_000 })));
}

interface Answer {
    readonly status?: number;
    readonly body: string;
    readonly contentType?: string;
    readonly error?: string;
}

/** One HTTP request on a connection of its own (no pool: a reused connection would blur what each request did). */
function httpCall(port: number, method: string, target: string, headers: Record<string, string>, body?: Buffer | string, timeoutMs = 10_000): Promise<Answer> {
    return new Promise((resolve) => {
        const request = http.request({ host: "127.0.0.1", port, method, path: target, headers, agent: false, timeout: timeoutMs }, (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (c: Buffer) => chunks.push(c));
            response.on("end", () =>
                resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString("utf8"), contentType: response.headers["content-type"] }),
            );
            response.on("error", (error) => resolve({ body: "", error: error.message }));
        });
        request.on("timeout", () => request.destroy(new Error("timeout")));
        request.on("error", (error: NodeJS.ErrnoException) => resolve({ body: "", error: error.code ?? error.message }));
        request.end(body);
    });
}

/** Raw bytes on a TCP connection, then whatever comes back until the server closes it (or `waitMs` passes). */
function rawCall(port: number, parts: readonly (Buffer | string)[], options: { gapMs?: number; waitMs?: number; halfClose?: boolean } = {}): Promise<Answer> {
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        const chunks: Buffer[] = [];
        let done = false;
        const finish = (error?: string) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            socket.destroy();
            const text = Buffer.concat(chunks).toString("latin1");
            const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
            const bodyAt = text.indexOf("\r\n\r\n");
            resolve({
                ...(status ? { status: Number(status[1]) } : {}),
                body: bodyAt < 0 ? "" : text.slice(bodyAt + 4),
                contentType: /content-type: ([^\r\n]+)/i.exec(text)?.[1],
                ...(error ? { error } : {}),
            });
        };
        const timer = setTimeout(() => finish(chunks.length === 0 ? "no answer" : undefined), options.waitMs ?? 5_000);
        socket.on("data", (c: Buffer) => chunks.push(c));
        socket.on("close", () => finish());
        socket.on("error", (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
        socket.on("connect", async () => {
            for (const part of parts) {
                if (socket.destroyed) return;
                socket.write(part);
                if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
            }
            if (options.halfClose !== false) socket.end();
        });
    });
}

// ---- The storm --------------------------------------------------------------------------------------------------

type Kind = { readonly name: string; readonly weight: number; readonly wellFormed: boolean };

const KINDS: readonly Kind[] = [
    { name: "sdk DescribeUserDomains", weight: 4, wellFormed: true },
    { name: "sdk DescribeDomainCertificateInfo", weight: 4, wellFormed: true },
    { name: "sdk DescribeCdnDomainDetail", weight: 2, wellFormed: true },
    { name: "sdk SetCdnDomainSSLCertificate", weight: 3, wellFormed: true },
    { name: "sdk BatchSetCdnDomainServerCertificate", weight: 1, wellFormed: true },
    { name: "sdk Live DescribeLiveDomainCertificateInfo", weight: 1, wellFormed: true },
    { name: "sdk Live SetLiveDomainCertificate", weight: 1, wellFormed: true },
    { name: "sdk wrong secret (set with key)", weight: 2, wellFormed: false },
    { name: "sdk unknown access key", weight: 1, wellFormed: false },
    { name: "forged v2 signature (key in query)", weight: 2, wellFormed: false },
    { name: "garbage query string", weight: 3, wellFormed: false },
    { name: "garbage path", weight: 1, wellFormed: false },
    { name: "hook with junk JSON", weight: 1, wellFormed: false },
    { name: "huge header (300 KB)", weight: 1, wellFormed: false },
    { name: "many headers (3000)", weight: 1, wellFormed: false },
    { name: "huge URL (300 KB)", weight: 1, wellFormed: false },
    { name: "truncated body", weight: 2, wellFormed: false },
    { name: "oversized body (2 MB)", weight: 1, wellFormed: false },
    { name: "wrong method", weight: 2, wellFormed: false },
    { name: "raw random bytes", weight: 3, wellFormed: false },
    { name: "raw pipelined requests", weight: 1, wellFormed: false },
    { name: "raw half-sent request line", weight: 1, wellFormed: false },
    { name: "raw HTTP/1.0 and junk versions", weight: 1, wellFormed: false },
    { name: "raw HTTP/1.1 without Host", weight: 1, wellFormed: false },
];

function picker(random: () => number): () => Kind {
    const total = KINDS.reduce((n, k) => n + k.weight, 0);
    return () => {
        let draw = random() * total;
        for (const kind of KINDS) {
            draw -= kind.weight;
            if (draw < 0) return kind;
        }
        return KINDS[KINDS.length - 1]!;
    };
}

function junk(random: () => number, length: number, alphabet?: string): string {
    if (alphabet) return Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
    return Array.from({ length }, () => String.fromCharCode(Math.floor(random() * 256))).join("");
}

const QUERY_JUNK = "abcXYZ019=&%?#+;,/[]{}<>\"'`\\ ~!@$^*()|%ZZ%E0%A4%A%00%ff";

export async function runStorm(options: StormOptions): Promise<StormResult> {
    const total = options.requests ?? 10_000;
    const clients = options.clients ?? 50;
    const random = seededRandom(options.seed);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reliability-r4-"));
    const stateFile = path.join(dir, "state.json");
    // A key pair made for this run, so that R5 searches for a secret nothing else knows.
    const keys = { accessKeyId: "LTAIreliabilityR4storm01", accessKeySecret: randomBytes(20).toString("hex") };
    const cdnDomains = Array.from({ length: 20 }, (_, i) => `s${i}.storm.example.test`);
    const liveDomains = Array.from({ length: 5 }, (_, i) => `l${i}.storm.example.test`);
    const seed: Seed = {
        accounts: [
            {
                ...keys,
                domains: [
                    ...cdnDomains.map((domainName) => ({ domainName, product: "cdn" as const })),
                    ...liveDomains.map((domainName) => ({ domainName, product: "live" as const })),
                ],
            },
        ],
    };
    const certificate = await issueCertificate({ dnsNames: ["*.storm.example.test"], key: "ec256" });
    const secrets: SecretUsed[] = [
        { label: "R4 storm account's access key secret", value: keys.accessKeySecret },
        { label: "R4 storm certificate's private key (PKCS#8)", value: certificate.key.pkcs8, publicTexts: [certificate.chainPem] },
        { label: "R4 storm certificate's private key (SEC1)", value: certificate.key.traditional, publicTexts: [certificate.chainPem] },
    ];
    const produced: ProducedText[] = [];
    const defects: string[] = [];
    let violations = 0;
    const defect = (text: string) => {
        violations++;
        if (defects.length < 50 && !defects.includes(text)) defects.push(text);
    };

    const emulator = await EmulatorProcess.start({ workDir: dir, seed, configuringMs: 200, stateFile: true, cliPath: options.cliPath });
    const pid = emulator.pid!;
    const cdn = new Cdn(testSdkConfig(emulator.endpoint, keys, { readTimeout: 10_000, connectTimeout: 5_000 }));
    const call = generic(emulator.endpoint, keys);
    const forged = randomBytes(20).toString("hex");
    secrets.push({ label: "R4 storm's wrong secret (signs the bad-signature calls)", value: forged });
    const wrongSecret = new Cdn(testSdkConfig(emulator.endpoint, { ...keys, accessKeySecret: forged }));
    const unknownKey = new Cdn(testSdkConfig(emulator.endpoint, { accessKeyId: "LTAInobody000000", accessKeySecret: "nobody" }));

    // The start: after one call has loaded the handlers, before the storm.
    await cdn.describeUserDomains(new $Cdn.DescribeUserDomainsRequest({ pageSize: 50 }));
    await new Promise((r) => setTimeout(r, 500));
    const startRss = statusOf(pid).rss;

    const stateCorrupt: string[] = [];
    let stateReads = 0;
    const domainCount = cdnDomains.length + liveDomains.length;
    const watch = setInterval(() => {
        stateReads++;
        const problem = readState(stateFile, domainCount);
        if (problem && stateCorrupt.length < 10) stateCorrupt.push(`during the storm: ${problem}`);
    }, 200);
    let peakHwm = 0;
    const sampler = setInterval(() => {
        peakHwm = Math.max(peakHwm, statusOf(pid).hwm ?? 0);
    }, 100);

    const byKind: Record<string, KindTally> = Object.fromEntries(KINDS.map((k) => [k.name, { sent: 0, outcomes: {} }]));
    const tally = (kind: Kind, outcome: string) => {
        const t = byKind[kind.name]!;
        t.outcomes[outcome] = (t.outcomes[outcome] ?? 0) + 1;
    };
    const pick = picker(random);
    const domainOf = () => cdnDomains[Math.floor(random() * cdnDomains.length)]!;

    /** An HTTP answer of the emulator: JSON, never a 500; anything else is a defect with its evidence. */
    const judge = (kind: Kind, answer: Answer) => {
        if (answer.status === undefined) {
            tally(kind, answer.error ? `closed (${answer.error})` : "closed");
            return;
        }
        tally(kind, String(answer.status));
        if (answer.status >= 500) defect(`${kind.name}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`);
        if (!/^application\/json/.test(answer.contentType ?? ""))
            defect(`${kind.name}: HTTP ${answer.status} answered with content-type ${answer.contentType ?? "(none)"}`);
        else {
            try {
                JSON.parse(answer.body);
            } catch {
                defect(`${kind.name}: HTTP ${answer.status} with a body that is not JSON (${answer.body.length} bytes)`);
            }
        }
        produced.push({ source: `emulator answer to ${kind.name}`, text: answer.body.slice(0, 4096) });
    };
    /** An SDK call: its answer, or its error's code; a transport error on a well-formed call is a lost call. */
    const sdk = async (kind: Kind, run: () => Promise<unknown>) => {
        try {
            await run();
            tally(kind, "200");
        } catch (error) {
            const e = error as { code?: string; statusCode?: number; message?: string };
            tally(kind, e.code ?? "error");
            produced.push({ source: `SDK error of ${kind.name}`, text: String(e.message ?? error) });
            if (e.statusCode === undefined && kind.wellFormed) defect(`${kind.name}: no answer (${e.code ?? ""} ${String(e.message ?? "").slice(0, 120)})`);
            if ((e.statusCode ?? 0) >= 500) defect(`${kind.name}: ${e.statusCode} ${e.code}`);
        }
    };

    const one = async (kind: Kind): Promise<void> => {
        byKind[kind.name]!.sent++;
        const domain = domainOf();
        const port = emulator.port;
        switch (kind.name) {
            case "sdk DescribeUserDomains":
                return sdk(kind, () => cdn.describeUserDomains(new $Cdn.DescribeUserDomainsRequest({ pageSize: 50, checkDomainShow: true })));
            case "sdk DescribeDomainCertificateInfo":
                return sdk(kind, () => cdn.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: domain })));
            case "sdk DescribeCdnDomainDetail":
                return sdk(kind, () => cdn.describeCdnDomainDetail(new $Cdn.DescribeCdnDomainDetailRequest({ domainName: domain })));
            case "sdk SetCdnDomainSSLCertificate": {
                const on = random() < 0.8;
                return sdk(kind, () =>
                    cdn.setCdnDomainSSLCertificate(
                        new $Cdn.SetCdnDomainSSLCertificateRequest(
                            on
                                ? {
                                      domainName: domain,
                                      SSLProtocol: "on",
                                      certType: "upload",
                                      SSLPub: certificate.chainPem,
                                      SSLPri: certificate.key.pkcs8,
                                      certName: `storm-${Math.floor(random() * 4)}`,
                                  }
                                : { domainName: domain, SSLProtocol: "off" },
                        ),
                    ),
                );
            }
            case "sdk BatchSetCdnDomainServerCertificate":
                return sdk(kind, () =>
                    call("BatchSetCdnDomainServerCertificate", CDN_VERSION, {
                        DomainName: [domain, domainOf()].join(","),
                        SSLProtocol: "on",
                        CertType: "upload",
                        SSLPub: certificate.chainPem,
                        SSLPri: certificate.key.pkcs8,
                        CertName: "storm-batch",
                    }),
                );
            case "sdk Live DescribeLiveDomainCertificateInfo":
                return sdk(kind, () =>
                    call("DescribeLiveDomainCertificateInfo", LIVE_VERSION, { DomainName: liveDomains[Math.floor(random() * liveDomains.length)]! }),
                );
            case "sdk Live SetLiveDomainCertificate":
                return sdk(kind, () =>
                    call("SetLiveDomainCertificate", LIVE_VERSION, {
                        DomainName: liveDomains[Math.floor(random() * liveDomains.length)]!,
                        SSLProtocol: "on",
                        CertType: "upload",
                        SSLPub: certificate.chainPem,
                        SSLPri: certificate.key.pkcs8,
                        CertName: "storm-live",
                    }),
                );
            case "sdk wrong secret (set with key)":
                return sdk(kind, () =>
                    wrongSecret.setCdnDomainSSLCertificate(
                        new $Cdn.SetCdnDomainSSLCertificateRequest({
                            domainName: domain,
                            SSLProtocol: "on",
                            SSLPub: certificate.chainPem,
                            SSLPri: certificate.key.pkcs8,
                        }),
                    ),
                );
            case "sdk unknown access key":
                return sdk(kind, () => unknownKey.describeUserDomains(new $Cdn.DescribeUserDomainsRequest({})));
            case "forged v2 signature (key in query)": {
                const query = new URLSearchParams({
                    Action: "SetCdnDomainSSLCertificate",
                    Version: CDN_VERSION,
                    Format: "JSON",
                    AccessKeyId: keys.accessKeyId,
                    SignatureMethod: "HMAC-SHA1",
                    SignatureVersion: "1.0",
                    SignatureNonce: randomBytes(8).toString("hex"),
                    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
                    DomainName: domain,
                    SSLProtocol: "on",
                    SSLPub: certificate.chainPem,
                    SSLPri: certificate.key.pkcs8,
                    Signature: junk(random, 28, "ABCDEFabcdef0123456789+/="),
                });
                return judge(kind, await httpCall(port, random() < 0.5 ? "GET" : "POST", `/?${query}`, {}));
            }
            case "garbage query string":
                return judge(
                    kind,
                    await httpCall(
                        port,
                        "GET",
                        `/?${encodeURI(junk(random, 1 + Math.floor(random() * 2000), QUERY_JUNK)).replace(/%25/g, "%")}`,
                        random() < 0.5 ? { "x-acs-action": "DescribeUserDomains", "x-acs-version": CDN_VERSION } : {},
                    ),
                );
            case "garbage path":
                return judge(
                    kind,
                    await httpCall(
                        port,
                        "GET",
                        random() < 0.5 ? `/${encodeURIComponent(junk(random, 50))}` : `/__emulator/${encodeURIComponent(junk(random, 20))}`,
                        {},
                    ),
                );
            case "hook with junk JSON": {
                const target = ["/__emulator/domains", "/__emulator/faults"][Math.floor(random() * 2)]!;
                const body =
                    random() < 0.5
                        ? junk(random, 200)
                        : JSON.stringify({ domainName: junk(random, 10), domainStatus: "nonsense", kind: "nonsense", count: -1 });
                return judge(kind, await httpCall(port, "POST", target, { "content-type": "application/json" }, body));
            }
            case "huge header (300 KB)":
                return judge(
                    kind,
                    await rawCall(port, [`GET /?Action=DescribeUserDomains HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Junk: ${"a".repeat(300 * 1024)}\r\n\r\n`]),
                );
            case "many headers (3000)": {
                const headers = Array.from({ length: 3000 }, (_, i) => `X-H${i}: ${i}\r\n`).join("");
                return judge(kind, await rawCall(port, [`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`]));
            }
            case "huge URL (300 KB)":
                return judge(kind, await rawCall(port, [`GET /?SSLPri=${"A".repeat(300 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`]));
            case "truncated body": {
                const declared = 1000 + Math.floor(random() * 100_000);
                const sent = Math.floor(random() * Math.min(declared, 2000));
                return judge(
                    kind,
                    await rawCall(
                        port,
                        [
                            `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${declared}\r\n\r\n`,
                            "Action=SetCdnDomainSSLCertificate&SSLPri=".padEnd(sent, "A"),
                        ],
                        { waitMs: 3_000 },
                    ),
                );
            }
            case "oversized body (2 MB)":
                return judge(
                    kind,
                    await httpCall(port, "POST", "/", { "content-type": "application/x-www-form-urlencoded" }, Buffer.alloc(2 * 1024 * 1024, "a")),
                );
            case "wrong method": {
                const method = ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND"][Math.floor(random() * 7)]!;
                const answer = await httpCall(port, method, "/?Action=DescribeUserDomains", {});
                // A HEAD answer has no body by definition.
                if (method === "HEAD") {
                    tally(kind, answer.status === undefined ? "closed" : String(answer.status));
                    if ((answer.status ?? 0) >= 500) defect(`wrong method HEAD: HTTP ${answer.status}`);
                    return;
                }
                return judge(kind, answer);
            }
            case "raw random bytes":
                return judge(kind, await rawCall(port, [randomBytes(1 + Math.floor(random() * 16_384))]));
            case "raw pipelined requests": {
                const req = "GET /?Action=DescribeUserDomains HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
                const answer = await rawCall(port, [`${req + req}GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n`]);
                tally(kind, answer.status === undefined ? "closed" : String(answer.status));
                if (/HTTP\/1\.1 5\d\d/.test(answer.body) || (answer.status ?? 0) >= 500) defect("raw pipelined requests: a 5xx answer");
                return;
            }
            case "raw half-sent request line":
                return judge(kind, await rawCall(port, ["GET /?Action=Desc", "ribeUser"], { gapMs: 50, waitMs: 1_000 }));
            case "raw HTTP/1.0 and junk versions": {
                const line = [
                    "GET / HTTP/1.0\r\n\r\n",
                    "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
                    "GET /\r\n\r\n",
                    "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                ][Math.floor(random() * 4)]!;
                return judge(kind, await rawCall(port, [line]));
            }
            case "raw HTTP/1.1 without Host":
                return judge(kind, await rawCall(port, ["GET /?Action=DescribeUserDomains HTTP/1.1\r\n\r\n"]));
        }
    };

    options.progress(`r4: emulator storm: ${total} requests from ${clients} clients against pid ${pid}`);
    const begin = performance.now();
    let issued = 0;
    const series: number[] = [];
    let crashed: string | undefined;
    await Promise.all(
        Array.from({ length: clients }, async () => {
            while (issued < total && crashed === undefined) {
                issued++;
                if (issued % 2000 === 0) {
                    const rss = statusOf(pid).rss;
                    if (rss !== undefined) series.push(rss);
                    options.progress(`r4: emulator storm: ${issued} requests, VmRSS ${Math.round((rss ?? 0) / 1048576)} MB`);
                }
                await one(pick());
                if (emulator.exit !== undefined) crashed = `${emulator.exit}: ${emulator.stderr.slice(-400)}`;
            }
        }),
    );
    const seconds = (performance.now() - begin) / 1000;
    clearInterval(watch);
    clearInterval(sampler);
    peakHwm = Math.max(peakHwm, statusOf(pid).hwm ?? 0);

    // The end: once the connections of the storm are closed and the emulator is idle again.
    await new Promise((r) => setTimeout(r, 2_000));
    const endRss = statusOf(pid).rss;
    let finalCallOk = false;
    for (let attempt = 0; attempt < 5 && !finalCallOk && emulator.exit === undefined; attempt++) {
        try {
            await cdn.describeUserDomains(new $Cdn.DescribeUserDomainsRequest({ pageSize: 50 }));
            finalCallOk = true;
        } catch {
            await new Promise((r) => setTimeout(r, 1_000));
        }
    }
    const log = emulator.exit === undefined ? await emulator.hooks.requests() : undefined;

    // Stopped as an operator would (SIGTERM), then the state file as the next start would read it.
    if (emulator.exit === undefined) {
        const exit = await emulator.stop();
        if (!/^exit code 0/.test(exit ?? "")) defect(`the emulator did not stop cleanly on SIGTERM: ${exit}`);
    }
    const after = readState(stateFile, domainCount);
    stateReads++;
    if (after) stateCorrupt.push(`after the stop: ${after}`);
    const leftovers = fs.readdirSync(dir).filter((f) => f !== "state.json" && f !== "seed.json");
    if (leftovers.length > 0) defect(`files left beside the state file after a clean stop: ${leftovers.join(", ")}`);
    produced.push(...emulatorTexts(emulator, "R4 storm", log));
    fs.rmSync(dir, { recursive: true, force: true });

    return {
        requests: issued,
        seconds,
        byKind,
        defects,
        violations,
        ...(crashed ? { crashed } : {}),
        memory: { startRss, peakHwm, endRss, series },
        stateReads,
        stateCorrupt,
        domainsKept: after === undefined,
        finalCallOk,
        produced,
        secrets,
    };
}
