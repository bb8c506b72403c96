// What the bench's commands (run.ts, sweep.ts) share: the account they seed, the environment that keeps every call on
// 127.0.0.1, how they read their flags (a bad flag is a usage error, told with the usage and no stack; a number is a
// whole number within its range or refused by name), and how they end.

import { parseArgs, type ParseArgsConfig } from "node:util";

// The SDK's default credential chain would otherwise probe the ECS metadata address; nothing here may leave 127.0.0.1.
process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = "true";

/** A key pair the emulator accepts for the bench account; not a credential anywhere else. */
export const BENCH_ACCOUNT = { accessKeyId: "LTAIbenchAccount00000001", accessKeySecret: "benchAccountSecretNotReal00000001" };

export class UsageError extends Error {}

/** `raw` as a whole number from `min` to `max`, or `fallback` when absent; refused naming the flag otherwise. */
export function wholeNumber(raw: string | undefined, fallback: number, name: string, min: number, max: number): number {
    if (raw === undefined || raw === "") return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}; got ${raw}`);
    return Number(raw);
}

/** The flags every bench command takes beside its own. */
const COMMON_FLAGS = { keep: { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;

/** The command's flags (its own, `--keep` and `-h`/`--help`) by name; undefined once `--help` has printed the usage. */
export function readFlags<const Flags extends NonNullable<ParseArgsConfig["options"]>>(
    argv: string[],
    usage: string,
    flags: Flags,
): FlagValues<Flags> | undefined {
    const { values } = parseArgs({ args: argv, options: { ...flags, ...COMMON_FLAGS }, allowPositionals: false });
    if ((values as { help?: boolean }).help) {
        process.stdout.write(usage);
        return undefined;
    }
    return values as FlagValues<Flags>;
}

type FlagValues<Flags extends NonNullable<ParseArgsConfig["options"]>> = ReturnType<
    typeof parseArgs<{ args: string[]; options: Flags & typeof COMMON_FLAGS; allowPositionals: false }>
>["values"];

/**
 * Runs a command to its exit code: 0 when `main` resolves; 2 for a bad flag, told as its message and the usage with no
 * stack; 1 for anything else, with its stack.
 */
export function runCommand(name: string, usage: string, main: () => Promise<void>): void {
    main().then(
        () => process.exit(0),
        (error: unknown) => {
            if (error instanceof UsageError || String((error as { code?: unknown })?.code ?? "").startsWith("ERR_PARSE_ARGS")) {
                process.stderr.write(`${name}: ${(error as Error).message}\n\n${usage}`);
                process.exit(2);
            }
            process.stderr.write(`[${name}] ${(error as Error)?.stack ?? String(error)}\n`);
            process.exit(1);
        },
    );
}
