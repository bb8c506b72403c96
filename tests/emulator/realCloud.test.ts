// The emulator as the real cloud behaves, beyond the happy path: every domain state and what a set answers in it,
// changes that end in a failure state, DescribeUserDomains, free certificates issued over time, CertId as a
// number, and idle connections closed by the server. Driven by the official SDK; the cloud's time is a clock the
// test moves by hand, so minutes of configuring pass exactly and at once.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import * as net from "node:net";
import { describe, test } from "node:test";
import { DOMAIN_STATUSES, type DomainStatus, type RunningEmulator } from "../../emulator";
import { fingerprintOf, issueCertificate, leafFingerprint } from "../../harness/certs";
import { expectApiError } from "./support/assertions";
import { $Cdn, CDN_VERSION, cdnClient, $Dcdn, dcdnClient, genericClient, liveClient, setLiveUpload } from "./support/clients";
import { account, accountWithCas, emulatorFor, keysOf } from "./support/fixtures";
import { hook } from "./support/rawRequests";

const CDN = "state.cdn.test";
const LIVE = "state.live.test";
const DCDN = "state.dcdn.test";
const owner = account("States", { cdn: [CDN, "b.cdn.test", "c.cdn.test"], live: [LIVE], dcdn: [DCDN, "b.dcdn.test"] });

/** A clock the test moves; the emulator's configuring and issuance run on it. */
function manualClock(start = 1_000_000) {
    let time = start;
    return { now: () => time, advance: (ms: number) => (time += ms) };
}

const fingerprint = (pem: unknown) => leafFingerprint(String(pem));

async function cdnDomainStatus(emulator: RunningEmulator, domainName = CDN): Promise<string | undefined> {
    const detail = await cdnClient(emulator, keysOf(owner)).describeCdnDomainDetail(new $Cdn.DescribeCdnDomainDetailRequest({ domainName }));
    return detail.body?.getDomainDetailModel?.domainStatus;
}

async function cdnCertInfo(emulator: RunningEmulator, domainName = CDN) {
    const info = await cdnClient(emulator, keysOf(owner)).describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName }));
    return info.body?.certInfos?.certInfo?.[0];
}

async function liveDetail(emulator: RunningEmulator) {
    return (await liveClient(emulator, keysOf(owner))("DescribeLiveDomainDetail", { DomainName: LIVE })).DomainDetail as Record<string, unknown>;
}

async function liveCertInfo(emulator: RunningEmulator) {
    const body = await liveClient(emulator, keysOf(owner))("DescribeLiveDomainCertificateInfo", { DomainName: LIVE });
    return (body.CertInfos as { CertInfo: Record<string, unknown>[] }).CertInfo[0]!;
}

async function dcdnDomainStatus(emulator: RunningEmulator): Promise<string | undefined> {
    const detail = await dcdnClient(emulator, keysOf(owner)).describeDcdnDomainDetail(new $Dcdn.DescribeDcdnDomainDetailRequest({ domainName: DCDN }));
    return detail.body?.domainDetail?.domainStatus;
}

type Refusal = [code: string, status: number];
type RefusingStatus = Exclude<DomainStatus, "online">;

/** What a set answers on a domain in `status` other than online: "not online", unless the product's table names its own answer. */
function refusalsWith(own: Partial<Record<RefusingStatus, Refusal>>): Record<RefusingStatus, Refusal> {
    const notOnline: Refusal = ["InvalidDomain.notOnline", 400];
    const refusing = DOMAIN_STATUSES.filter((status): status is RefusingStatus => status !== "online");
    return Object.fromEntries(refusing.map((status) => [status, own[status] ?? notOnline])) as Record<RefusingStatus, Refusal>;
}

/** CDN's and Live's set actions. */
const REFUSALS = refusalsWith({
    configuring: ["ServiceBusy", 403],
    offline: ["InvalidDomain.Offline", 404],
    configure_failed: ["InvalidDomain.Configure_failed", 500],
});

/** DCDN's set tables give one "not online" code for every state but configuring. */
const DCDN_REFUSALS = refusalsWith({ configuring: ["ServiceBusy", 403] });

