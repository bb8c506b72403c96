// Groups as users run them: a program with a DomainCertificateGroup and a LiveDomainCertificateGroup, from the packed
// tarball, driven by the real Pulumi CLI against the emulator: create, an empty up, a rotation's preview, drift on
// one domain, a domain removed, destroy.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { X509Certificate } from "node:crypto";
import { after, before, describe, test } from "node:test";
import Cdn, * as $Cdn from "@alicloud/cdn20180510";
import { fingerprintOf, issueCertificate, type Issued } from "../../harness/certs";
import { EmulatorHooks } from "../../harness/emulatorHooks";
import { testCdnClient } from "../../harness/sdkClients";
import { e2eSkipReason } from "../support/e2eSkip";
import { preparePackageInstall } from "../../harness/packageInstall";
import { PulumiProject } from "../../harness/project";
import { emulatorWith, pointAtEmulator } from "../../harness/emulatorConfig";

const ACCOUNT = { accessKeyId: "LTAIe2eGroups0000000001", accessKeySecret: "e2eGroupsSecretNotReal0000000001" };
const CDN_DOMAINS = Array.from({ length: 12 }, (_, i) => `g${String(i).padStart(2, "0")}.cdn-groups.test`);
const LIVE_DOMAINS = ["a.live-groups.test", "b.live-groups.test"];

const PROGRAM = `
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { DomainCertificateGroup, LiveDomainCertificateGroup } from "pulumi-alicloud-certs";

const config = new pulumi.Config();
const certificate = fs.readFileSync("fullchain.pem", "utf8");
const privateKey = fs.readFileSync("privkey.pem", "utf8");

const cdn = new DomainCertificateGroup("cdn", { certificate, privateKey, domains: config.requireObject<string[]>("cdnDomains"), confirmTimeoutSeconds: 60 });
const live = new LiveDomainCertificateGroup("live", { certificate, privateKey, domains: config.requireObject<string[]>("liveDomains"), confirmTimeoutSeconds: 60 });

export const fingerprint = cdn.fingerprint;
export const domainNames = cdn.domainNames;
export const cdnServed = cdn.served;
export const liveServed = live.served;
`;

/** Three DomainCertificates, or (config `asGroup`) the same domains as one group; `retain` sets retainOnDelete. */
const MIGRATION_PROGRAM = `
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { DomainCertificate, DomainCertificateGroup } from "pulumi-alicloud-certs";

const config = new pulumi.Config();
const certificate = fs.readFileSync("fullchain.pem", "utf8");
const privateKey = fs.readFileSync("privkey.pem", "utf8");
const domains = config.requireObject<string[]>("cdnDomains");
if (config.getBoolean("asGroup") || config.getBoolean("both")) {
    new DomainCertificateGroup("all", { certificate, privateKey, domains });
}
if (!config.getBoolean("asGroup")) {
    for (const domainName of domains) {
        new DomainCertificate(domainName.split(".")[0]!, { domainName, certificate, privateKey }, { retainOnDelete: config.getBoolean("retain") ?? false });
    }
}
`;

const skip = e2eSkipReason();

