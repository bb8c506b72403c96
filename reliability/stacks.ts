// The projects R1 (fault storm), R2 (crash) and R3 (concurrent stacks) deploy, and what a user sees of them: the
// CLI's output, the exported state, and the secrets R5 must never find there.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Issued } from "../harness/certs";
import { PulumiProject } from "../harness/project";
import type { RunResult } from "../harness/commands";
import type { SdkKeys } from "../harness/sdkClients";
import type { SecretUsed } from "./scenario";
import { pointAtEmulator } from "../harness/emulatorConfig";

export interface StackOptions {
    readonly name: string;
    readonly program: string;
    readonly installDir: string;
    readonly issued: Issued;
    readonly keys: SdkKeys;
    readonly endpoint: string;
    /** Extra stack config (plain values), e.g. the number of domains. */
    readonly config: Readonly<Record<string, string>>;
    readonly timeoutMs: number;
}

/**
 * A project whose program reads `fullchain.pem` and `privkey.pem` from its directory (bench/programs.ts's way), with
 * the account's keys in stack config as a user sets them (the secret one as a secret) and the CDN endpoint on the
 * emulator.
 */
export async function certificateStack(options: StackOptions): Promise<PulumiProject> {
    const project = await PulumiProject.create({ program: options.program, installDir: options.installDir, name: options.name, timeoutMs: options.timeoutMs });
    fs.writeFileSync(path.join(project.dir, "fullchain.pem"), options.issued.chainPem);
    fs.writeFileSync(path.join(project.dir, "privkey.pem"), options.issued.key.pkcs8);
    await pointAtEmulator(project, options.endpoint, options.keys);
    for (const [key, value] of Object.entries(options.config)) await project.setConfig(key, value);
    return project;
}

/** A CLI run's whole output, as a user's terminal shows it. */
export function cliOutput(result: RunResult): string {
    return `${result.stdout}\n${result.stderr}`;
}

/** `pulumi stack export` as text (secrets encrypted, as a user's backend holds it); undefined if it fails. */
export async function exportText(project: PulumiProject): Promise<string | undefined> {
    const result = await project.run(["stack", "export"], { allowFailure: true, timeoutMs: 60_000 });
    return result.code === 0 ? result.stdout : undefined;
}

/** The certificate's private key in both encodings a user may hold: what R5 must never find. */
export function keySecrets(label: string, issued: Issued): SecretUsed[] {
    return [
        { label: `private key of the ${label} certificate (PKCS#8)`, value: issued.key.pkcs8 },
        { label: `private key of the ${label} certificate (${issued.kind.startsWith("ec") ? "SEC1" : "PKCS#1"})`, value: issued.key.traditional },
    ];
}

/** Whether `text` names `domain` as a whole name (d1.bench.test is not named by d11.bench.test). */
export function names(text: string, domain: string): boolean {
    const escaped = domain.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(^|[^a-z0-9.-])${escaped}(?![a-z0-9-])`).test(text);
}

/** The lines of a CLI's output that mention throttling: each one is an error a user saw. */
export function throttlingLines(text: string): string[] {
    return text.split("\n").filter((line) => /throttl/i.test(line));
}

/** The first `max` items, then "and N more". */
export function listed(items: readonly string[], max = 8): string {
    return items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