describe("every DomainStatus", () => {
    test("each state can be seeded and set by the hook, and both products' domain reads report it", async (t) => {
        const seeded = account(
            "Seeded",
            {},
            {
                domains: DOMAIN_STATUSES.map((domainStatus) => ({
                    domainName: `${domainStatus.replace("_", "-")}.seed.test`,
                    product: "cdn" as const,
                    domainStatus,
                })),
            },
        );
        const emulator = await emulatorFor(t, { accounts: [seeded, owner] }, { configuringMs: 60_000 });
        const cdn = cdnClient(emulator, keysOf(seeded));
        for (const domainStatus of DOMAIN_STATUSES) {
            const detail = await cdn.describeCdnDomainDetail(
                new $Cdn.DescribeCdnDomainDetailRequest({ domainName: `${domainStatus.replace("_", "-")}.seed.test` }),
            );
            assert.equal(detail.body?.getDomainDetailModel?.domainStatus, domainStatus);
        }
        for (const domainStatus of DOMAIN_STATUSES) {
            const answer = await hook(emulator, "POST", "/__emulator/domains", { domainName: LIVE, domainStatus });
            assert.equal(answer.status, 200, answer.text);
            assert.deepEqual(answer.json, { domainName: LIVE, domainStatus });
            assert.equal((await liveDetail(emulator)).DomainStatus, domainStatus);
            await hook(emulator, "POST", "/__emulator/domains", { domainName: CDN, domainStatus });
            assert.equal(await cdnDomainStatus(emulator), domainStatus);
            await hook(emulator, "POST", "/__emulator/domains", { domainName: DCDN, domainStatus });
            assert.equal(await dcdnDomainStatus(emulator), domainStatus);
        }
        const bad = await hook(emulator, "POST", "/__emulator/domains", { domainName: CDN, domainStatus: "sleeping" });
        assert.equal(bad.status, 400);
        assert.match(String(bad.json.Message), /domainStatus.*online, offline, configuring, configure_failed/);
        assert.equal((await hook(emulator, "POST", "/__emulator/domains", { domainName: "nowhere.test", domainStatus: "online" })).status, 400);
    });

    test("a set on a domain in each state answers that state's code and status, on every set action", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] }, { configuringMs: 60_000 });
        const leaf = await issueCertificate({ dnsNames: [CDN, LIVE, DCDN] });
        const call = genericClient(emulator, keysOf(owner));
        const dcdn = dcdnClient(emulator, keysOf(owner));
        const upload = { SSLProtocol: "on", CertName: "s", SSLPub: leaf.chainPem, SSLPri: leaf.key.pkcs8 };
        // DCDN through its own typed client (@alicloud/dcdn20180115), which spells the name certName.
        const dcdnUpload = { SSLProtocol: "on", certName: "s", SSLPub: leaf.chainPem, SSLPri: leaf.key.pkcs8 };
        const sets: Record<string, () => Promise<unknown>> = {
            SetCdnDomainSSLCertificate: () => call("SetCdnDomainSSLCertificate", CDN_VERSION, { ...upload, DomainName: CDN }),
            SetDomainServerCertificate: () =>
                call("SetDomainServerCertificate", CDN_VERSION, {
                    DomainName: CDN,
                    ServerCertificateStatus: "on",
                    CertName: "s",
                    ServerCertificate: leaf.chainPem,
                    PrivateKey: leaf.key.pkcs8,
                }),
            BatchSetCdnDomainServerCertificate: () => call("BatchSetCdnDomainServerCertificate", CDN_VERSION, { ...upload, DomainName: `b.cdn.test,${CDN}` }),
            SetDcdnDomainSSLCertificate: () =>
                dcdn.setDcdnDomainSSLCertificate(new $Dcdn.SetDcdnDomainSSLCertificateRequest({ ...dcdnUpload, domainName: DCDN })),
            BatchSetDcdnDomainCertificate: () =>
                dcdn.batchSetDcdnDomainCertificate(new $Dcdn.BatchSetDcdnDomainCertificateRequest({ ...dcdnUpload, domainName: `b.dcdn.test,${DCDN}` })),
        };
        for (const [state, [code, status]] of Object.entries(REFUSALS)) {
            await hook(emulator, "POST", "/__emulator/domains", { domainName: CDN, domainStatus: state });
            await hook(emulator, "POST", "/__emulator/domains", { domainName: LIVE, domainStatus: state });
            await hook(emulator, "POST", "/__emulator/domains", { domainName: DCDN, domainStatus: state });
            for (const [action, send] of Object.entries(sets)) {
                // SetDomainServerCertificate's own error table gives InvalidDomain.Offline as 400.
                const [expectedCode, expectedStatus] = /Dcdn/.test(action)
                    ? DCDN_REFUSALS[state as RefusingStatus]
                    : [code, action === "SetDomainServerCertificate" && state === "offline" ? 400 : status];
                await t.test(`${action} on ${state}`, () => expectApiError(send(), expectedCode, expectedStatus));
            }
            await expectApiError(setLiveUpload(liveClient(emulator, keysOf(owner)), LIVE, leaf, "s"), code, status);
        }
    });

    for (const readDuringConfiguring of ["old", "new"] as const) {
        for (const [fault, endsIn] of [
            ["configure-failed", "configure_failed"],
            ["check-failed", "check_failed"],
        ] as const) {
            test(`${fault} (read model ${readDuringConfiguring}): the set succeeds, the domain ends in ${endsIn} and keeps serving what it served before`, async (t) => {
                const clock = manualClock();
                const emulator = await emulatorFor(t, { accounts: [owner] }, { configuringMs: 120_000, readDuringConfiguring, clock });
                const cdn = cdnClient(emulator, keysOf(owner));
                const before = await issueCertificate({ dnsNames: [CDN] });
                const after = await issueCertificate({ dnsNames: [CDN] });
                const set = (leaf: typeof before, certName: string) =>
                    cdn.setCdnDomainSSLCertificate(
                        new $Cdn.SetCdnDomainSSLCertificateRequest({
                            domainName: CDN,
                            SSLProtocol: "on",
                            certName,
                            SSLPub: leaf.chainPem,
                            SSLPri: leaf.key.pkcs8,
                        }),
                    );
                await set(before, "before");
                clock.advance(120_000);
                await hook(emulator, "POST", "/__emulator/faults", { action: "SetCdnDomainSSLCertificate", fault });
                await set(after, "after");
                assert.equal(emulator.requests().at(-1)?.status, 200);
                assert.equal(await cdnDomainStatus(emulator), "configuring");
                const during = await cdnCertInfo(emulator);
                assert.equal(fingerprint(during?.serverCertificate), await fingerprintOf(readDuringConfiguring === "new" ? after : before));
                clock.advance(119_999);
                assert.equal(await cdnDomainStatus(emulator), "configuring");
                clock.advance(1);
                assert.equal(await cdnDomainStatus(emulator), endsIn);
                assert.equal(
                    fingerprint((await cdnCertInfo(emulator))?.serverCertificate),
                    await fingerprintOf(before),
                    "the previous certificate is still served",
                );
            });
        }
    }

    test("a domain put in configuring by the hook refuses sets with ServiceBusy until its configuring time has passed", async (t) => {
        const clock = manualClock();
        const emulator = await emulatorFor(t, { accounts: [owner] }, { configuringMs: 90_000, clock });
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        emulator.setDomainStatus(CDN, "configuring");
        const set = () =>
            cdnClient(emulator, keysOf(owner)).setCdnDomainSSLCertificate(
                new $Cdn.SetCdnDomainSSLCertificateRequest({
                    domainName: CDN,
                    SSLProtocol: "on",
                    certName: "x",
                    SSLPub: leaf.chainPem,
                    SSLPri: leaf.key.pkcs8,
                }),
            );
        await expectApiError(set(), "ServiceBusy", 403);
        clock.advance(90_000);
        assert.equal(await cdnDomainStatus(emulator), "online");
        await set();
    });

    test("configuring times drawn from a range stay inside it", async (t) => {
        const clock = manualClock();
        const names = Array.from({ length: 20 }, (_, i) => `r${i}.cdn.test`);
        const many = account("Range", { cdn: names });
        const emulator = await emulatorFor(t, { accounts: [many] }, { configuringMs: { min: 60_000, max: 180_000 }, clock, rateLimits: false });
        const call = genericClient(emulator, keysOf(many));
        const leaf = await issueCertificate({ dnsNames: ["*.cdn.test"] });
        for (const [i, name] of names.entries()) {
            // A name per upload: the certificate service refuses a name it holds.
            await call("SetCdnDomainSSLCertificate", CDN_VERSION, {
                DomainName: name,
                SSLProtocol: "on",
                CertName: `w-${i}`,
                SSLPub: leaf.chainPem,
                SSLPri: leaf.key.pkcs8,
            });
        }
        const configuring = async () => {
            const body = await call("DescribeUserDomains", CDN_VERSION, { DomainStatus: "configuring", PageSize: "500" });
            return Number(body.TotalCount);
        };
        clock.advance(59_999);
        assert.equal(await configuring(), 20);
        clock.advance(60_000);
        const midway = await configuring();
        assert.ok(midway > 0 && midway < 20, `some but not all done after 120 s: ${midway}`);
        clock.advance(60_001);
        assert.equal(await configuring(), 0);
    });
});

