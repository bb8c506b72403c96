// A new user's first stack, as README.md's "Use it in your stack" tells it: a project like the one
// `pulumi new typescript` makes (TypeScript in its devDependencies, a tsconfig.json, type checking on), then
// `npm install pulumi-alicloud-certs @pulumi/pulumi` (the packed tarball for the registry name; `npm install`, not
// `npm ci`, so npm resolves every dependency afresh, the newest @pulumi/pulumi included), and the README's own
// program, read from README.md. Then up, refresh and destroy against the emulator, which says what is served.
//
// Which @pulumi/pulumi: whatever npm picks for the running Node, as it would for the user. npm passes over releases
// whose engines.node refuses this Node (3.249 and later need Node 22), so on Node 20 that is the newest release
// for Node 20, and on Node 22 npm's latest; the test works out the same from the registry, asserts npm agreed, and
// says which it was.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunningEmulator } from "../../emulator";
import { $Cdn, cdnClient, liveClient } from "../emulator/support/clients";
import { fingerprintOf, issueCertificate, type Issued, leafFingerprint } from "../../harness/certs";
import { e2eSkipReason } from "../support/e2eSkip";
import { packPackage } from "../../harness/packageInstall";
import { PulumiProject } from "../../harness/project";
import { REPO_INSTALL, REPO_ROOT } from "../../harness/repository";
import { runCommand } from "../../harness/commands";
import { SUPPORTED_ENGINES } from "../../harness/pulumiCli";
import { emulatorWith, pointAtEmulator } from "../../harness/emulatorConfig";

const ACCOUNT = { accessKeyId: "LTAIfreshInstall00000001", accessKeySecret: "freshInstallSecretNotReal0000001" };

/** The README's section, split into its install command and its program. */
function readmeSection(): { install: string; program: string } {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const start = readme.indexOf("\n## Use it in your stack");
    assert.ok(start >= 0, 'README.md has a "## Use it in your stack" section');
    const end = readme.indexOf("\n## ", start + 1);
    const section = readme.slice(start, end < 0 ? undefined : end);
    const install = /```sh\n([^`]*?)\n```/.exec(section)?.[1]?.trim();
    const program = /```ts\n([\s\S]*?)\n```/.exec(section)?.[1];
    assert.ok(install && program, "the section has a sh block and a ts block");
    return { install, program };
}

const skip = e2eSkipReason();

describe("a fresh user's install: npm install of the packed package and the newest @pulumi/pulumi, the README's program", { skip }, () => {
    const { install, program } = readmeSection();
    // The domains the README's program declares, which the emulator's account owns.
    const cdnDomain = /new DomainCertificate\([^)]*domainName:\s*"([^"]+)"/.exec(program)?.[1];
    const liveDomain = /new LiveDomainCertificate\([^)]*domainName:\s*"([^"]+)"/.exec(program)?.[1];
    let emulator: RunningEmulator;
    let cert: Issued;
    let project: PulumiProject;

    before(async () => {
        assert.ok(cdnDomain && liveDomain, "the README's program declares one CDN and one Live domain");
        emulator = await emulatorWith(ACCOUNT, { cdn: [cdnDomain], live: [liveDomain] });
        cert = await issueCertificate({ dnsNames: [cdnDomain, liveDomain], key: "rsa2048", notAfterDays: 90 });
    });

    after(async () => {
        await project?.cleanup({ destroy: true });
        await emulator?.close();
    });

    test(`npm install as the README says (${install.split("\n")[0]}) picks the newest @pulumi/pulumi this Node runs`, { timeout: 10 * 60_000 }, async () => {
        const words = install.split(/\s+/);
        assert.deepEqual(words.slice(0, 2), ["npm", "install"], "the README installs with npm install");
        assert.ok(words.includes("pulumi-alicloud-certs") && words.includes("@pulumi/pulumi"), install);
        const tarball = await packPackage();

        project = await PulumiProject.create({ program, installDir: REPO_INSTALL, name: "fresh-install", typecheck: true });
        // The harness links a shared node_modules; this project gets its own, from npm.
        fs.rmSync(path.join(project.dir, "node_modules"), { force: true });
        fs.writeFileSync(
            path.join(project.dir, "package.json"),
            JSON.stringify({ name: "fresh-install", main: "index.ts", devDependencies: { "@types/node": "^20", typescript: "^5" } }, null, 2),
        );
        fs.writeFileSync(
            path.join(project.dir, "tsconfig.json"),
            JSON.stringify(
                {
                    compilerOptions: {
                        strict: true,
                        outDir: "bin",
                        target: "es2020",
                        module: "commonjs",
                        moduleResolution: "node",
                        sourceMap: true,
                        experimentalDecorators: true,
                        forceConsistentCasingInFileNames: true,
                    },
                    files: ["index.ts"],
                },
                null,
                2,
            ),
        );
        const args = words.slice(2).map((w) => (w === "pulumi-alicloud-certs" ? tarball : w));
        const npmEnv = { ...process.env, npm_config_update_notifier: "false", npm_config_audit: "false", npm_config_fund: "false" };
        const res = await runCommand("npm", ["install", ...args], { cwd: project.dir, env: npmEnv, timeoutMs: 8 * 60_000 });
        assert.equal(res.code, 0, `npm install failed:\n${res.stdout}\n${res.stderr}`);

        const installed = JSON.parse(fs.readFileSync(path.join(project.dir, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version as string;
        const expected = await newestFor(process.version, npmEnv);
        console.log(
            `[fresh-install] npm installed @pulumi/pulumi ${installed} on node ${process.version}: the newest release whose engines.node ` +
                `accepts it is ${expected.pick} (npm's latest is ${expected.latest}${expected.latest === expected.pick ? "" : `, which needs node ${expected.latestNeeds}`})`,
        );
        assert.ok(expected.runs.includes(installed), `npm installed ${installed}, whose engines.node refuses node ${process.version}`);
        // npm may answer from its metadata cache (minutes old): a release newer than that is not expected of it.
        const missed = expected.runs.filter((v) => semverOf().gt(v, installed) && Date.now() - Date.parse(expected.published[v] ?? "") > 3600_000);
        assert.deepEqual(missed, [], `npm installed ${installed}, not the newest @pulumi/pulumi whose engines accept node ${process.version}`);
        assert.ok(
            !fs.existsSync(path.join(project.dir, "node_modules", "pulumi-alicloud-certs", "node_modules", "@pulumi", "pulumi")),
            "the package uses the program's @pulumi/pulumi (a peer dependency), not a copy of its own",
        );

        fs.writeFileSync(path.join(project.dir, "fullchain.pem"), cert.chainPem);
        await project.setConfig("privateKey", cert.key.pkcs8, { secret: true }); // as `pulumi config set --secret privateKey < privkey.pem`
        await pointAtEmulator(project, emulator.endpoint, ACCOUNT);
    });

    test("pulumi up deploys the certificate on both domains", { timeout: 5 * 60_000 }, async () => {
        const res = await project.up();
        assert.match(res.stdout, /\+ 3 created/);
        const fingerprint = await fingerprintOf(cert);
        assert.equal((await project.outputs()).fingerprint, fingerprint);
        assert.deepEqual(await cdnServes(), { status: "on", fingerprint });
        assert.deepEqual(await liveServes(), { status: "on", fingerprint });
    });

    test("pulumi refresh finds nothing changed", { timeout: 5 * 60_000 }, async () => {
        await project.refresh(["--expect-no-changes"]);
    });

    test("pulumi destroy turns HTTPS off on both domains", { timeout: 5 * 60_000 }, async () => {
        const res = await project.destroy();
        assert.match(res.stdout, /- 3 deleted/);
        assert.equal((await cdnServes()).status, "off");
        assert.equal((await liveServes()).status, "off");
    });

    /** What the CDN domain serves, asked with the official SDK. */
    async function cdnServes(): Promise<{ status?: string; fingerprint?: string }> {
        const client = cdnClient(emulator, ACCOUNT);
        const response = await client.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: cdnDomain }));
        const info = response.body?.certInfos?.certInfo?.[0];
        return { status: info?.serverCertificateStatus, fingerprint: fingerprintOfPem(info?.serverCertificate) };
    }

    /** What the Live domain serves, asked through the SDK's generic call. */
    async function liveServes(): Promise<{ status?: string; fingerprint?: string }> {
        const body = await liveClient(emulator, ACCOUNT)("DescribeLiveDomainCertificateInfo", { DomainName: liveDomain! });
        const info = ((body.CertInfos as { CertInfo?: Array<Record<string, string>> }).CertInfo ?? [])[0];
        return { status: info?.SSLProtocol, fingerprint: fingerprintOfPem(info?.SSLPub) };
    }
});

