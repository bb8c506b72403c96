// The least-privilege RAM policy, examples/ram-policy.json, as users grant it: every resource kind goes through
// create, rotation, refresh and destroy with the real CLI against an emulator that enforces exactly that policy.
// It fails if the package calls an action the policy does not list; and the package calls every action it lists,
// in an account large enough that Live and DCDN read their waiting domains' details rather than page through it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { startEmulator, type RunningEmulator, type SeedAccount } from "../../emulator";
import type { PolicyDocument } from "../../emulator/ramPolicy";
import { CERTIFICATE_STORE, PRODUCTS } from "../../provider/products";
import { issueCertificate, type Issued } from "../../harness/certs";
import { e2eSkipReason } from "../support/e2eSkip";
import { preparePackageInstall } from "../../harness/packageInstall";
import { PulumiProject } from "../../harness/project";
import { REPO_ROOT } from "../../harness/repository";
import { pointAtEmulator } from "../../harness/emulatorConfig";

const POLICY = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "examples", "ram-policy.json"), "utf8")) as PolicyDocument;
/** Each action the package calls, with the RAM code of its product (the tables the package calls them from). */
const RAM_CODE = new Map<string, string>([
    ...Object.values(PRODUCTS).flatMap((p) =>
        [p.setAction, p.describeCertificateAction, p.describeDomainAction, p.domainListing.action, p.freeSet, p.batchSet].flatMap((a) =>
            a ? [[a.name, p.ramCode] as const] : [],
        ),
    ),
    ...[CERTIFICATE_STORE.upload, CERTIFICATE_STORE.detail, CERTIFICATE_STORE.list, CERTIFICATE_STORE.remove].map(
        (a) => [a.name, CERTIFICATE_STORE.ramCode] as const,
    ),
]);

const KEYS = { accessKeyId: "LTAIe2eRamPolicy0000001", accessKeySecret: "e2eRamPolicySecretNotReal00000001" };

/** One of each resource kind, each on its own certificate so that no two share a batch. */
const PROGRAM = `
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { DcdnDomainCertificate, DcdnDomainCertificateGroup, DomainCertificate, DomainCertificateGroup, LiveDomainCertificate, LiveDomainCertificateGroup } from "pulumi-alicloud-certs";

const read = (name: string) => ({ certificate: fs.readFileSync(name + ".crt", "utf8"), privateKey: fs.readFileSync(name + ".key", "utf8") });
new DomainCertificate("single", { domainName: "single.ram.test", ...read("single") });
new DomainCertificate("free", { domainName: "free.ram.test", certType: "free" });
new LiveDomainCertificate("live", { domainName: "live.ram.test", ...read("live") });
new DomainCertificate("cas", { domainName: "cas.ram.test", certType: "cas", certId: "20251207" });
new DomainCertificateGroup("listed", { domains: ["a.g.ram.test", "b.g.ram.test"], ...read("group") });
new DomainCertificateGroup("matched", { matchDomains: true, ...read("matched") });
new LiveDomainCertificateGroup("live-matched", { matchDomains: true, ...read("livematched") });
new DcdnDomainCertificate("dcdn", { domainName: "dcdn.ram.test", ...read("dcdn") });
new DcdnDomainCertificateGroup("dcdn-listed", { domains: ["a.dg.ram.test", "b.dg.ram.test"], ...read("dcdngroup") });
new DcdnDomainCertificateGroup("dcdn-matched", { matchDomains: true, ...read("dcdnmatched") });
`;

/**
 * Other domains of the account, listed after the program's (the listings go in order of name): so many that paging
 * through the account's listing would take longer than reading the few domains waiting on their own, so Live and DCDN
 * read those domains' details, as they do in a large account (provider/alicloud/domainStateReader.ts). Live: 500 in
 * pages of 50 at 100/s (0.11 s) against at most the program's 3 Live domains at 50/s (0.06 s); DCDN: 7500 in pages of
 * 500 at 80/s (0.2 s) against at most its 5 at 30/s (0.17 s). The first read of each still pages the listing, to
 * learn the account's size, and the groups that match domains list it whole.
 */
const padding = (count: number, product: "live" | "dcdn") =>
    Array.from({ length: count }, (_, i) => ({ domainName: `zz${i}.${product}-others.test`, product }));

const DOMAINS: SeedAccount["domains"] = [
    ...["single.ram.test", "free.ram.test", "cas.ram.test", "a.g.ram.test", "b.g.ram.test", "a.m.ram.test", "b.m.ram.test"].map((domainName) => ({
        domainName,
        product: "cdn" as const,
    })),
    ...["live.ram.test", "a.lm.ram.test", "b.lm.ram.test"].map((domainName) => ({ domainName, product: "live" as const })),
    ...["dcdn.ram.test", "a.dg.ram.test", "b.dg.ram.test", "a.dm.ram.test", "b.dm.ram.test"].map((domainName) => ({ domainName, product: "dcdn" as const })),
    ...padding(500, "live"),
    ...padding(7500, "dcdn"),
];

const NAMES: Record<string, string[]> = {
    single: ["single.ram.test"],
    live: ["live.ram.test"],
    group: ["*.g.ram.test"],
    matched: ["*.m.ram.test"],
    livematched: ["*.lm.ram.test"],
    dcdn: ["dcdn.ram.test"],
    dcdngroup: ["*.dg.ram.test"],
    dcdnmatched: ["*.dm.ram.test"],
};

