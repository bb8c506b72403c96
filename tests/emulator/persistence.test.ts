// The state file: a restart resumes the same cloud, a second emulator on the same file sees it, concurrent sets
// never corrupt it, and it holds certificates, never a private key. Plus the command's first line.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, test } from "node:test";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { issueCertificate } from "../../harness/certs";
import { $Cdn, cdnClient, CDN_VERSION, genericClient, liveClient, setLiveUpload } from "./support/clients";
import { account, emulatorFor, keysOf } from "./support/fixtures";

const CDN = "persist.cdn.test";
const LIVE = "persist.live.test";
const owner = account("Persist", { cdn: [CDN], live: [LIVE] });

function scratch(t: { after: (fn: () => void) => void }): string {
    const dir = mkdtempSync(join(tmpdir(), "cert-emulator-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
}

async function deployedPem(emulator: RunningEmulator, domainName: string): Promise<string | undefined> {
    const info = await cdnClient(emulator, keysOf(owner)).describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName }));
    return info.body?.certInfos?.certInfo?.[0]?.serverCertificate;
}

async function liveDomainStatus(emulator: RunningEmulator, domainName: string): Promise<unknown> {
    const body = await liveClient(emulator, keysOf(owner))("DescribeLiveDomainDetail", { DomainName: domainName });
    return (body.DomainDetail as Record<string, unknown>).DomainStatus;
}

/** A state file left by an emulator that stopped while a Live certificate change was still configuring. */
async function stateFileWithLiveChangeInFlight(t: { after: (fn: () => void) => void }): Promise<string> {
    const stateFile = join(scratch(t), "state.json");
    const first = await startEmulator({ seed: { accounts: [owner] }, stateFile, configuringMs: 60_000 });
    await setLiveUpload(liveClient(first, keysOf(owner)), LIVE, await issueCertificate({ dnsNames: [LIVE] }), "l");
    await first.close();
    return stateFile;
}

