// Issue #13: a test's own SDK call failed with ECONNRESET, now and then. The SDK takes a pooled keep-alive
// connection that the emulator closed at that instant for sitting idle (harness/sdkClients.ts says why
// that happens and why the tests' clients open a connection per call).
//
// That instant is made to last here, so that the race is not left to luck: the emulator runs in another process
// (as the cloud does) with a 1 ms idle timeout, and after a first call this thread stops until the kernel shows
// the server has closed the pooled connection. The client has not run meanwhile, so the pool still offers that
// connection, exactly as in the instant between a server's close and the client's reading of it; the next call
// is made before this thread runs its event loop again.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";
import Cdn, * as $Cdn from "@alicloud/cdn20180510";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import { DEFAULT_ACCOUNT } from "../../emulator";
import { testCdnClient } from "../../harness/sdkClients";

const DOMAIN = "www.example-cdn.test"; // a domain of the default account
const KEYS = { accessKeyId: DEFAULT_ACCOUNT.accessKeyId, accessKeySecret: DEFAULT_ACCOUNT.accessKeySecret };
const TCP_TABLE = "/proc/net/tcp";
const CLOSE_WAIT = "08"; // the peer has closed, this end has not yet read that
const ESTABLISHED = "01";

/** States of this host's connections to `port` seen from the connecting end (IPv4), per /proc/net/tcp. */
function clientSideStates(port: number): string[] {
    const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
    return readFileSync(TCP_TABLE, "utf8")
        .split("\n")
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((fields) => fields[2]?.endsWith(`:${hexPort}`))
        .map((fields) => fields[3]!);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Holds this thread until the server has closed every connection it had from us; returns how many of them the
 * server closed while we kept them open (CLOSE_WAIT). Without /proc (not Linux), waits 3 s: idle 1 ms plus
 * Node's 1 s on the server side, with room to spare.
 */
function holdUntilServerClosed(port: number): number {
    if (!existsSync(TCP_TABLE)) {
        Atomics.wait(sleeper, 0, 0, 3000);
        return -1;
    }
    const deadline = Date.now() + 10_000;
    for (;;) {
        const states = clientSideStates(port);
        if (!states.includes(ESTABLISHED)) return states.filter((s) => s === CLOSE_WAIT).length;
        if (Date.now() > deadline) throw new Error(`the emulator kept its connection open over 10 s: ${states}`);
        Atomics.wait(sleeper, 0, 0, 5);
    }
}

describe("a call on a pooled connection the server closed while it sat idle", () => {
    let emulator: ChildProcess;
    let port: number;
    let endpoint: string;

    before(async () => {
        emulator = spawn(
            process.execPath,
            ["--import", "tsx", join(__dirname, "../../emulator/cli.ts"), "--idle-timeout-ms", "1", "--no-rate-limits", "--configuring-ms", "0"],
            { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true" } },
        );
        const first = (await createInterface({ input: emulator.stdout! })[Symbol.asyncIterator]().next()).value as string;
        const match = /^listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(first);
        assert.ok(match, `unexpected first line: ${first}`);
        endpoint = match[1]!;
        port = Number(match[2]);
    });

    after(() => {
        emulator?.kill("SIGKILL");
    });

    const read = (client: Cdn) => client.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: DOMAIN }));

    /** A call, the server closing its connection unseen, and a second call in the same turn of the event loop. */
    async function secondCallAfterUnseenClose(client: Cdn): Promise<{ closedUnseen: number; second: Promise<unknown> }> {
        await read(client);
        const closedUnseen = holdUntilServerClosed(port);
        return { closedUnseen, second: read(client) };
    }

    test("the SDK as it comes (one pooled keep-alive agent, no retry) is reset: the failure of issue #13", async () => {
        const pooled = new Cdn(new $OpenApiUtil.Config({ ...KEYS, endpoint: new URL(endpoint).host, protocol: "http" }));
        const { closedUnseen, second } = await secondCallAfterUnseenClose(pooled);
        if (closedUnseen >= 0) assert.equal(closedUnseen, 1, "the server closed the pooled connection while this thread held it");
        await assert.rejects(second, (error: { code?: string; message?: string }) => {
            assert.equal(error.code, "ECONNRESET", String(error.message));
            return true;
        });
    });

    test("the tests' client (harness/sdkClients.ts) answers, every time", async () => {
        const client = testCdnClient(endpoint, KEYS);
        for (let i = 0; i < 3; i++) {
            const { second } = await secondCallAfterUnseenClose(client);
            const answer = (await second) as { statusCode?: number; body?: { certInfos?: { certInfo?: Array<{ domainName?: string }> } } };
            assert.equal(answer.statusCode, 200);
            assert.equal(answer.body?.certInfos?.certInfo?.[0]?.domainName, DOMAIN);
        }
    });
});
