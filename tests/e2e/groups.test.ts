// Groups as users run them: a program with a group of every product of the table (provider/products.ts PRODUCTS:
// DomainCertificateGroup, LiveDomainCertificateGroup, DcdnDomainCertificateGroup), from the packed tarball, driven by
// the real Pulumi CLI against the emulator: create, an empty up, a rotation's preview, drift on one domain of each,
// a domain removed, destroy.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { fingerprintOf, issueCertificate, type Issued } from "../../harness/certs";
import { EmulatorHooks } from "../../harness/emulatorHooks";
import { PRODUCTS, type ProductId } from "../../provider/products";
import { judgeOf, servedFingerprint } from "../support/productJudges";
import { e2eSkipReason } from "../support/e2eSkip";
import { preparePackageInstall } from "../../harness/packageInstall";
import { PulumiProject } from "../../harness/project";
import { emulatorWith, pointAtEmulator } from "../../harness/emulatorConfig";

const ACCOUNT = { accessKeyId: "LTAIe2eGroups0000000001", accessKeySecret: "e2eGroupsSecretNotReal0000000001" };
const IDS = Object.keys(PRODUCTS) as ProductId[];
/** A product's domains: 12 where it has a batch set (two calls of at most 10), 2 where each domain is its own set. */
const domainsOf = (id: ProductId): string[] =>
    Array.from({ length: PRODUCTS[id].batchSet ? 12 : 2 }, (_, i) => `g${String(i).padStart(2, "0")}.${id}-groups.test`);
const DOMAINS: { readonly [id: string]: readonly string[] } = Object.fromEntries(IDS.map((id) => [id, domainsOf(id)]));
const CDN_DOMAINS = domainsOf("cdn");
const groupType = (id: ProductId) => `${PRODUCTS[id].resourceTypeName}Group`;

const PROGRAM = `
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { ${IDS.map(groupType).join(", ")} } from "pulumi-alicloud-certs";

const config = new pulumi.Config();
const certificate = fs.readFileSync("fullchain.pem", "utf8");
const privateKey = fs.readFileSync("privkey.pem", "utf8");
${IDS.map(
    (id) => `