describe("state file", () => {
    test("state survives a restart on the same file", async (t) => {
        const stateFile = join(scratch(t), "state.json");
        const first = await startEmulator({ seed: { accounts: [owner] }, stateFile, configuringMs: 0 });
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        await cdnClient(first, keysOf(owner)).setCdnDomainSSLCertificate(
            new $Cdn.SetCdnDomainSSLCertificateRequest({ domainName: CDN, SSLProtocol: "on", certName: "kept", SSLPub: leaf.chainPem, SSLPri: leaf.key.pkcs8 }),
        );
        await first.close();

        // Started again without a seed: the state file is the cloud.
        const second = await emulatorFor(t, { accounts: [] }, { stateFile });
        const pem = await deployedPem(second, CDN);
        assert.equal(new X509Certificate(pem ?? "").fingerprint256, new X509Certificate(leaf.leafPem).fingerprint256);
    });

    test("a change still configuring is still configuring after a restart", async (t) => {
        const stateFile = await stateFileWithLiveChangeInFlight(t);
        const second = await emulatorFor(t, { accounts: [owner] }, { stateFile });
        assert.equal(await liveDomainStatus(second, LIVE), "configuring");
    });

    test("addDomain adds a domain a kept state file lacks, and leaves one it holds as it is, change in flight included", async (t) => {
        const stateFile = await stateFileWithLiveChangeInFlight(t);

        // As the demo does on a clone that ran an earlier demo: the seed has grown, the state file has not.
        const second = await emulatorFor(t, { accounts: [] }, { stateFile });
        second.addDomain(owner.accessKeyId, LIVE, "live");
        second.addDomain(owner.accessKeyId, "added.live.test", "live");
        assert.equal(await liveDomainStatus(second, LIVE), "configuring");
        assert.equal(await liveDomainStatus(second, "added.live.test"), "online");
    });

    test("a second emulator on the same file sees the same cloud, request by request", async (t) => {
        const stateFile = join(scratch(t), "state.json");
        const a = await emulatorFor(t, { accounts: [owner] }, { stateFile });
        const b = await emulatorFor(t, { accounts: [owner] }, { stateFile });
        const leaf = await issueCertificate({ dnsNames: [CDN] });
        await cdnClient(a, keysOf(owner)).setCdnDomainSSLCertificate(
            new $Cdn.SetCdnDomainSSLCertificateRequest({
                domainName: CDN,
                SSLProtocol: "on",
                certName: "shared",
                SSLPub: leaf.chainPem,
                SSLPri: leaf.key.pkcs8,
            }),
        );
        assert.ok(await deployedPem(b, CDN), "b sees what a wrote");
        await cdnClient(b, keysOf(owner)).setCdnDomainSSLCertificate(new $Cdn.SetCdnDomainSSLCertificateRequest({ domainName: CDN, SSLProtocol: "off" }));
        assert.equal(await deployedPem(a, CDN), undefined, "a sees what b wrote");
    });

    test("holds certificates, never a private key", async (t) => {
        const stateFile = join(scratch(t), "state.json");
        const emulator = await emulatorFor(t, { accounts: [owner] }, { stateFile });
        const leaf = await issueCertificate({ dnsNames: [CDN], key: "rsa2048" });
        await genericClient(emulator, keysOf(owner))("SetDomainServerCertificate", CDN_VERSION, {
            DomainName: CDN,
            ServerCertificateStatus: "on",
            CertName: "nokey",
            ServerCertificate: leaf.chainPem,
            PrivateKey: leaf.key.traditional,
        });
        const text = readFileSync(stateFile, "utf8");
        assert.ok(text.includes("BEGIN CERTIFICATE"));
        assert.ok(!text.includes("PRIVATE KEY"));
        for (const line of [...leaf.key.traditional.split("\n"), ...leaf.key.pkcs8.split("\n")].filter((l) => l.length > 40)) {
            assert.ok(!text.includes(line), "no line of the key's base64 is in the file");
        }
    });

    test("concurrent sets never corrupt the file", async (t) => {
        const dir = scratch(t);
        const stateFile = join(dir, "state.json");
        const domains = Array.from({ length: 20 }, (_, i) => `c${i}.cdn.test`);
        const busy = account("Busy", { cdn: domains });
        const emulator = await emulatorFor(t, { accounts: [busy] }, { stateFile, rateLimits: false });
        const leaf = await issueCertificate({ dnsNames: ["*.cdn.test"] });
        const cdn = cdnClient(emulator, keysOf(busy));
        // One name per upload: the certificate service refuses a name it holds (casNameReuse refuse).
        await Promise.all(
            domains.map((domainName, i) =>
                cdn.setCdnDomainSSLCertificate(
                    new $Cdn.SetCdnDomainSSLCertificateRequest({
                        domainName,
                        SSLProtocol: "on",
                        certName: `wild-${i}`,
                        SSLPub: leaf.chainPem,
                        SSLPri: leaf.key.pkcs8,
                    }),
                ),
            ),
        );
        const state = JSON.parse(readFileSync(stateFile, "utf8")) as {
            accounts: Array<{ domains: Record<string, { current: { status: string } }>; casCertificates: Array<{ certName: string }> }>;
        };
        for (const domainName of domains) assert.equal(state.accounts[0]!.domains[domainName]!.current.status, "on");
        assert.deepEqual(
            state.accounts[0]!.casCertificates.map((c) => c.certName).sort(),
            domains.map((_, i) => `wild-${i}`).sort(),
            "every upload's entry kept",
        );
        assert.deepEqual(readdirSync(dir), ["state.json"], "no temporary files left behind");
    });
});

describe("alicloud-cert-emulator command", () => {
    test("first line is `listening on http://HOST:PORT`, then the accounts; the endpoint serves the seed", async (t) => {
        const dir = scratch(t);
        const seedFile = join(dir, "seed.json");
        writeFileSync(seedFile, JSON.stringify({ accounts: [owner] }));
        const child = spawn(
            process.execPath,
            [
                "--import",
                "tsx",
                join(__dirname, "../../emulator/cli.ts"),
                "--port",
                "0",
                "--seed",
                seedFile,
                "--state",
                join(dir, "state.json"),
                "--configuring-ms",
                "0",
            ],
            {
                stdio: ["ignore", "pipe", "pipe"],
                env: { ...process.env, ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true" },
            },
        );
        t.after(() => {
            child.kill("SIGTERM");
        });
        const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
        const first = (await lines.next()).value as string;
        const match = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(first);
        assert.ok(match, `unexpected first line: ${first}`);
        const second = (await lines.next()).value as string;
        assert.match(second, new RegExp(`accessKeyId=${owner.accessKeyId}`));
        const port = Number(match[1]);
        const handle = { port, hostPort: `127.0.0.1:${port}` } as RunningEmulator;
        const detail = await cdnClient(handle, keysOf(owner)).describeCdnDomainDetail(new $Cdn.DescribeCdnDomainDetailRequest({ domainName: CDN }));
        assert.equal(detail.body?.getDomainDetailModel?.domainStatus, "online");
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        assert.equal(await exited, 0);
    });
});
