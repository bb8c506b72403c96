// Bad requests get a JSON error with a fitting code: never a crash, a hang or an HTML page. After each, the
// emulator still serves a good request.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { describe, test } from "node:test";
import { $Cdn, cdnClient, CDN_VERSION } from "./support/clients";
import { account, emulatorFor, keysOf } from "./support/fixtures";
import { rawRequest, signedV3 } from "./support/rawRequests";
import type { RunningEmulator } from "../../emulator";

const CDN = "robust.cdn.test";
const owner = account("Robust", { cdn: [CDN] });

/** Sends `request` as it is and asserts the answer is a JSON error of this status and code. */
async function expectJsonError(emulator: RunningEmulator, request: Parameters<typeof rawRequest>[1], status: number, code: string): Promise<void> {
    const response = await rawRequest(emulator, request);
    assert.equal(response.status, status, response.text);
    assert.match(String(response.headers["content-type"]), /^application\/json/);
    assert.equal(response.json.Code, code);
    assert.equal(typeof response.json.RequestId, "string");
    assert.equal(typeof response.json.Message, "string");
}

async function stillServes(emulator: RunningEmulator): Promise<void> {
    const detail = await cdnClient(emulator, keysOf(owner)).describeCdnDomainDetail(new $Cdn.DescribeCdnDomainDetailRequest({ domainName: CDN }));
    assert.equal(detail.body?.getDomainDetailModel?.domainName, CDN);
}

/** Sends raw bytes and returns the raw answer (for what an HTTP client refuses to send). */
function rawBytes(emulator: RunningEmulator, bytes: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const socket = connect(emulator.port, "127.0.0.1", () => socket.end(bytes));
        const chunks: Buffer[] = [];
        socket.on("data", (c: Buffer) => chunks.push(c));
        socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
        socket.on("error", reject);
    });
}

describe("bad requests", () => {
    test("no Authorization and no Signature: IncompleteSignature", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        await expectJsonError(
            emulator,
            { path: `/?DomainName=${CDN}`, headers: { "x-acs-action": "DescribeCdnDomainDetail", "x-acs-version": CDN_VERSION } },
            400,
            "IncompleteSignature",
        );
        await stillServes(emulator);
    });

    test("garbled Authorization: IncompleteSignature", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const signed = signedV3(emulator, keysOf(owner), "DescribeCdnDomainDetail", CDN_VERSION, { DomainName: CDN });
        for (const authorization of [
            "Bearer abc",
            "ACS3-HMAC-SHA256 nonsense",
            "ACS3-HMAC-SHA256 Credential=x,SignedHeaders=host,Signature=zz",
            "\u00ff\u00fe",
        ]) {
            await expectJsonError(emulator, { path: signed.path, headers: { ...signed.headers, Authorization: authorization } }, 400, "IncompleteSignature");
        }
        await stillServes(emulator);
    });

    test("a body that does not match x-acs-content-sha256: SignatureDoesNotMatch", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const signed = signedV3(emulator, keysOf(owner), "DescribeCdnDomainDetail", CDN_VERSION, { DomainName: CDN });
        await expectJsonError(
            emulator,
            { ...signed, body: "extra=1", headers: { ...signed.headers, "content-type": "text/plain" } },
            400,
            "SignatureDoesNotMatch",
        );
    });

    test("an unknown version (signed correctly): InvalidVersion", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        await expectJsonError(emulator, signedV3(emulator, keysOf(owner), "DescribeCdnDomainDetail", "1999-01-01", { DomainName: CDN }), 400, "InvalidVersion");
    });

    test("a broken query or form body: InvalidParameter.Malformed", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        await expectJsonError(emulator, { path: "/?DomainName=%ZZ&SSLPub=%E0%A4%A" }, 400, "InvalidParameter.Malformed");
        await expectJsonError(
            emulator,
            { path: "/", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "DomainName=%E0%A4%A" },
            400,
            "InvalidParameter.Malformed",
        );
        await stillServes(emulator);
    });

    test("an unsupported method: UnsupportedHTTPMethod", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        await expectJsonError(emulator, { method: "PUT", path: "/" }, 405, "UnsupportedHTTPMethod");
    });

    test("an oversized URL: 431 RequestHeaderTooLarge as JSON; an oversized body: 413 RequestEntityTooLarge", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] }, { maxHeaderBytes: 64 * 1024, maxBodyBytes: 32 * 1024 });
        await expectJsonError(emulator, { path: `/?SSLPub=${"A".repeat(100 * 1024)}` }, 431, "RequestHeaderTooLarge");
        await expectJsonError(
            emulator,
            {
                path: "/",
                headers: { "content-type": "application/x-www-form-urlencoded" },
                body: `SSLPub=${"A".repeat(64 * 1024)}`,
            },
            413,
            "RequestEntityTooLarge",
        );
        await stillServes(emulator);
    });

    test("bytes that are not HTTP: a JSON 400", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const answer = await rawBytes(emulator, "\x16\x03\x01 this is not http\r\n\r\n");
        assert.match(answer, /^HTTP\/1\.1 400/);
        const body = answer.slice(answer.indexOf("\r\n\r\n") + 4);
        assert.equal((JSON.parse(body) as { Code: string }).Code, "InvalidParameter.Malformed");
        await stillServes(emulator);
    });

    test("an HTTP/1.1 request without a Host header: a JSON 400 that names it, and the connection closed", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        const answer = await rawBytes(emulator, "GET /?Action=DescribeUserDomains HTTP/1.1\r\n\r\n");
        assert.match(answer, /^HTTP\/1\.1 400/);
        const [head, body] = [answer.slice(0, answer.indexOf("\r\n\r\n")).toLowerCase(), answer.slice(answer.indexOf("\r\n\r\n") + 4)];
        assert.match(head, /\r\ncontent-type: application\/json/);
        assert.match(head, /\r\nconnection: close/);
        const error = JSON.parse(body) as { Code: string; Message: string };
        assert.equal(error.Code, "InvalidParameter.Malformed");
        assert.match(error.Message, /Host header/);
        // HTTP/1.0 has no Host header to require.
        assert.match(await rawBytes(emulator, "GET /__emulator/faults HTTP/1.0\r\n\r\n"), /^HTTP\/1\.1 200/);
        await stillServes(emulator);
    });

    test("bad JSON to a hook: Emulator.InvalidJson", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [owner] });
        await expectJsonError(
            emulator,
            { path: "/__emulator/faults", body: "{", headers: { "content-type": "application/json" } },
            400,
            "Emulator.InvalidJson",
        );
        await expectJsonError(emulator, { path: "/__emulator/faults", body: "" }, 400, "Emulator.InvalidJson");
        await stillServes(emulator);
    });
});