function fingerprintOfPem(pem: string | undefined): string | undefined {
    return pem ? leafFingerprint(pem) : undefined;
}

/** The semver that @pulumi/pulumi itself depends on. */
function semverOf(): typeof import("semver") {
    return require(require.resolve("semver", { paths: [path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi")] }));
}

/**
 * From the registry: the @pulumi/pulumi releases in the supported range whose engines.node accepts `node` (`runs`),
 * the newest of them (`pick`), npm's latest and what it needs, and when each release was published.
 */
async function newestFor(
    node: string,
    env: NodeJS.ProcessEnv,
): Promise<{ pick: string; runs: string[]; latest: string; latestNeeds: string; published: Record<string, string> }> {
    const semver = semverOf();
    const npmView = async (args: string[]) => {
        const view = await runCommand("npm", ["view", ...args, "--json"], { cwd: REPO_ROOT, env, timeoutMs: 120_000 });
        assert.equal(view.code, 0, `npm view ${args.join(" ")} failed:\n${view.stderr}`);
        return JSON.parse(view.stdout) as unknown;
    };
    const range = `>=${SUPPORTED_ENGINES.low} <${SUPPORTED_ENGINES.high}`;
    type Release = { version: string; "engines.node"?: string };
    const parsed = (await npmView([`@pulumi/pulumi@${range}`, "version", "engines.node"])) as Release[] | Release;
    const releases = Array.isArray(parsed) ? parsed : [parsed];
    const runs = releases.filter((r) => !r["engines.node"] || semver.satisfies(node, r["engines.node"])).map((r) => r.version);
    const newest = (list: string[]) => [...list].sort(semver.rcompare)[0]!;
    const latest = newest(releases.map((r) => r.version));
    return {
        pick: newest(runs),
        runs,
        latest,
        latestNeeds: releases.find((r) => r.version === latest)?.["engines.node"] ?? "any",
        published: (await npmView(["@pulumi/pulumi", "time"])) as Record<string, string>,
    };
}