describe("DescribeUserDomains", () => {
    const names = Array.from({ length: 1203 }, (_, i) => `d${String(i).padStart(4, "0")}.list.test`);
    const big = account("List", { cdn: names, live: ["only.live.test"] });

    test("pages of up to 500 in domain-name order, TotalCount, and PageSize / PageNumber validated", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [big] });
        const cdn = cdnClient(emulator, keysOf(big));
        const page = (pageNumber: number, pageSize: number) => cdn.describeUserDomains(new $Cdn.DescribeUserDomainsRequest({ pageNumber, pageSize }));
        const listed: string[] = [];
        for (let n = 1; ; n++) {
            const body = (await page(n, 500)).body!;
            assert.equal(body.totalCount, 1203);
            assert.equal(body.pageSize, 500);
            assert.equal(body.pageNumber, n);
            const entries = body.domains?.pageData ?? [];
            listed.push(...entries.map((e) => e.domainName!));
            if (entries.length < 500) break;
        }
        assert.deepEqual(listed, names, "every CDN domain once, none of Live's");
        const first = (await cdn.describeUserDomains(new $Cdn.DescribeUserDomainsRequest({}))).body!;
        assert.equal(first.pageSize, 20, "the default page size");
        assert.equal(first.domains?.pageData?.[0]?.domainStatus, "online");
        assert.equal(first.domains?.pageData?.[0]?.sslProtocol, "off");
        await expectApiError(page(1, 501), "InvalidParameter", 400);
        await expectApiError(page(0, 20), "InvalidParameter", 400);
    });

    test("up to 50 names, exact match by default, the other search types, a status filter", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [big] });
        const call = genericClient(emulator, keysOf(big));
        const listed = async (query: Record<string, string>) =>
            ((await call("DescribeUserDomains", CDN_VERSION, { PageSize: "500", ...query })).Domains as { PageData: { DomainName: string }[] }).PageData.map(
                (e) => e.DomainName,
            );
        const fifty = names.slice(100, 150);
        assert.deepEqual(await listed({ DomainName: fifty.join(",") }), fifty);
        assert.deepEqual(await listed({ DomainName: "d0001" }), [], "exact match unless told otherwise");
        assert.deepEqual(await listed({ DomainName: "d000", DomainSearchType: "pre_match" }), names.slice(0, 10));
        assert.deepEqual((await listed({ DomainName: "9.list.test", DomainSearchType: "suf_match" })).length, 120);
        assert.deepEqual(
            await listed({ DomainName: "120", DomainSearchType: "fuzzy_match" }),
            names.filter((name) => name.includes("120")),
        );
        await expectApiError(call("DescribeUserDomains", CDN_VERSION, { DomainName: names.slice(0, 51).join(",") }), "InvalidParameter", 400);
        await expectApiError(call("DescribeUserDomains", CDN_VERSION, { DomainSearchType: "regex" }), "InvalidParameter", 400);
        await expectApiError(call("DescribeUserDomains", CDN_VERSION, { DomainStatus: "sleeping" }), "InvalidParameter", 400);
        emulator.setDomainStatus(names[3]!, "offline");
        assert.deepEqual(await listed({ DomainStatus: "offline" }), [names[3]]);
    });

    test("domains under review or failed are listed only with CheckDomainShow=true", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [big] });
        const call = genericClient(emulator, keysOf(big));
        const five = names.slice(0, 5);
        const states: DomainStatus[] = ["checking", "check_failed", "configure_failed", "stopping"];
        for (const [i, state] of states.entries()) emulator.setDomainStatus(five[i]!, state);
        const listed = async (query: Record<string, string>) =>
            (
                (await call("DescribeUserDomains", CDN_VERSION, { DomainName: five.join(","), ...query })).Domains as {
                    PageData: { DomainName: string; DomainStatus: string }[];
                }
            ).PageData.map((e) => [e.DomainName, e.DomainStatus]);
        assert.deepEqual(await listed({}), [
            [five[3], "stopping"],
            [five[4], "online"],
        ]);
        assert.deepEqual(await listed({ CheckDomainShow: "true" }), [...states.map((s, i) => [five[i], s]), [five[4], "online"]]);
    });

    test("is limited to 100 calls per second per account", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [big] });
        const call = genericClient(emulator, keysOf(big));
        const results = await Promise.allSettled(Array.from({ length: 110 }, () => call("DescribeUserDomains", CDN_VERSION, { DomainName: names[0]! })));
        const throttled = results.filter((r) => r.status === "rejected" && (r.reason as { code?: string }).code === "Throttling.User").length;
        assert.equal(throttled, 10);
    });
});

