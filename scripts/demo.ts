// `npm start`: deploy the demo stack (Pulumi.yaml + index.ts at the repository root) against the local emulator,
// with the real Pulumi CLI and a local file backend, then print what the domains serve. Run it again and nothing
// changes: the emulator's state file and the stack's state both live in the clone (ignored by git).
import * as fs from "node:fs";
import * as path from "node:path";
import { X509Certificate } from "node:crypto";
import { CommandError, LocalWorkspace } from "@pulumi/pulumi/automation";
import { startEmulator, DEFAULT_ACCOUNT } from "../emulator";
import { issueChain } from "../harness/certs";
import { ENDPOINT_ENV_VARS } from "../harness/emulatorConfig";
import { installPulumiCli } from "../harness/pulumiCli";
import { pulumiCommand } from "../harness/pulumiCommand";

const ROOT = path.resolve(__dirname, "..");
const STACK = "dev";
const CERT_DIR = path.join(ROOT, ".demo");
/** The demo certificate's names: one wildcard per product covers every domain of the emulator's default account. */
const DEMO_NAMES = ["*.example-cdn.test", "*.example-live.test", "*.example-dcdn.test"];

async function main(): Promise<void> {
    const cliDir = installPulumiCli();
    linkPackageIntoNodeModules();
    await ensureDemoCertificate();

    for (const dir of [".emulator", ".pulumi-state", ".pulumi-home"]) fs.mkdirSync(path.join(ROOT, dir), { recursive: true });
    const emulator = await startEmulator({
        port: 0,
        stateFile: path.join(ROOT, ".emulator", "state.json"),
        configuringMs: 1500,
    });
    // A state file kept from an earlier demo may predate some of the default account's domains (the group's).
    for (const domainName of DEFAULT_ACCOUNT.cdnDomains) emulator.addDomain(DEFAULT_ACCOUNT.accessKeyId, domainName, "cdn");
    for (const domainName of DEFAULT_ACCOUNT.liveDomains) emulator.addDomain(DEFAULT_ACCOUNT.accessKeyId, domainName, "live");
    for (const domainName of DEFAULT_ACCOUNT.dcdnDomains) emulator.addDomain(DEFAULT_ACCOUNT.accessKeyId, domainName, "dcdn");
    console.log(`emulator: ${emulator.endpoint} (account ${DEFAULT_ACCOUNT.accessKeyId})`);
    try {
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: STACK, workDir: ROOT },
            { pulumiCommand: await pulumiCommand(cliDir), pulumiHome: path.join(ROOT, ".pulumi-home"), envVars: demoEnvironment(emulator.endpoint) },
        );
        const up = await stack
            .up({
                onOutput: (text) => process.stdout.write(text),
                onError: (text) => process.stderr.write(text),
                // The CLI writes to a pipe here: colours only when the demo itself writes to a terminal.
                color: process.stdout.isTTY ? "always" : "never",
            })
            .catch((error: unknown) => {
                // Its message repeats the whole output, which has just been printed.
                throw error instanceof CommandError ? new Error("pulumi up failed (its output is above)") : error;
            });
        const outputs = up.outputs.domains?.value as Array<{
            domain: string;
            fingerprint?: string;
            status: string;
            expiry?: string;
            group?: string;
        }>;
        console.log("\nWhat the domains serve now:");
        printTable(
            ["domain", "resource", "status", "expiry", "fingerprint (SHA-256)"],
            outputs.map((o) => [o.domain, o.group ?? "single", o.status, o.expiry ?? "-", o.fingerprint ?? "-"]),
        );
    } finally {
        await emulator.close();
    }
}

/**
 * The engine runs each resource's provider code, which loads this package by name (`pulumi-alicloud-certs/runtime`)
 * from the project's node_modules, as in a user's project. Here the project is the package itself, so the build is
 * made reachable under that name: a package.json and a link to dist/.
 */
function linkPackageIntoNodeModules(): void {
    const target = path.join(ROOT, "node_modules", "pulumi-alicloud-certs");
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(target, { recursive: true });
    fs.copyFileSync(path.join(ROOT, "package.json"), path.join(target, "package.json"));
    fs.symlinkSync(path.join(ROOT, "dist"), path.join(target, "dist"), "dir");
}

/**
 * A private CA and a wildcard certificate for the demo domains, made once and kept while it has a month to live and
 * carries the names (a clone that ran an earlier demo holds one for two named domains, which the group's would not fit).
 */
async function ensureDemoCertificate(): Promise<void> {
    const chainFile = path.join(CERT_DIR, "fullchain.pem");
    if (fs.existsSync(chainFile)) {
        const leaf = new X509Certificate(fs.readFileSync(chainFile));
        const names = (leaf.subjectAltName ?? "").split(", ").map((name) => name.replace(/^DNS:/, ""));
        if (Date.parse(leaf.validTo) - Date.now() > 30 * 24 * 3600 * 1000 && DEMO_NAMES.every((name) => names.includes(name))) return;
    }
    const { leaf } = await issueChain({ dnsNames: DEMO_NAMES, key: "rsa2048", notAfterDays: 90 });
    fs.mkdirSync(CERT_DIR, { recursive: true });
    fs.writeFileSync(chainFile, leaf.chainPem);
    fs.writeFileSync(path.join(CERT_DIR, "privkey.pem"), leaf.key.pkcs8, { mode: 0o600 });
    console.log(`made a demo certificate for ${DEMO_NAMES.join(" and ")} in ${path.relative(ROOT, CERT_DIR)}/`);
}

/** What the demo's commands get besides this process's environment (automation lays it over that). */
function demoEnvironment(endpoint: string): Record<string, string> {
    return {
        PULUMI_BACKEND_URL: `file://${path.join(ROOT, ".pulumi-state")}`,
        // Encrypts the secrets of this local demo state only; a real stack uses its own passphrase or a KMS.
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "demo-passphrase-local-only",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        // Every endpoint the package calls (each product's and the certificate service's), at the emulator.
        ...Object.fromEntries(ENDPOINT_ENV_VARS.map((variable) => [variable, endpoint])),
        ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_ACCOUNT.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_ACCOUNT.accessKeySecret,
        ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true",
    };
}

function printTable(header: string[], rows: string[][]): void {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const row of [header, ...rows])
        console.log(
            row
                .map((cell, i) => cell.padEnd(widths[i]!))
                .join("  ")
                .trimEnd(),
        );
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
});