const ${id} = new ${groupType(id)}("${id}", { certificate, privateKey, domains: config.requireObject<string[]>("${id}Domains"), confirmTimeoutSeconds: 60 });
export const ${id}Served = ${id}.served;`,
).join("\n")}

export const fingerprint = cdn.fingerprint;
export const domainNames = cdn.domainNames;
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

describe(`${IDS.map(groupType).join(", ")} with the Pulumi CLI`, { skip }, () => {
    let emulator: { endpoint: string; close(): Promise<void> };
    let hooks: EmulatorHooks;
    let current: Issued;
    let renewed: Issued;
    let project: PulumiProject;

    before(async () => {
        emulator = await emulatorWith(ACCOUNT, DOMAINS);
        hooks = new EmulatorHooks(emulator.endpoint);
        const wildcards = IDS.map((id) => `*.${id}-groups.test`);
        current = await issueCertificate({ dnsNames: wildcards, key: "ec256", notAfterDays: 90 });
        renewed = await issueCertificate({ dnsNames: wildcards, key: "ec256", notAfterDays: 180 });
        project = await configuredProject(PROGRAM, "certs-groups", CDN_DOMAINS);
        for (const id of IDS.filter((other) => other !== "cdn")) await project.setConfig(`${id}Domains`, JSON.stringify(DOMAINS[id]));
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

    /** The fingerprint a domain of the product serves (undefined with HTTPS off), asked with the product's official SDK. */
    function servedOn(id: ProductId, domainName: string): Promise<string | undefined> {
        return servedFingerprint(judgeOf(id, emulator.endpoint, ACCOUNT), domainName);
    }

    function served(domainName: string): Promise<string | undefined> {
        return servedOn("cdn", domainName);
    }

    test("up sets every domain in batch calls; an empty up finds nothing; a rotation previews in a few lines; drift on one domain is restored alone; a removed domain is turned off; destroy turns off the rest", async () => {
        const first = await project.up();
        // Each group's progress, an ephemeral message the engine shows on the resource's own row.
        for (const id of IDS) {
            const n = DOMAINS[id]!.length;
            assert.match(first.stdout, new RegExp(`${groupType(id)} ${id} created \\(\\d+s\\) ${n}/${n} domains serve the certificate`), first.stdout);
        }
        const outputs = JSON.parse((await project.run(["stack", "output", "--json"])).stdout) as Record<string, unknown> & {
            fingerprint: string;
            domainNames: string[];
        };
        const fingerprint = await fingerprintOf(current);
        assert.equal(outputs.fingerprint, fingerprint);
        assert.deepEqual(outputs.domainNames, CDN_DOMAINS);
        for (const id of IDS) {
            const servedOut = outputs[`${id}Served`] as Record<string, { status: string; fingerprint?: string }>;
            assert.ok(
                DOMAINS[id]!.every((d) => servedOut[d]?.status === "on" && servedOut[d]?.fingerprint === fingerprint),
                `${id}: ${JSON.stringify(servedOut)}`,
            );
        }
        // A product with a batch set carries its 12 domains in two calls (at most 10 each); the others one set a domain.
        const setCalls = await hooks.setCalls();
        for (const id of IDS) {
            const ofProduct = setCalls.filter((c) => c.domains.every((d) => DOMAINS[id]!.includes(d)));
            const judge = judgeOf(id, emulator.endpoint, ACCOUNT);
            if (judge.batchSetAction) {
                assert.deepEqual(
                    ofProduct.map((c) => [c.action, c.domains.length]).sort((a, b) => Number(b[1]) - Number(a[1])),
                    [
                        [judge.batchSetAction, 10],
                        [judge.batchSetAction, 2],
                    ],
                    id,
                );
            } else {
                assert.deepEqual(
                    ofProduct.map((c) => [c.action, c.domains.length]),
                    DOMAINS[id]!.map(() => [judge.setAction, 1]),
                    id,
                );
            }
        }

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
        // Three lines per group, and the stack's fingerprint output.
        assert.deepEqual(
            changed.map((line) => line.trim().split(/\s*:/)[0]),
            [...IDS.flatMap(() => ["~ certName", "~ fingerprint", "~ notAfter"]), "~ fingerprint"],
            text,
        );
        // And the number of domains, once per group, in its note (diagnostics go to stderr under --diff).
        for (const n of new Set(IDS.map((id) => DOMAINS[id]!.length))) {
            const notes = preview.stderr.match(new RegExp(`puts the new certificate on all ${n} domains; ${n} domains in all`, "g")) ?? [];
            assert.equal(notes.length, IDS.filter((id) => DOMAINS[id]!.length === n).length, preview.stderr);
        }
        use(current);

        // Someone deploys another certificate on one domain of each group, in the console (here: the official SDK).
        const drifted = IDS.map((id) => [id, DOMAINS[id]![1]!] as const);
        for (const [id, domain] of drifted) await judgeOf(id, emulator.endpoint, ACCOUNT).replace(domain, renewed, `theirs-${id}`);
        await new Promise((resolve) => setTimeout(resolve, 400));
        const refresh = await project.refresh(["--expect-no-changes"], { allowFailure: true });
        assert.notEqual(refresh.code, 0, "refresh --expect-no-changes must fail on drift");
        await project.refresh();
        await hooks.reset();
        await project.up();
        assert.deepEqual(
            (await hooks.setCalls())
                .filter((c) => c.status === 200)
                .flatMap((c) => c.domains)
                .sort(),
            drifted.map(([, d]) => d).sort(),
            "only the drifted domains",
        );
        for (const [id, domain] of drifted) assert.equal(await servedOn(id, domain), fingerprint, domain);

        // Remove two domains from the list: the preview counts them, names them in one note on the group, and
        // nothing else changes.
        await project.setConfig("cdnDomains", JSON.stringify(CDN_DOMAINS.slice(0, 10)));
        const removal = (await project.preview(["--diff"])).stdout;
        const removalLines = removal.split("\n").filter((line) => /^\s+[~+-] /.test(line) && !/pulumi-nodejs:dynamic|to update/.test(line));
        assert.deepEqual(
            removalLines.map((line) => line.trim().replace(/\s+/g, " ")),
            ["~ domainCount : 12 => 10"],
            removal,
        );
        // The plain preview puts the note on the group's row, and under its name in the diagnostics.
        const note = `removes 2 domains, turning HTTPS off on them: ${CDN_DOMAINS.slice(10).join(", ")}; 10 domains in all`;
        const plain = (await project.preview()).stdout;
        assert.ok(
            plain.split("\n").some((line) => /DomainCertificateGroup cdn update \[diff: ~domainCount\]; /.test(line) && line.endsWith(note)),
            plain,
        );
        assert.ok(plain.includes(`DomainCertificateGroup (cdn):\n    ${note}\n`), plain);
        await hooks.reset();
        await project.up();
        assert.deepEqual((await hooks.setCalls()).flatMap((c) => c.domains).sort(), CDN_DOMAINS.slice(10));
        for (const domain of CDN_DOMAINS.slice(10)) assert.equal(await served(domain), undefined, `${domain} turned off`);

        await project.destroy();
        for (const domain of CDN_DOMAINS.slice(0, 10)) assert.equal(await served(domain), undefined, `${domain} turned off by destroy`);
        for (const id of IDS.filter((other) => other !== "cdn")) {
            for (const domain of DOMAINS[id]!) assert.equal(await servedOn(id, domain), undefined, `${domain} turned off by destroy`);
        }
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
            const types = ((await other.exportStack()).deployment.resources as { type: string }[])
                .map((r) => r.type)
                .filter((t) => t.includes("alicloud-certs"));
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
            assert.match(
                output,
                /already declared by another resource of this stack: g0[01]\.cdn-groups\.test \(declared by the (DomainCertificate `g0[01]`|DomainCertificateGroup `all`)\)/,
                output,
            );
            assert.deepEqual(await hooks.requests(), [], "no call");
        } finally {
            await both.cleanup();
        }
    });
});