describe("free certificates are issued over time", () => {
    for (const readDuringConfiguring of ["old", "new"] as const) {
        test(`CDN (SetDomainServerCertificate), read model ${readDuringConfiguring}: applying, then configuring, then success`, async (t) => {
            const clock = manualClock();
            const emulator = await emulatorFor(t, { accounts: [owner] }, { configuringMs: 30_000, freeIssueMs: 120_000, readDuringConfiguring, clock });
            await genericClient(emulator, keysOf(owner))("SetDomainServerCertificate", CDN_VERSION, {
                DomainName: CDN,
                ServerCertificateStatus: "on",
                CertType: "free",
            });
            assert.equal(await cdnDomainStatus(emulator), "configuring");
            const applying = await cdnCertInfo(emulator);
            if (readDuringConfiguring === "new") {
                assert.deepEqual([applying?.certType, applying?.status, applying?.serverCertificate], ["free", "applying", undefined]);
            } else {
                assert.deepEqual([applying?.serverCertificateStatus, applying?.status], ["off", "success"], "the configuration in effect");
            }
            clock.advance(120_000);
            const issued = await cdnCertInfo(emulator);
            assert.equal(await cdnDomainStatus(emulator), "configuring", "the issued certificate now configures");
            if (readDuringConfiguring === "new") assert.deepEqual([issued?.certType, issued?.status], ["free", "success"]);
            else assert.equal(issued?.serverCertificateStatus, "off");
            clock.advance(30_000);
            assert.equal(await cdnDomainStatus(emulator), "online");
            const done = await cdnCertInfo(emulator);
            assert.deepEqual([done?.certType, done?.status], ["free", "success"]);
            assert.ok(new X509Certificate(done?.serverCertificate ?? "").checkHost(CDN));
        });
    }

    for (const [fault, status] of [
        ["free-failed", "failed"],
        ["free-cname-error", "cname_error"],
    ] as const) {
        test(`${fault}: the issuance ends in Status ${status} on both products, and the domain is online again`, async (t) => {
            const clock = manualClock();
            const emulator = await emulatorFor(t, { accounts: [owner] }, { configuringMs: 30_000, freeIssueMs: 60_000, clock });
            await hook(emulator, "POST", "/__emulator/faults", { action: "*", fault, times: 2 });
            // Reads before the sets do not use up the outcome faults: they apply to changes only.
            await cdnCertInfo(emulator);
            await genericClient(emulator, keysOf(owner))("SetDomainServerCertificate", CDN_VERSION, {
                DomainName: CDN,
                ServerCertificateStatus: "on",
                CertType: "free",
            });
            await liveClient(emulator, keysOf(owner))("SetLiveDomainCertificate", { DomainName: LIVE, SSLProtocol: "on", CertType: "free" });
            assert.equal((await cdnCertInfo(emulator))?.status, "applying");
            assert.equal((await liveCertInfo(emulator)).Status, "applying");
            clock.advance(60_000);
            const cdnInfo = await cdnCertInfo(emulator);
            assert.deepEqual([cdnInfo?.certType, cdnInfo?.status, cdnInfo?.serverCertificate], ["free", status, undefined]);
            const liveInfo = await liveCertInfo(emulator);
            assert.deepEqual([liveInfo.CertType, liveInfo.Status, liveInfo.SSLPub], ["free", status, undefined]);
            assert.equal(await cdnDomainStatus(emulator), "online");
            assert.equal((await liveDetail(emulator)).DomainStatus, "online");
        });
    }

    test("Live: Status is reported for free certificates only", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const leaf = await issueCertificate({ dnsNames: [LIVE] });
        await setLiveUpload(liveClient(emulator, keysOf(owner)), LIVE, leaf, "u");
        const info = await liveCertInfo(emulator);
        assert.equal(info.Status, undefined);
        assert.equal(fingerprint(info.SSLPub), await fingerprintOf(leaf));
    });
});

