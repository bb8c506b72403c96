// Expiry warnings with the real CLI: a certificate ten days from its end gives a warning in `pulumi preview` and
// `pulumi up`, naming the resource, the domain (or the group's count) and the date; with
// alicloud-certs:expiryFailDays set, the scheduled pipeline's check (`pulumi preview --refresh --expect-no-changes`)
// fails on it, before any call.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunningEmulator } from "../../emulator";
import { issueCertificate, type Issued } from "../../harness/certs";
import { EmulatorHooks } from "../../harness/emulatorHooks";
import { e2eSkipReason } from "../support/e2eSkip";
import { preparePackageInstall } from "../../harness/packageInstall";
import { PulumiProject } from "../../harness/project";
import { emulatorWith, pointAtEmulator } from "../../harness/emulatorConfig";

const KEYS = { accessKeyId: "LTAIe2eExpiry00000000001", accessKeySecret: "e2eExpirySecretNotReal0000000001" };
const GROUP_DOMAINS = ["a.exp.test", "b.exp.test", "c.exp.test"];

const PROGRAM = `
import * as fs from "node:fs";
import { DomainCertificate, DomainCertificateGroup } from "pulumi-alicloud-certs";

const certificate = fs.readFileSync("fullchain.pem", "utf8");
const privateKey = fs.readFileSync("privkey.pem", "utf8");
new DomainCertificate("www", { domainName: "www.exp.test", certificate, privateKey });
new DomainCertificateGroup("all", { domains: ${JSON.stringify(GROUP_DOMAINS)}, certificate, privateKey });
`;

const skip = e2eSkipReason();

describe("expiry warnings and the fail window, with the Pulumi CLI", { skip }, () => {
    let emulator: RunningEmulator;
    let project: PulumiProject;
    let hooks: EmulatorHooks;
    let soon: Issued;

    before(async () => {
        emulator = await emulatorWith(KEYS, { cdn: ["www.exp.test", ...GROUP_DOMAINS] });
        hooks = new EmulatorHooks(emulator.endpoint);
        project = await PulumiProject.create({ program: PROGRAM, installDir: await preparePackageInstall(), name: "certs-expiry" });
        await pointAtEmulator(project, emulator.endpoint, KEYS);
        soon = await issueCertificate({ dnsNames: ["*.exp.test"], key: "ec256", notAfterDays: 10 });
        fs.writeFileSync(path.join(project.dir, "fullchain.pem"), soon.chainPem);
        fs.writeFileSync(path.join(project.dir, "privkey.pem"), soon.key.pkcs8);
    });
    after(async () => {
        await project?.cleanup();
        await emulator?.close();
    });

    test("a certificate ten days from its end warns in preview and up; inside expiryFailDays the scheduled check fails before any call", async () => {
        const date = soon.cert.notAfter.toISOString().slice(0, 10);
        const warning = (resource: string, where: string) =>
            new RegExp(
                `warning: the certificate of the ${resource} on ${where.replace(/\./g, "\\.")} expires on ${date} \\(in (9|10) days\\), within alicloud-certs:expiryWarningDays \\(30\\): renew it`,
            );

        const preview = await project.preview();
        assert.match(preview.stdout, warning("DomainCertificate `www`", "www.exp.test"), preview.stdout);
        assert.match(preview.stdout, warning("DomainCertificateGroup `all`", "its 3 domains"), preview.stdout);

        const up = await project.up();
        assert.match(up.stdout, warning("DomainCertificate `www`", "www.exp.test"), up.stdout);
        assert.match(up.stdout, warning("DomainCertificateGroup `all`", "its 3 domains"), up.stdout);

        // The scheduled pipeline's check, as examples/pipelines runs it.
        await hooks.reset();
        const check = await project.run(
            ["preview", "--non-interactive", "--color=never", "--refresh", "--expect-no-changes", "--config", "alicloud-certs:expiryFailDays=14"],
            { allowFailure: true },
        );
        const output = check.stdout + check.stderr;
        assert.notEqual(check.code, 0, output);
        const reason = new RegExp(
            `certificate: expires on ${date} \\(in (9|10) days\\), within alicloud-certs:expiryFailDays \\(14\\): put a renewed certificate in the stack, or lower alicloud-certs:expiryFailDays`,
        );
        assert.equal(output.split("\n").filter((line) => reason.test(line)).length, 2, `once for each resource:\n${output}`);
        assert.doesNotMatch(output, /BEGIN (CERTIFICATE|PRIVATE KEY)/);
        assert.deepEqual(await hooks.setCalls(), [], "a failed check calls no set");
    });
});
