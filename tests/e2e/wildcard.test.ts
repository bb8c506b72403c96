// A wildcard domain with the real Pulumi CLI: written *.example.com, it deploys as the API names it, .example.com, in
// a DomainCertificate, a LiveDomainCertificate and a DomainCertificateGroup; written the other way, the preview
// shows no change, and an empty up makes no call.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunningEmulator } from "../../emulator";
import { fingerprintOf, issueCertificate, type Issued } from "../../harness/certs";
import { EmulatorHooks } from "../../harness/emulatorHooks";
import { e2eSkipReason } from "../support/e2eSkip";
import { preparePackageInstall } from "../../harness/packageInstall";
import { PulumiProject } from "../../harness/project";
import { emulatorWith, pointAtEmulator } from "../../harness/emulatorConfig";

const ACCOUNT = { accessKeyId: "LTAIe2eWildcard00000001", accessKeySecret: "e2eWildcardSecretNotReal00000001" };

const PROGRAM = `
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { DomainCertificate, DomainCertificateGroup, LiveDomainCertificate } from "pulumi-alicloud-certs";

const config = new pulumi.Config();
const certificate = fs.readFileSync("fullchain.pem", "utf8");
const privateKey = fs.readFileSync("privkey.pem", "utf8");
const star = config.requireBoolean("star") ? "*" : "";

const cdn = new DomainCertificate("cdn", { domainName: star + ".cdn.wild.test", certificate, privateKey, confirmTimeoutSeconds: 60 });
const live = new LiveDomainCertificate("live", { domainName: star + ".live.wild.test", certificate, privateKey, confirmTimeoutSeconds: 60 });
const group = new DomainCertificateGroup("group", { domains: [star + ".g.wild.test", "a.g.wild.test"], certificate, privateKey, confirmTimeoutSeconds: 60 });

export const cdnDomain = cdn.domainName;
export const liveDomain = live.domainName;
export const groupDomains = group.domainNames;
export const fingerprint = cdn.fingerprint;
`;

describe("wildcard domains with the Pulumi CLI", { skip: e2eSkipReason() }, () => {
    let emulator: RunningEmulator;
    let hooks: EmulatorHooks;
    let cert: Issued;
    let project: PulumiProject;

    before(async () => {
        emulator = await emulatorWith(ACCOUNT, { cdn: [".cdn.wild.test", ".g.wild.test", "a.g.wild.test"], live: [".live.wild.test"] });
        hooks = new EmulatorHooks(emulator.endpoint);
        cert = await issueCertificate({ dnsNames: ["*.cdn.wild.test", "*.live.wild.test", "*.g.wild.test"], key: "ec256", notAfterDays: 90 });
        project = await PulumiProject.create({ program: PROGRAM, installDir: await preparePackageInstall(), name: "certs-wildcard" });
        fs.writeFileSync(path.join(project.dir, "fullchain.pem"), cert.chainPem);
        fs.writeFileSync(path.join(project.dir, "privkey.pem"), cert.key.pkcs8);
        await pointAtEmulator(project, emulator.endpoint, ACCOUNT);
    });

    after(async () => {
        await project?.cleanup({ destroy: true });
        await emulator?.close();
    });

    test("written *.x it deploys as .x; respelled .x the preview shows no change and an empty up makes no call", async () => {
        await project.setConfig("star", "true");
        await project.up();
        const outputs = await project.outputs();
        assert.deepEqual(
            [outputs.cdnDomain, outputs.liveDomain, outputs.groupDomains, outputs.fingerprint],
            [".cdn.wild.test", ".live.wild.test", [".g.wild.test", "a.g.wild.test"], await fingerprintOf(cert)],
        );
        const sent = (await hooks.setCalls()).flatMap((c) => c.domains).sort();
        assert.deepEqual(sent, [".cdn.wild.test", ".g.wild.test", ".live.wild.test", "a.g.wild.test"], "every set named the domains as the API does");

        await project.setConfig("star", "false");
        await hooks.reset();
        await project.preview(["--expect-no-changes"]);
        await project.up(["--expect-no-changes"]);
        assert.deepEqual(await hooks.setCalls(), []);
    });
});
