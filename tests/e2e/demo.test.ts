// The demo stack (index.ts at the repository root, what `npm start` deploys) with the real Pulumi CLI against the
// emulator's default account: one certificate on the single CDN domain, the Live domain and the group's three CDN
// domains, uploaded once; its `domains` output holds the row per domain that `npm start` prints; a second `up` changes
// nothing.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { DEFAULT_ACCOUNT, startEmulator, type RunningEmulator } from "../../emulator";
import { fingerprintOf, issueCertificate, type Issued } from "../../harness/certs";
import { pointAtEmulator } from "../../harness/emulatorConfig";
import { EmulatorHooks } from "../../harness/emulatorHooks";
import { e2eSkipReason } from "../support/e2eSkip";
import { preparePackageInstall } from "../../harness/packageInstall";
import { PulumiProject } from "../../harness/project";

const ROOT = path.resolve(__dirname, "../..");

describe("the demo stack with the Pulumi CLI", { skip: e2eSkipReason() }, () => {
    let emulator: RunningEmulator;
    let project: PulumiProject;
    let certificate: Issued;

    before(async () => {
        emulator = await startEmulator({ port: 0, configuringMs: 150 });
        certificate = await issueCertificate({
            dnsNames: ["*.example-cdn.test", "*.example-live.test", "*.example-dcdn.test"],
            key: "ec256",
            notAfterDays: 90,
        });
        project = await PulumiProject.create({
            program: fs.readFileSync(path.join(ROOT, "index.ts"), "utf8"),
            installDir: await preparePackageInstall(),
            name: "certs-demo",
        });
        await pointAtEmulator(project, emulator.endpoint, DEFAULT_ACCOUNT);
        fs.mkdirSync(path.join(project.dir, ".demo"));
        fs.writeFileSync(path.join(project.dir, ".demo", "fullchain.pem"), certificate.chainPem);
        fs.writeFileSync(path.join(project.dir, ".demo", "privkey.pem"), certificate.key.pkcs8);
    });

    after(async () => {
        await project?.cleanup();
        await emulator?.close();
    });

    test("deploys the single CDN, Live and DCDN domains and the group of three with one upload, reports a row per domain, and a second up changes nothing", async () => {
        await project.up();
        const fingerprint = await fingerprintOf(certificate);
        const { domains } = await project.outputs();
        assert.deepEqual(
            (domains as Array<Record<string, string>>).map(({ domain, status, fingerprint, group }) => ({ domain, status, fingerprint, group })),
            [
                { domain: "www.example-cdn.test", status: "on", fingerprint, group: undefined },
                { domain: "live.example-live.test", status: "on", fingerprint, group: undefined },
                { domain: "www.example-dcdn.test", status: "on", fingerprint, group: undefined },
                ...["download", "img", "video"].map((name) => ({ domain: `${name}.example-cdn.test`, status: "on", fingerprint, group: "cdn-group" })),
            ],
        );
        const hooks = new EmulatorHooks(emulator.endpoint);
        assert.equal((await hooks.requests()).filter((r) => r.action === "UploadUserCertificate").length, 1, "one upload for every domain");
        await project.preview(["--expect-no-changes"]);
    });
});
