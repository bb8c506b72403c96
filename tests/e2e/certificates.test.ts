// The package as users run it: a Pulumi program importing `pulumi-alicloud-certs` from its packed tarball, driven
// by the real Pulumi CLI against the emulator. One small program per behaviour, in the manner of Pulumi's own
// dynamic-provider tests; the emulator (asked through its hooks and the official SDK) is the judge of what happened.
// The program declares one resource of every product of the table (provider/products.ts PRODUCTS), so the scenarios
// that every product shares (create, drift, refresh, rotation, a bad certificate at preview, destroy) run for each.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import type Cdn from "@alicloud/cdn20180510";
import * as $Cdn from "@alicloud/cdn20180510";
import { issueCertificate, fingerprintOf, type Issued } from "../../harness/certs";
import { EmulatorHooks } from "../../harness/emulatorHooks";
import { testCdnClient } from "../../harness/sdkClients";
import { PRODUCTS, type ProductId } from "../../provider/products";
import { judgeOf, servedFingerprint } from "../support/productJudges";
import { e2eSkipReason } from "../support/e2eSkip";
import { installUnder, packPackage, packVariant, preparePackageInstall } from "../../harness/packageInstall";
import { PulumiProject } from "../../harness/project";
import { emulatorWith, pointAtEmulator } from "../../harness/emulatorConfig";

const ACCOUNT = { accessKeyId: "LTAIe2eAccount000000001", accessKeySecret: "e2eAccountSecretNotReal000000001" };
const SCENARIOS = ["lifecycle", "drift", "rotation", "rejected", "export", "verbose", "lookalike", "upgrade", "retain", "faults", "adopt", "failed"] as const;
type Scenario = (typeof SCENARIOS)[number];
const IDS = Object.keys(PRODUCTS) as ProductId[];
const domainOf = (id: ProductId, s: Scenario) => `${s}.${id}-e2e.test`;
const cdnDomain = (s: Scenario) => domainOf("cdn", s);
const domainsOf = (s: Scenario) => IDS.map((id) => domainOf(id, s));

/** The program users write: certificate and key from files, one domain of each product. */
const PROGRAM = `
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { ${IDS.map((id) => PRODUCTS[id].resourceTypeName).join(", ")} } from "pulumi-alicloud-certs";

const config = new pulumi.Config();
const certificate = fs.readFileSync("fullchain.pem", "utf8");
const privateKey = fs.readFileSync("privkey.pem", "utf8"); // a plain string: the resource stores it as a secret
const opts = { retainOnDelete: config.getBoolean("retain") ?? false };
${IDS.map(
    (id) => `
const ${id} = new ${PRODUCTS[id].resourceTypeName}("${id}", {
    domainName: config.require("${id}Domain"),
    certificate,
    privateKey,
    confirmTimeoutSeconds: 60,
}, opts);
export const ${id}Fingerprint = ${id}.fingerprint;
export const ${id}Status = ${id}.status;`,
).join("\n")}
`;

/** The product of a resource in the stack's state, by its type. */
function productOfType(type: string): ProductId {
    const id = IDS.find((candidate) => type.endsWith(`:${PRODUCTS[candidate].resourceTypeName}`));
    assert.ok(id, `no product has the resource type ${type}`);
    return id;
}

const skip = e2eSkipReason();