describe("CertId is a number on the wire", () => {
    test("a CertId that is not a whole number gets InvalidParameter naming CertId; a numeric one is looked up", async (t) => {
        const stored = await issueCertificate({ dnsNames: [CDN] });
        const withCas = accountWithCas("Cas", { cdn: [CDN] }, [{ certId: "8089870", certName: "stored", certificate: stored.chainPem }]);
        const emulator = await emulatorFor(t, { accounts: [withCas] });
        const call = genericClient(emulator, keysOf(withCas));
        const set = (CertId: string) => call("SetCdnDomainSSLCertificate", CDN_VERSION, { DomainName: CDN, SSLProtocol: "on", CertType: "cas", CertId });
        for (const malformed of ["8089870-cn-hangzhou", "abc", "12.5", "-3"]) {
            await assert.rejects(set(malformed), (error: { code?: string; statusCode?: number; data?: { Message?: string } }) => {
                assert.equal(error.code, "InvalidParameter");
                assert.equal(error.statusCode, 400);
                assert.match(String(error.data?.Message), /CertId/);
                return true;
            });
        }
        await expectApiError(set("1"), "Certificate.NotFind", 400);
        await set("8089870");
    });
});

describe("idle connections", () => {
    test("the server closes a kept-alive connection left idle, and announces no Keep-Alive timeout", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] }, { idleTimeoutMs: 200 });
        const socket = net.connect(emulator.port, "127.0.0.1");
        const received: Buffer[] = [];
        socket.on("data", (chunk: Buffer) => received.push(chunk));
        const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now())));
        await new Promise((resolve) => socket.once("connect", resolve));
        socket.write("GET /__emulator/faults HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
        const answeredAt = await new Promise<number>((resolve) => socket.once("data", () => resolve(Date.now())));
        const closedAt = await closed;
        const head = Buffer.concat(received).toString("latin1").split("\r\n\r\n")[0]!.toLowerCase();
        assert.match(head, /^http\/1\.1 200/);
        assert.match(head, /\r\nconnection: keep-alive/);
        assert.doesNotMatch(head, /\r\nkeep-alive:/);
        // At the idle time itself, not a second later (Node's own keep-alive timer adds 1000 ms: the emulator keeps its own).
        assert.ok(closedAt - answeredAt >= 190 && closedAt - answeredAt < 600, `closed after ${closedAt - answeredAt} ms idle`);
    });

    test("the official SDK's next call after its connection was closed while idle still succeeds", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] }, { idleTimeoutMs: 100 });
        const cdn = cdnClient(emulator, keysOf(owner));
        for (let i = 0; i < 5; i++) {
            await cdn.describeCdnDomainDetail(new $Cdn.DescribeCdnDomainDetailRequest({ domainName: CDN }));
            await new Promise((resolve) => setTimeout(resolve, 250));
        }
        assert.equal(emulator.requests().filter((r) => r.status === 200).length, 5);
        assert.equal(emulator.connections(), 5, "each call found its previous connection closed, and opened a new one");
    });
});

