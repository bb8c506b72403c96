// The certificate service with the real Pulumi CLI: a group of 30 CDN domains, three DomainCertificates and a
// LiveDomainCertificate on one certificate upload it once and leave one entry; a rotation's preview says what it
// uploads and deletes, the rotation uploads the new one once and deletes the old; destroy leaves the user's own
// certificate in the service untouched and deletes the package's.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import Cas, * as $Cas from "@alicloud/cas20200407";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import type { RunningEmulator } from "../../emulator";
import { fingerprintOf, issueCertificate, type Issued } from "../../harness/certs";
import { emulatorWith, pointAtEmulator } from "../../harness/emulatorConfig";
import { EmulatorHooks } from "../../harness/emulatorHooks";
import { e2eSkipReason } from "../support/e2eSkip";
import { preparePackageInstall } from "../../harness/packageInstall";
import { PulumiProject } from "../../harness/project";

const ACCOUNT = { accessKeyId: "LTAIe2eCertStore0000001", accessKeySecret: "e2eCertStoreSecretNotReal0000001" };
const GROUP = Array.from({ length: 30 }, (_, i) => `g${String(i).padStart(2, "0")}.cdn.store.test`);
const SINGLES = ["s0.cdn.store.test", "s1.cdn.store.test", "s2.cdn.store.test"];
const LIVE = "l0.live.store.test";

const PROGRAM = `
import * as fs from "node:fs";
import { DomainCertificate, DomainCertificateGroup, LiveDomainCertificate } from "pulumi-alicloud-certs";

const certificate = fs.readFileSync("fullchain.pem", "utf8");
const privateKey = fs.readFileSync("privkey.pem", "utf8");
const settings = { certificate, privateKey, confirmTimeoutSeconds: 120 };

new DomainCertificateGroup("fleet", { domains: ${JSON.stringify(GROUP)}, ...settings });
for (const [i, domainName] of ${JSON.stringify(SINGLES)}.entries()) new DomainCertificate("single" + i, { domainName, ...settings });
new LiveDomainCertificate("live", { domainName: ${JSON.stringify(LIVE)}, ...settings });
`;

describe("the certificate service with the Pulumi CLI", { skip: e2eSkipReason() }, () => {
    let emulator: RunningEmulator;
    let hooks: EmulatorHooks;
    let project: PulumiProject;
    let first: Issued;
    let second: Issued;

    const use = (cert: Issued) => {
        fs.writeFileSync(path.join(project.dir, "fullchain.pem"), cert.chainPem);
        fs.writeFileSync(path.join(project.dir, "privkey.pem"), cert.key.pkcs8);
    };

    before(async () => {
        emulator = await emulatorWith(ACCOUNT, { cdn: [...GROUP, ...SINGLES], live: [LIVE] });
        hooks = new EmulatorHooks(emulator.endpoint);
        first = await issueCertificate({ dnsNames: ["*.cdn.store.test", "*.live.store.test"], key: "ec256", notAfterDays: 90 });
        second = await issueCertificate({ dnsNames: ["*.cdn.store.test", "*.live.store.test"], key: "ec256", notAfterDays: 180 });
        project = await PulumiProject.create({ program: PROGRAM, installDir: await preparePackageInstall(), name: "certs-store" });
        await pointAtEmulator(project, emulator.endpoint, ACCOUNT);
        use(first);
    });

    after(async () => {
        await project?.cleanup();
        await emulator?.close();
    });

    test("one upload and one entry for 34 domains; a rotation previews its upload and its delete, then leaves one entry; destroy deletes the package's and keeps the user's", async () => {
        await project.up();
        const uploads = async () => (await hooks.requests()).filter((r) => r.action === "UploadUserCertificate").length;
        assert.equal(await uploads(), 1, "one upload for the group, the three resources and the Live one");
        assert.deepEqual(
            (await hooks.casCertificates()).map((e) => e.fingerprint),
            [await fingerprintOf(first)],
        );
        assert.deepEqual([...new Set((await hooks.setCalls()).map((c) => c.certType))], ["cas"], "every domain set by reference");

        // A certificate of the user's own, uploaded in the console: never the package's to delete.
        const users = await issueCertificate({ dnsNames: ["users.example.test"], key: "ec256" });
        const cas = new Cas(new $OpenApiUtil.Config({ ...ACCOUNT, endpoint: emulator.hostPort, protocol: "http" }));
        await cas.uploadUserCertificate(new $Cas.UploadUserCertificateRequest({ name: "users-own", cert: users.chainPem, key: users.key.pkcs8 }));

        use(second);
        await hooks.reset();
        const preview = await project.preview();
        const oldEntry = (await hooks.casCertificates()).find((e) => e.fingerprint === fingerprintOfSync(first))!;
        assert.match(
            preview.stdout,
            /uploads the certificate to the certificate service \(cn-hangzhou\) as wildcard\.cdn\.store\.test-\d{8}-[0-9a-f]{8}, once, and deploys it from there/,
        );
        assert.ok(
            preview.stdout.includes(
                `deletes the replaced ${oldEntry.certName} (id ${oldEntry.certId}, cn-hangzhou) from the certificate service once nothing of this stack uses it`,
            ),
            preview.stdout,
        );
        assert.equal(await uploads(), 0, "a preview uploads nothing");

        await project.up();
        assert.equal(await uploads(), 1, "the rotation uploads the new certificate once");
        assert.deepEqual(
            (await hooks.casCertificates()).map((e) => e.certName).sort(),
            [(await hooks.casCertificates()).find((e) => e.fingerprint === fingerprintOfSync(second))!.certName, "users-own"].sort(),
        );
        await project.up(["--expect-no-changes"]);

        await project.destroy();
        assert.deepEqual(
            (await hooks.casCertificates()).map((e) => e.certName),
            ["users-own"],
            "destroy deleted the package's upload and kept the user's",
        );
    });
});

function fingerprintOfSync(cert: Issued): string {
    const { X509Certificate, createHash } = require("node:crypto") as typeof import("node:crypto");
    return createHash("sha256").update(new X509Certificate(cert.leafPem).raw).digest("hex");
}
