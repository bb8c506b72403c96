#!/usr/bin/env node
// `alicloud-cert-emulator`: the emulator as a command. The first line on stdout is exactly
// `listening on http://HOST:PORT` (scripts wait for it); then the accounts' key pairs and domains.
import { seededRandom } from "./random";
import { parseArgs } from "node:util";
import { DEFAULTS, DEFAULT_SEED, loadSeedFile, startEmulator, type ConfiguringRange, type EmulatorOptions, type Seed } from "./index";

const USAGE = `Usage: alicloud-cert-emulator [options]

A local emulator of the Alibaba Cloud CDN, ApsaraVideo Live and DCDN certificate APIs, and of the account's
certificate service (CAS 2020-04-07).

Options:
  --host HOST            interface to listen on (default ${DEFAULTS.host})
  --port PORT            port; 0 picks a free one (default ${DEFAULTS.port})
  --state FILE           keep the cloud in FILE (atomic writes; shared with other processes on the same file;
                         an existing file wins over the seed)
  --seed FILE            start from the accounts in this JSON seed file (default: the embedded demo account)
  --configuring-ms MS    how long a domain stays "configuring" after a change (default ${DEFAULTS.configuringMs});
                         MIN-MAX draws each change's time from that range (the real cloud: minutes,
                         e.g. 60000-180000)
  --read-during-configuring old|new
                         what the certificate reads show while a change configures: the new
                         certificate at once (new, the default) or the one in effect (old)
  --free-issue-ms MS     how long a free certificate takes to issue (default ${DEFAULTS.freeIssueMs})
  --idle-timeout-ms MS   close kept-alive connections idle this long (default ${DEFAULTS.idleTimeoutMs})
  --batch-limit N        domains per BatchSetCdnDomainServerCertificate call (default ${DEFAULTS.batchLimit})
  --no-rate-limits       do not enforce the documented per-account calls per second
  --cas-name-reuse refuse|same-content
                         a certificate name the account's certificate service already holds: refused even
                         for identical content (refuse, the default), or the identical leaf is the stored
                         entry (same-content); another leaf is refused either way (NameRepeat on
                         UploadUserCertificate, Certificate.Duplicated on an upload-mode set)
  --cas-delete-in-use refuse|allow
                         DeleteUserCertificate on a certificate a domain still serves: refused with
                         CertificateInUse (refuse, the default) or deleted, the domain serving on (allow)
  --cas-quota N          certificates per account in the certificate service (default ${DEFAULTS.casQuota})
  --live-upload-to-cas yes|no
                         whether Live's upload-mode sets put their certificate in the certificate service as
                         CDN's do (yes, the default), or Live keeps its own names (no)
  --random-seed N        draw configuring times and injected faults' probabilities from a generator seeded
                         with N (default: Math.random); the same calls in the same order then meet the same draws
  -h, --help             show this help
`;

function fail(message: string): never {
    process.stderr.write(`alicloud-cert-emulator: ${message}\n\n${USAGE}`);
    process.exit(2);
}

function integer(value: string | undefined, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max) fail(`--${name} must be an integer from 0 to ${max}; got ${JSON.stringify(value)}`);
    return n;
}

/** `MS`, or `MIN-MAX` for a draw per change. */
function configuringSetting(value: string | undefined): number | ConfiguringRange {
    const range = value === undefined ? null : /^(\d+)-(\d+)$/.exec(value);
    if (!range) return integer(value, "configuring-ms", DEFAULTS.configuringMs);
    const [min, max] = [Number(range[1]), Number(range[2])];
    if (max < min) fail(`--configuring-ms ${value}: the range's maximum is below its minimum`);
    return { min, max };
}

function readModel(value: string | undefined): "old" | "new" {
    if (value === undefined) return DEFAULTS.readDuringConfiguring;
    if (value !== "old" && value !== "new") fail(`--read-during-configuring must be old or new; got ${JSON.stringify(value)}`);
    return value;
}