describe("DescribeLiveUserDomains", () => {
    test("Live's listing: pages of up to 50, one keyword matched fuzzily by default, the state in LiveDomainStatus", async (t) => {
        const lives = Array.from({ length: 60 }, (_, i) => `s${String(i).padStart(2, "0")}.live.test`);
        const holder = account("LiveList", { live: lives, cdn: ["x.cdn.test"] });
        const emulator = await emulatorFor(t, { accounts: [holder] });
        const live = liveClient(emulator, keysOf(holder));
        emulator.setDomainStatus(lives[1]!, "offline");
        const body = await live("DescribeLiveUserDomains", { PageSize: "50" });
        assert.equal(body.TotalCount, 60);
        const page = (body.Domains as { PageData: Record<string, unknown>[] }).PageData;
        assert.equal(page.length, 50);
        assert.deepEqual([page[0]!.DomainName, page[0]!.LiveDomainStatus, page[1]!.LiveDomainStatus], [lives[0], "online", "offline"]);
        assert.equal(page[0]!.DomainStatus, undefined);
        const keyword = await live("DescribeLiveUserDomains", { DomainName: "s0", PageSize: "50" });
        assert.equal(keyword.TotalCount, 10);
        await expectApiError(live("DescribeLiveUserDomains", { PageSize: "51" }), "InvalidParameter", 400);
        // One keyword, not a list: two names with a comma match nothing.
        assert.equal((await live("DescribeLiveUserDomains", { DomainName: `${lives[0]},${lives[1]}` })).TotalCount, 0);
    });
});