describe(`${IDS.map((id) => PRODUCTS[id].resourceTypeName).join(", ")} with the Pulumi CLI`, { skip }, () => {
    let emulator: { endpoint: string; close(): Promise<void> };
    let hooks: EmulatorHooks;
    let installDir: string;
    let current: Issued;
    let renewed: Issued;
    const projects: PulumiProject[] = [];

    before(async () => {
        emulator = await emulatorWith(ACCOUNT, Object.fromEntries(IDS.map((id) => [id, SCENARIOS.map((s) => domainOf(id, s))])));
        hooks = new EmulatorHooks(emulator.endpoint);
        const names = SCENARIOS.flatMap(domainsOf);
        current = await issueCertificate({ dnsNames: names, key: "rsa2048", notAfterDays: 90 });
        renewed = await issueCertificate({ dnsNames: names, key: "ec256", notAfterDays: 180 });
        installDir = await preparePackageInstall();
    });

    after(async () => {
        for (const project of projects) await project.cleanup();
        await emulator?.close();
    });

    /** A fresh project for one scenario, configured for the emulator, with `cert` in its files. */
    async function projectFor(scenario: Scenario, cert: Issued = current, install: string = installDir): Promise<PulumiProject> {
        const project = await PulumiProject.create({ program: PROGRAM, installDir: install, name: `certs-${scenario}` });
        projects.push(project);
        writeCertificate(project, cert);
        await pointAtEmulator(project, emulator.endpoint, ACCOUNT);
        for (const id of IDS) await project.setConfig(`${id}Domain`, domainOf(id, scenario));
        return project;
    }

    function writeCertificate(project: PulumiProject, cert: Issued): void {
        fs.writeFileSync(path.join(project.dir, "fullchain.pem"), cert.chainPem);
        fs.writeFileSync(path.join(project.dir, "privkey.pem"), cert.key.pkcs8);
    }

    /** A connection per call: a pooled one can be reset as the emulator closes it for idling (issue #13). */
    function sdk(): Cdn {
        return testCdnClient(emulator.endpoint, ACCOUNT);
    }

    /** What a domain of the product serves, asked with the product's official SDK: status and leaf fingerprint. */
    async function servedOn(id: ProductId, domainName: string): Promise<{ status?: string; fingerprint?: string }> {
        const judge = judgeOf(id, emulator.endpoint, ACCOUNT);
        return { status: (await judge.served(domainName)).status, fingerprint: await servedFingerprint(judge, domainName) };
    }

    /** What the CDN domain serves. */
    function served(domainName: string): Promise<{ status?: string; fingerprint?: string }> {
        return servedOn("cdn", domainName);
    }

    async function setCallsFor(domains: string[]): Promise<string[]> {
        return (await hooks.setCalls()).filter((r) => r.domains.some((d) => domains.includes(d))).map((r) => `${r.action} ${r.status}`);
    }

    test("up, an empty up, refresh and preview find nothing to change, destroy turns HTTPS off", async () => {
        const project = await projectFor("lifecycle");
        await project.up();
        const outputs = await project.outputs();
        for (const id of IDS) {
            assert.equal(outputs[`${id}Fingerprint`], await fingerprintOf(current), id);
            assert.equal(outputs[`${id}Status`], "on", id);
            assert.equal((await servedOn(id, domainOf(id, "lifecycle"))).fingerprint, await fingerprintOf(current), id);
        }

        await hooks.reset();
        await project.up(["--expect-no-changes"]);
        await project.refresh(["--expect-no-changes"]);
        await project.preview(["--expect-no-changes"]);
        assert.deepEqual(await setCallsFor(domainsOf("lifecycle")), [], "nothing was set again");

        await project.destroy();
        for (const id of IDS) assert.equal((await servedOn(id, domainOf(id, "lifecycle"))).status, "off", id);
    });

    test("drift made with the official SDK is reported by refresh and undone by the next up", async () => {
        const project = await projectFor("drift");
        await project.up();
        // Someone replaces the certificate of each domain in the console (here: each product's official SDK).
        for (const id of IDS) {
            await judgeOf(id, emulator.endpoint, ACCOUNT).replace(domainOf(id, "drift"), renewed, `changed-in-the-console-${id}`);
            await waitUntil(async () => (await servedOn(id, domainOf(id, "drift"))).fingerprint === (await fingerprintOf(renewed)));
        }

        const check = await project.refresh(["--expect-no-changes", "--diff"], { allowFailure: true });
        assert.notEqual(check.code, 0, "refresh --expect-no-changes must fail on drift");
        const [declaredFp, liveFp] = [await fingerprintOf(current), await fingerprintOf(renewed)];
        const driftLines = check.stdout.match(new RegExp(`fingerprint\\s*:\\s*"${declaredFp}"\\s*=>\\s*"${liveFp}"`, "g")) ?? [];
        assert.equal(driftLines.length, IDS.length, `a fingerprint line per resource:\n${check.stdout}`);
        await project.refresh();
        // Refresh does not run the program (stack outputs stay as the last up left them); the resource's state changes.
        const state = await project.exportStack();
        for (const id of IDS) {
            const resource = (state.deployment.resources as Array<Record<string, any>>).find((r) => r.type.endsWith(`:${PRODUCTS[id].resourceTypeName}`));
            assert.equal(resource?.outputs.fingerprint, liveFp, `refresh records what ${id} serves`);
        }

        await project.up();
        for (const id of IDS)
            assert.equal(
                (await servedOn(id, domainOf(id, "drift"))).fingerprint,
                await fingerprintOf(current),
                `up restored the declared certificate on ${id}`,
            );
        await project.up(["--expect-no-changes"]);
    });

    test("a rotation previews as fingerprint and expiry lines, without PEM or key", async () => {
        const project = await projectFor("rotation");
        await project.up();
        writeCertificate(project, renewed);
        const preview = await project.preview(["--diff"]);
        const text = preview.stdout;
        const [oldFp, newFp] = [await fingerprintOf(current), await fingerprintOf(renewed)];
        assert.match(text, new RegExp(`fingerprint\\s*:\\s*"${oldFp}"\\s*=>\\s*"${newFp}"`));
        assert.match(text, /notAfter\s*:\s*"\d{4}-\d\d-\d\dT[^"]+"\s*=>\s*"\d{4}-\d\d-\d\dT[^"]+"/);
        assert.ok(!text.includes("BEGIN CERTIFICATE"), "no PEM body in the preview");
        assert.ok(!text.includes("PRIVATE KEY"), "no key in the preview");
        for (const line of renewed.key.pkcs8.split("\n").filter((l) => l.length > 40)) assert.ok(!text.includes(line));
        // Each resource's block: a handful of lines, not a wall of PEM.
        const block = text.split("\n").filter((l) => /^\s+[~+-] (certificate|certName|fingerprint|notAfter|privateKey)\b/.test(l));
        assert.ok(block.length <= 5 * IDS.length, `diff lines:\n${block.join("\n")}`);
        await project.up();
        for (const id of IDS) assert.equal((await servedOn(id, domainOf(id, "rotation"))).fingerprint, newFp, id);
    });

    test("a bad certificate, a key that does not match and an uncovered domain fail preview before any call", async () => {
        const project = await projectFor("rejected");
        const stranger = await issueCertificate({ dnsNames: ["elsewhere.example.org"] });
        const cases: Array<{ name: string; setup: () => void; property: string; words: RegExp }> = [
            {
                name: "garbage",
                setup: () =>
                    fs.writeFileSync(path.join(project.dir, "fullchain.pem"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"),
                property: "certificate",
                words: /certificate/,
            },
            {
                name: "mismatched key",
                setup: () => {
                    writeCertificate(project, current);
                    fs.writeFileSync(path.join(project.dir, "privkey.pem"), renewed.key.pkcs8);
                },
                property: "privateKey",
                words: /does not belong to the certificate/,
            },
            {
                name: "uncovered domain",
                setup: () => writeCertificate(project, stranger),
                property: "certificate",
                // Every resource fails; @pulumi/pulumi 3.248 reports each, 3.276 stops at the first it reports.
                words: new RegExp(`does not cover rejected\\.(${IDS.join("|")})-e2e\\.test`),
            },
        ];
        await hooks.reset();
        for (const c of cases) {
            c.setup();
            const result = await project.preview([], { allowFailure: true });
            assert.notEqual(result.code, 0, `${c.name}: preview must fail`);
            const output = result.stdout + result.stderr;
            assert.match(output, new RegExp(`${c.property}: `), `${c.name}: names the property`);
            assert.match(output, c.words, `${c.name}: says what is wrong`);
            assert.ok(!output.includes("PRIVATE KEY"), `${c.name}: no key in the output`);
        }
        assert.deepEqual(await hooks.requests(), [], "the emulator saw no request at all");
    });

    test("stack export holds the key only in the inputs and only as ciphertext, no credential, and a small __provider", async () => {
        const project = await projectFor("export");
        await project.up();
        const exported = await project.exportStack();
        const text = JSON.stringify(exported);
        for (const line of current.key.pkcs8.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"))) {
            assert.ok(!text.includes(line), "no line of the private key in plain text");
        }
        assert.ok(!text.includes("PRIVATE KEY"));
        assert.ok(!text.includes(ACCOUNT.accessKeySecret), "no AccessKey secret");
        const resources = (exported.deployment.resources as Array<Record<string, any>>).filter((r) => /alicloud-certs:/.test(r.type));
        assert.equal(resources.length, IDS.length);
        for (const resource of resources) {
            const key = resource.inputs.privateKey;
            assert.equal(key?.["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", "privateKey is a secret");
            assert.equal(typeof key.ciphertext, "string");
            // The outputs never hold the key: they travel further (the engine's answer to the program, which
            // @pulumi/pulumi logs at -v=3), and nothing after a deploy needs it.
            assert.equal("privateKey" in resource.outputs, false, Object.keys(resource.outputs).join(", "));
            for (const bag of [resource.inputs, resource.outputs]) {
                // Installed under node_modules, the stub is written as a require of its package export.
                const provider = bag.__provider as string;
                const product = productOfType(resource.type);
                assert.ok(provider.includes(`require("pulumi-alicloud-certs/dynamic-provider/${product}")`), provider);
                assert.ok(provider.length < 400, `__provider is ${provider.length} bytes`);
                assert.ok(!provider.includes(ACCOUNT.accessKeyId) && !provider.includes(ACCOUNT.accessKeySecret));
            }
            // The resource points at the program's line that declared it, not into this package.
            const declaration = `new ${PRODUCTS[productOfType(resource.type)].resourceTypeName}(`;
            const line = PROGRAM.split("\n").findIndex((text) => text.includes(declaration)) + 1;
            assert.match(resource.sourcePosition, new RegExp(`^project:///index\\.ts#${line},`), resource.sourcePosition);
            const frames = JSON.stringify(resource.stackTrace ?? []);
            assert.ok(!frames.includes("pulumi-alicloud-certs/"), frames);
        }
    });

    test("pulumi up -v=5 prints neither the key nor the access key secret, to stderr or to its log files", async () => {
        // From -v=7 the engine logs the inputs itself (README: Verbose logs hold your key); up to -v=5 only what
        // the SDK logs, which includes the engine's answer to each registration: the resource's outputs.
        const project = await projectFor("verbose");
        const logDir = fs.mkdtempSync(path.join(project.root, "logs-"));
        const piece = current.key.pkcs8.replace(/-----[^-]+-----|\s/g, "").slice(64, 112);
        const up = await project.up(["-v=5", "--logtostderr"], { env: { TMPDIR: logDir } });
        await project.preview(["-v=5"], { env: { TMPDIR: logDir } });
        const logs = fs.readdirSync(logDir).map((file) => fs.readFileSync(path.join(logDir, file), "utf8"));
        assert.ok(logs.length > 0, "the preview wrote its log file");
        for (const [where, text] of [
            ["up's output", up.stdout + up.stderr],
            ["the log files", logs.join("\n")],
        ] as const) {
            const flat = text.replace(/\\n|\s/g, "");
            assert.ok(flat.includes("RegisterResourceRPCfinished"), `${where}: logged at -v=5`);
            assert.ok(!flat.includes(piece), `${where}: a piece of the private key`);
            assert.ok(!text.includes(ACCOUNT.accessKeySecret), `${where}: the access key secret`);
        }
    });

    test("a project under a directory named like the package works, its __provider written out as code", async () => {
        // Pulumi's serializer (3.248) would write a require of the package's internal file path here, which the
        // package's exports refuse at run time; the package sees that coming and has the stubs written out instead.
        // 3.276 finds the package and writes the export's require, which the package then keeps.
        const lookalike = installUnder(installDir, fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-alicloud-certs-lookalike-")));
        try {
            const project = await projectFor("lookalike", current, lookalike);
            await project.up();
            for (const resource of (await project.exportStack()).deployment.resources as Array<Record<string, any>>) {
                if (!/alicloud-certs:/.test(resource.type)) continue;
                const provider = resource.outputs.__provider as string;
                const product = productOfType(resource.type);
                assert.ok(
                    provider.includes('require("pulumi-alicloud-certs/runtime")') ||
                        provider.includes(`require("pulumi-alicloud-certs/dynamic-provider/${product}")`),
                    provider,
                );
                assert.ok(!provider.includes("/dist/"), provider);
            }
            assert.equal((await served(cdnDomain("lookalike"))).fingerprint, await fingerprintOf(current));
            await project.refresh(["--expect-no-changes"]);
            await project.destroy();
            assert.equal((await served(cdnDomain("lookalike"))).status, "off");
        } finally {
            fs.rmSync(lookalike, { recursive: true, force: true });
        }
    });

    test("an upgrade of the package (code changed) previews with no changes", async () => {
        const project = await projectFor("upgrade");
        await project.up();
        const tarball = await packPackage();
        const upgraded = await packVariant(tarball, (dir) => {
            const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
            manifest.version = "0.1.1-upgrade-test";
            fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2));
            // A change in the implementation and in the resource classes' module: what a release does.
            fs.appendFileSync(path.join(dir, "dist", "provider", "lifecycle", "operations.js"), "\n// changed in 0.1.1\n");
            fs.appendFileSync(path.join(dir, "dist", "provider", "resources", "certificateResource.js"), "\n// changed in 0.1.1\n");
        });
        project.useInstall(await preparePackageInstall({ tarball: upgraded }));
        await project.preview(["--expect-no-changes"]);
        await project.refresh(["--expect-no-changes"]);
    });

    test("retainOnDelete: destroy leaves the certificate served and makes no call", async () => {
        const project = await projectFor("retain");
        await project.setConfig("retain", "true");
        await project.up();
        await hooks.reset();
        await project.destroy();
        assert.deepEqual(await setCallsFor(domainsOf("retain")), []);
        for (const id of IDS) assert.deepEqual(await servedOn(id, domainOf(id, "retain")), { status: "on", fingerprint: await fingerprintOf(current) }, id);
    });

    test("a throttled and busy cloud still converges to the declared certificate", async () => {
        const project = await projectFor("faults");
        await hooks.fault({ action: "SetCdnDomainSSLCertificate", fault: "throttling", times: 2 });
        await hooks.fault({ action: "SetLiveDomainCertificate", fault: "service-busy", times: 2 });
        await hooks.fault({ action: "DescribeDomainCertificateInfo", fault: "internal-error", times: 2 });
        await hooks.fault({ action: "*", fault: "applied-then-drop", times: 1 });
        await project.up();
        assert.equal((await served(cdnDomain("faults"))).fingerprint, await fingerprintOf(current));
        const failures = (await hooks.requests()).filter((r) => r.status !== 200).map((r) => r.code ?? "no answer");
        assert.ok(failures.includes("Throttling.User") && failures.includes("ServiceBusy"), `faults fired: ${failures}`);
        await project.up(["--expect-no-changes"]);
    });

    test("a change that ends in configure_failed fails the up at once, naming the state and the fix; the resource stays, and the next up carries on", async () => {
        const project = await projectFor("failed");
        await hooks.fault({ action: "SetCdnDomainSSLCertificate", fault: "configure-failed", times: 1 });
        const failed = await project.up([], { allowFailure: true });
        const output = failed.stdout + failed.stderr;
        assert.notEqual(failed.code, 0);
        assert.match(output, new RegExp(`${cdnDomain("failed").replace(/\./g, "\\.")} is configure_failed: its last change failed to apply`), output);
        assert.match(output, /Fix: look up the failed change in the console/);
        assert.doesNotMatch(output, /PRIVATE KEY/);
        const kept = ((await project.exportStack()).deployment.resources as Array<{ type: string; id?: string }>).filter((r) =>
            r.type.endsWith(":DomainCertificate"),
        );
        assert.deepEqual(
            kept.map((r) => r.id),
            [cdnDomain("failed")],
            "the CDN resource is kept in state",
        );
        // Someone fixes the domain in the console; the next up sets the certificate again and converges.
        await hooks.setDomainStatus(cdnDomain("failed"), "online");
        await project.up();
        assert.equal((await served(cdnDomain("failed"))).fingerprint, await fingerprintOf(current));
        await project.up(["--expect-no-changes"]);
    });

    test("pulumi import is refused for dynamic resources; declaring the served certificate adopts it without a call", async () => {
        const project = await projectFor("adopt");
        const imported = await project.import(["pulumi-nodejs:dynamic/alicloud-certs:DomainCertificate", "existing", cdnDomain("adopt")], {
            allowFailure: true,
        });
        assert.notEqual(imported.code, 0, "pulumi import of a dynamic resource fails upstream");
        // The way that works: the domain already serves the certificate (set in the console, here with the SDK) ...
        await sdk().setCdnDomainSSLCertificate(
            new $Cdn.SetCdnDomainSSLCertificateRequest({
                domainName: cdnDomain("adopt"),
                SSLProtocol: "on",
                certType: "upload",
                certName: "set-before-pulumi",
                SSLPub: current.chainPem,
                SSLPri: current.key.pkcs8,
            }),
        );
        await waitUntil(async () => (await served(cdnDomain("adopt"))).fingerprint === (await fingerprintOf(current)));
        await hooks.reset();
        // ... and the program declares it: up adopts it without setting the CDN domain again.
        await project.up();
        assert.deepEqual(await setCallsFor([cdnDomain("adopt")]), []);
        assert.equal((await project.outputs()).cdnFingerprint, await fingerprintOf(current));
    });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline) throw new Error("condition not met in time");
        await new Promise((r) => setTimeout(r, 50));
    }
}