const skip = e2eSkipReason();

describe("examples/ram-policy.json", { skip }, () => {
    let installDir: string;
    const cleanups: (() => Promise<void>)[] = [];

    before(async () => {
        installDir = await preparePackageInstall();
    });
    after(async () => {
        for (const cleanup of cleanups) await cleanup();
    });

    async function setUp(policy: PolicyDocument): Promise<{ emulator: RunningEmulator; project: PulumiProject; write(): Promise<void> }> {
        // A certificate the account's certificate service holds already, for the `cas` resource.
        const stored = await issueCertificate({ dnsNames: ["cas.ram.test"], key: "ec256" });
        const casCertificates = [{ certId: "20251207", certName: "ram-stored", certificate: stored.chainPem }];
        const emulator = await startEmulator({
            port: 0,
            configuringMs: 150,
            freeIssueMs: 150,
            seed: { accounts: [{ ...KEYS, domains: DOMAINS, casCertificates, ramPolicy: policy }] },
        });
        const project = await PulumiProject.create({ program: PROGRAM, installDir, name: "certs-ram-policy" });
        cleanups.push(
            () => project.cleanup(),
            () => emulator.close(),
        );
        await pointAtEmulator(project, emulator.endpoint, KEYS);
        const write = async () => {
            for (const [name, dnsNames] of Object.entries(NAMES)) {
                const cert: Issued = await issueCertificate({ dnsNames, key: "ec256" });
                fs.writeFileSync(path.join(project.dir, `${name}.crt`), cert.chainPem);
                fs.writeFileSync(path.join(project.dir, `${name}.key`), cert.key.pkcs8);
            }
        };
        await write();
        return { emulator, project, write };
    }

    test("every resource kind: create, rotation, refresh and destroy under exactly the policy, and every action it lists is used", async () => {
        const { emulator, project, write } = await setUp(POLICY);
        await project.up();
        await write(); // a rotation of every certificate
        await project.up();
        await project.refresh(["--expect-no-changes"]);
        await project.destroy();
        const log = emulator.requests();
        assert.deepEqual(
            log.filter((r) => r.code === "Forbidden.RAM").map((r) => r.action),
            [],
            "no call outside the policy",
        );
        const listed = POLICY.Statement.flatMap((s) => [s.Action].flat()).sort();
        const called = [...new Set(log.map((r) => `${RAM_CODE.get(r.action!) ?? "unknown"}:${r.action}`))].sort();
        assert.deepEqual(called, listed, "the policy lists exactly the actions the package calls");
    });

    test("GIVEN the policy without SetCdnDomainSSLCertificate THEN up fails, naming the action and Forbidden.RAM", async () => {
        const narrower: PolicyDocument = {
            Statement: POLICY.Statement.map((s) => ({ ...s, Action: [s.Action].flat().filter((a) => a !== "cdn:SetCdnDomainSSLCertificate") })),
        };
        const { project } = await setUp(narrower);
        const result = await project.up([], { allowFailure: true });
        const output = result.stdout + result.stderr;
        assert.notEqual(result.code, 0);
        // Two resources set through that action: `single` (its certificate shares no batch) and `cas` (a set by id is
        // never batched). The engine starts no new step once one has failed, so which of the two meets the refusal
        // first is the engine's scheduling (seen both ways); either names the action, its domain and the policy.
        assert.match(output, /SetCdnDomainSSLCertificate on (single|cas)\.ram\.test failed: Forbidden\.RAM/, output);
        assert.match(output, /examples\/ram-policy\.json/);
    });

    test("GIVEN the policy without the certificate service's actions THEN up fails at each resource's first call there, naming the action and the policy line to add", async () => {
        const noService: PolicyDocument = {
            Statement: POLICY.Statement.map((s) => ({ ...s, Action: [s.Action].flat().filter((a) => !a.startsWith("yundun-cert:")) })).filter(
                (s) => s.Action.length > 0,
            ),
        };
        const { emulator, project } = await setUp(noService);
        const result = await project.up([], { allowFailure: true });
        const output = result.stdout + result.stderr;
        assert.notEqual(result.code, 0);
        // The engine runs the resources at once, so which call of the certificate service comes first depends on the
        // machine's timing: a lookup by id (GetUserCertificateDetail, the `cas` resource) or the listing before an
        // upload (ListUserCertificateOrder). Whichever it is, its error names it and the exact line to add.
        const refusals = [...output.matchAll(/(\w+) failed: Forbidden\.RAM [^\n]*?add "([\w-]+:\w+)" to the Action list of its RAM policy/g)];
        assert.ok(refusals.length > 0, output);
        for (const [, action, line] of refusals) {
            assert.ok(["ListUserCertificateOrder", "GetUserCertificateDetail", "UploadUserCertificate"].includes(action!), `refused ${action}`);
            assert.equal(line, `yundun-cert:${action}`);
        }
        const sets = emulator.requests().filter((r) => /Set/.test(r.action ?? "") && r.status === 200 && r.certType === "upload");
        assert.deepEqual(sets, [], "no key went out in a set instead");
    });
});
