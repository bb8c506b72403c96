// The emulator process of a reliability scenario: the seed it starts from, and what it printed and kept, which R5
// searches for secrets.
import * as fs from "node:fs";
import type { RequestLogEntry, Seed } from "../emulator";
import type { EmulatorProcess } from "../harness/emulatorProcess";
import type { SdkKeys } from "../harness/sdkClients";
import type { ProducedText } from "./scenario";

/** Why the emulator's banner and state file hold the seeded access key secrets (R5 reports those hits apart). */
export const BANNER_HOLDS_KEYS = "alicloud-cert-emulator prints the seeded accounts' key pairs at start (emulator/cli.ts describeAccounts)";
export const STATE_HOLDS_KEYS = "the emulator keeps each account's secret to check signatures";

/** Its banner, its stderr, its state file and the request log (as last read, when given), for R5's search. */
export function emulatorTexts(emulator: EmulatorProcess, label: string, log?: readonly RequestLogEntry[]): ProducedText[] {
    const texts: ProducedText[] = [
        { source: `${label}: emulator stdout`, text: emulator.stdout, holdsAccountKeys: BANNER_HOLDS_KEYS },
        { source: `${label}: emulator stderr`, text: emulator.stderr },
    ];
    if (log !== undefined) texts.push({ source: `${label}: emulator request log`, text: JSON.stringify(log) });
    if (emulator.stateFile !== undefined && fs.existsSync(emulator.stateFile)) {
        texts.push({ source: `${label}: emulator state file`, text: fs.readFileSync(emulator.stateFile, "utf8"), holdsAccountKeys: STATE_HOLDS_KEYS });
    }
    return texts;
}

/** A seed of one account with these CDN domains, all online. */
export function cdnSeed(keys: SdkKeys, domains: readonly string[]): Seed {
    return {
        accounts: [
            {
                accessKeyId: keys.accessKeyId,
                accessKeySecret: keys.accessKeySecret,
                domains: domains.map((domainName) => ({ domainName, product: "cdn" as const })),
            },
        ],
    };
}