function choice<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) fail(`--${name} must be ${allowed.join(" or ")}; got ${JSON.stringify(value)}`);
    return value as T;
}

function describeAccounts(seed: Seed): string {
    const lines: string[] = [];
    for (const account of seed.accounts) {
        lines.push(`account  accessKeyId=${account.accessKeyId}  accessKeySecret=${account.accessKeySecret}`);
        for (const domain of account.domains) {
            const status = domain.domainStatus ?? "online";
            lines.push(`  ${domain.product.padEnd(4)} ${domain.domainName}${status === "online" ? "" : ` (${status})`}`);
        }
    }
    return lines.join("\n");
}

async function main(): Promise<void> {
    let parsed;
    try {
        parsed = parseArgs({
            options: {
                host: { type: "string" },
                port: { type: "string" },
                state: { type: "string" },
                seed: { type: "string" },
                "configuring-ms": { type: "string" },
                "read-during-configuring": { type: "string" },
                "free-issue-ms": { type: "string" },
                "idle-timeout-ms": { type: "string" },
                "batch-limit": { type: "string" },
                "no-rate-limits": { type: "boolean" },
                "random-seed": { type: "string" },
                "cas-name-reuse": { type: "string" },
                "cas-delete-in-use": { type: "string" },
                "cas-quota": { type: "string" },
                "live-upload-to-cas": { type: "string" },
                help: { type: "boolean", short: "h" },
            },
            allowPositionals: false,
        });
    } catch (error) {
        fail((error as Error).message);
    }
    const values = parsed.values;
    if (values.help) {
        process.stdout.write(USAGE);
        return;
    }
    let seed: Seed = DEFAULT_SEED;
    if (values.seed !== undefined) {
        try {
            seed = loadSeedFile(values.seed);
        } catch (error) {
            fail(`cannot use seed file ${values.seed}: ${(error as Error).message}`);
        }
    }
    const options: EmulatorOptions = {
        host: values.host ?? DEFAULTS.host,
        port: integer(values.port, "port", DEFAULTS.port, 65535),
        seed,
        configuringMs: configuringSetting(values["configuring-ms"]),
        readDuringConfiguring: readModel(values["read-during-configuring"]),
        freeIssueMs: integer(values["free-issue-ms"], "free-issue-ms", DEFAULTS.freeIssueMs),
        idleTimeoutMs: integer(values["idle-timeout-ms"], "idle-timeout-ms", DEFAULTS.idleTimeoutMs),
        batchLimit: integer(values["batch-limit"], "batch-limit", DEFAULTS.batchLimit),
        rateLimits: !values["no-rate-limits"],
        casNameReuse: choice(values["cas-name-reuse"], "cas-name-reuse", ["refuse", "same-content"] as const, DEFAULTS.casNameReuse),
        casDeleteInUse: choice(values["cas-delete-in-use"], "cas-delete-in-use", ["refuse", "allow"] as const, DEFAULTS.casDeleteInUse),
        casQuota: integer(values["cas-quota"], "cas-quota", DEFAULTS.casQuota),
        liveUploadToCas: choice(values["live-upload-to-cas"], "live-upload-to-cas", ["yes", "no"] as const, DEFAULTS.liveUploadToCas ? "yes" : "no") === "yes",
        ...(values["random-seed"] === undefined ? {} : { random: seededRandom(integer(values["random-seed"], "random-seed", 0, 2 ** 32 - 1)) }),
        ...(values.state === undefined ? {} : { stateFile: values.state }),
    };
    const emulator = await startEmulator(options);
    process.stdout.write(`listening on ${emulator.endpoint}\n`);
    // With an existing state file the accounts come from it; the seed printed is what a new file starts with.
    process.stdout.write(`${describeAccounts(seed)}\n`);
    if (values.state !== undefined) process.stdout.write(`state file: ${values.state}\n`);

    const stop = () => {
        emulator.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
    process.stderr.write(`alicloud-cert-emulator: ${(error as Error).message ?? String(error)}\n`);
    process.exit(1);
});