describe("DomainCertificateGroup and LiveDomainCertificateGroup with the Pulumi CLI", { skip }, () => {
    let emulator: { endpoint: string; close(): Promise<void> };
    let hooks: EmulatorHooks;
    let current: Issued;
    let renewed: Issued;
    let project: PulumiProject;

    before(async () => {
        emulator = await emulatorWith(ACCOUNT, { cdn: CDN_DOMAINS, live: LIVE_DOMAINS });
        hooks = new EmulatorHooks(emulator.endpoint);
        current = await issueCertificate({ dnsNames: ["*.cdn-groups.test", "*.live-groups.test"], key: "ec256", notAfterDays: 90 });
        renewed = await issueCertificate({ dnsNames: ["*.cdn-groups.test", "*.live-groups.test"], key: "ec256", notAfterDays: 180 });
        project = await configuredProject(PROGRAM, "certs-groups", CDN_DOMAINS);
        await project.setConfig("liveDomains", JSON.stringify(LIVE_DOMAINS));
    });

    after(async () => {
        await project?.cleanup();
        await emulator?.close();
    });

    function use(cert: Issued, into: PulumiProject = project): void {
        fs.writeFileSync(path.join(into.dir, "fullchain.pem"), cert.chainPem);
        fs.writeFileSync(path.join(into.dir, "privkey.pem"), cert.key.pkcs8);
    }

    /** A project of `program` on the emulator's account, with the current certificate and `cdnDomains` set. */
    async function configuredProject(program: string, name: string, cdnDomains: readonly string[]): Promise<PulumiProject> {
        const created = await PulumiProject.create({ program, installDir: await preparePackageInstall(), name });
        use(current, created);
        await pointAtEmulator(created, emulator.endpoint, ACCOUNT);
        await created.setConfig("cdnDomains", JSON.stringify(cdnDomains));
        return created;
    }

    /** A connection per call: a pooled one can be reset as the emulator closes it for idling (issue #13). */
    function sdk(): Cdn {
        return testCdnClient(emulator.endpoint, ACCOUNT);
    }

    async function served(domainName: string): Promise<string | undefined> {
        const info = (await sdk().describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName }))).body?.certInfos?.certInfo?.[0];
        return info?.serverCertificateStatus === "on" && info.serverCertificate ? new X509Certificate(info.serverCertificate).fingerprint256.replace(/:/g, "").toLowerCase() : undefined;
    }

    test("up sets every domain in batch calls; an empty up finds nothing; a rotation previews in a few lines; drift on one domain is restored alone; a removed domain is turned off; destroy turns off the rest", async () => {
        const first = await project.up();
        // The group's progress, an ephemeral message the engine shows on the resource's own row.
        assert.match(first.stdout, /DomainCertificateGroup cdn created \(\d+s\) 12\/12 domains serve the certificate/, first.stdout);
        assert.match(first.stdout, /LiveDomainCertificateGroup live created \(\d+s\) 2\/2 domains serve the certificate/);
        const outputs = JSON.parse((await project.run(["stack", "output", "--json"])).stdout) as { fingerprint: string; domainNames: string[]; cdnServed: Record<string, { status: string; fingerprint?: string }>; liveServed: Record<string, { status: string }> };
        const fingerprint = await fingerprintOf(current);
        assert.equal(outputs.fingerprint, fingerprint);
        assert.deepEqual(outputs.domainNames, CDN_DOMAINS);
        assert.ok(CDN_DOMAINS.every((d) => outputs.cdnServed[d]?.fingerprint === fingerprint));
        assert.ok(LIVE_DOMAINS.every((d) => outputs.liveServed[d]?.status === "on"));
        const setCalls = await hooks.setCalls();
        assert.deepEqual(setCalls.filter((c) => c.action === "BatchSetCdnDomainServerCertificate").map((c) => c.domains.length).sort((a, b) => b - a), [10, 2]);
        assert.equal(setCalls.filter((c) => c.action === "SetLiveDomainCertificate").length, 2);

        await hooks.reset();
        await project.up(["--expect-no-changes"]);
        assert.deepEqual(await hooks.setCalls(), []);

        use(renewed);
        const preview = await project.preview(["--diff"]);
        const text = preview.stdout;
        assert.match(text, new RegExp(`fingerprint\\s*:\\s*"${fingerprint}"\\s*=>\\s*"${await fingerprintOf(renewed)}"`));
        assert.doesNotMatch(text, /BEGIN (CERTIFICATE|PRIVATE KEY)/);
        // --diff prints every property; the changed ones, marked ~ + -, are the rotation's few lines, and no domain.
        const changed = text.split("\n").filter((line) => /^\s+[~+-] /.test(line) && !/pulumi-nodejs:dynamic|to update/.test(line));
        assert.deepEqual(
            changed.map((line) => line.trim().split(/\s*:/)[0]),
            ["~ certName", "~ fingerprint", "~ notAfter", "~ certName", "~ fingerprint", "~ notAfter", "~ fingerprint"],
            text,
        );
        // And the number of domains, once per group, in its note (diagnostics go to stderr under --diff).
        assert.match(preview.stderr, /puts the new certificate on all 12 domains; 12 domains in all/);
        assert.match(preview.stderr, /puts the new certificate on all 2 domains; 2 domains in all/);
        use(current);

        // Someone turns HTTPS off on one domain.
        await sdk().setCdnDomainSSLCertificate(new $Cdn.SetCdnDomainSSLCertificateRequest({ domainName: CDN_DOMAINS[4]!, SSLProtocol: "off" }));
        await new Promise((resolve) => setTimeout(resolve, 400));
        await project.refresh();
        await hooks.reset();
        await project.up();
        assert.deepEqual((await hooks.setCalls()).flatMap((c) => c.domains), [CDN_DOMAINS[4]], "only the drifted domain");
        assert.equal(await served(CDN_DOMAINS[4]!), fingerprint);

        // Remove two domains from the list: the preview counts them, names them in one note on the group, and
        // nothing else changes.
        await project.setConfig("cdnDomains", JSON.stringify(CDN_DOMAINS.slice(0, 10)));
        const removal = (await project.preview(["--diff"])).stdout;
        const removalLines = removal.split("\n").filter((line) => /^\s+[~+-] /.test(line) && !/pulumi-nodejs:dynamic|to update/.test(line));
        assert.deepEqual(removalLines.map((line) => line.trim().replace(/\s+/g, " ")), ["~ domainCount : 12 => 10"], removal);
        // The plain preview puts the note on the group's row, and under its name in the diagnostics.
        const note = `removes 2 domains, turning HTTPS off on them: ${CDN_DOMAINS.slice(10).join(", ")}; 10 domains in all`;
        const plain = (await project.preview()).stdout;
        assert.ok(plain.split("\n").some((line) => /DomainCertificateGroup cdn update \[diff: ~domainCount\]; /.test(line) && line.endsWith(note)), plain);
        assert.ok(plain.includes(`DomainCertificateGroup (cdn):\n    ${note}\n`), plain);
        await hooks.reset();
        await project.up();
        assert.deepEqual((await hooks.setCalls()).flatMap((c) => c.domains).sort(), CDN_DOMAINS.slice(10));
        for (const domain of CDN_DOMAINS.slice(10)) assert.equal(await served(domain), undefined, `${domain} turned off`);

        await project.destroy();
        for (const domain of CDN_DOMAINS.slice(0, 10)) assert.equal(await served(domain), undefined, `${domain} turned off by destroy`);
    });

    test("moving from DomainCertificate resources to a group, in the README's two runs, makes no set call and leaves HTTPS on", async () => {
        const migrated = CDN_DOMAINS.slice(0, 3);
        const other = await configuredProject(MIGRATION_PROGRAM, "certs-migration", migrated);
        try {
            await other.up();
            const fingerprint = await fingerprintOf(current);
            for (const domain of migrated) assert.equal(await served(domain), fingerprint);
            await hooks.reset();
            // Run 1: retainOnDelete on the single resources. Run 2: the group instead of them.
            await other.setConfig("retain", "true");
            await other.up();
            await other.setConfig("asGroup", "true");
            await other.up();
            assert.deepEqual(await hooks.setCalls(), [], "no set call in either run");
            for (const domain of migrated) assert.equal(await served(domain), fingerprint, `${domain} still served`);
            const types = ((await other.exportStack()).deployment.resources as { type: string }[]).map((r) => r.type).filter((t) => t.includes("alicloud-certs"));
            assert.deepEqual(types, ["pulumi-nodejs:dynamic/alicloud-certs:DomainCertificateGroup"]);
            await other.up(["--expect-no-changes"]);
        } finally {
            await other.cleanup();
        }
    });

    test("a domain declared by a DomainCertificate and by a group fails preview, naming both, before any call", async () => {
        const both = await configuredProject(MIGRATION_PROGRAM, "certs-claimed-twice", CDN_DOMAINS.slice(0, 2));
        try {
            await both.setConfig("both", "true");
            await hooks.reset();
            const preview = await both.preview([], { allowFailure: true });
            const output = preview.stdout + preview.stderr;
            assert.notEqual(preview.code, 0);
            assert.match(output, /already declared by another resource of this stack: g0[01]\.cdn-groups\.test \(declared by the (DomainCertificate `g0[01]`|DomainCertificateGroup `all`)\)/, output);
            assert.deepEqual(await hooks.requests(), [], "no call");
        } finally {
            await both.cleanup();
        }
    });
});

