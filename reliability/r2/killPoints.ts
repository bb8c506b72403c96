// The five moments of a rollout at which R2 kills a process, each told from the emulator's request log: the one place
// that sees what the provider has done to the cloud, at the moment it does it.
import type { RequestLogEntry } from "../../emulator";
import type { EmulatorProcess } from "../../harness/emulatorProcess";
import { isSet } from "./checks";

export type KillPointId = "sets" | "answer" | "confirm" | "state" | "delete";

export interface KillPoint {
    readonly id: KillPointId;
    readonly label: string;
    /** The command that is killed: the rollout (`up`) or, after a rollout that completed, `destroy`. */
    readonly command: "up" | "destroy";
    /** Stack config the point needs, set before the command starts. */
    readonly config?: Readonly<Record<string, string>>;
    /** Arms what the point needs on the emulator before the command starts. */
    prepare?(emulator: EmulatorProcess): Promise<void>;
    /**
     * Whether to kill now, given the log entries of the command (the log from where it started) and the domains
     * of the rollout.
     */
    ready(entries: readonly RequestLogEntry[], domains: readonly string[], now: number): boolean;
}

/** Index, in `entries`, of each domain's last accepted set. */
function lastAcceptedSets(entries: readonly RequestLogEntry[]): Map<string, number> {
    const last = new Map<string, number>();
    entries.forEach((entry, i) => {
        if (isSet(entry) && entry.status === 200) for (const d of entry.domains) last.set(d, i);
    });
    return last;
}

/** How long a domain configures after a change in R2 (the emulator's --configuring-ms). */
export const CONFIGURING_MS = 5_000;

export const KILL_POINTS: readonly KillPoint[] = [
    {
        id: "sets",
        label: "during the sets",
        command: "up",
        // The first accepted set: the others of the rollout are being batched or are on their way. A group hands all
        // its domains to the batching at once, and 5 batch calls of 10 leave within a few milliseconds, faster than
        // the log is polled; in batches of 2 the 25 calls take 2.5 s at the batch action's 10/s, and the kill lands
        // among them.
        config: { "alicloud-certs:cdnBatchSize": "2" },
        ready: (entries) => entries.some((e) => isSet(e) && e.status === 200),
    },
    {
        id: "answer",
        label: "between a set and its answer",
        command: "up",
        // The emulator holds the first set without answering (and without making the change): the provider has
        // sent it and waits for its answer when it dies. Both set actions are armed, as a group of one domain goes
        // out as the single-domain call; whatever is not used is cleared before the recovery.
        async prepare(emulator) {
            await emulator.hooks.fault({ action: "BatchSetCdnDomainServerCertificate", fault: "hang", times: 1 });
            await emulator.hooks.fault({ action: "SetCdnDomainSSLCertificate", fault: "hang", times: 1 });
        },
        ready: (entries) => entries.some((e) => isSet(e) && e.fault === "hang"),
    },
    {
        id: "confirm",
        label: "during confirmation",
        command: "up",
        // Every domain set, and the last set 2 s old: every domain is still configuring (for 5 s) and the provider is
        // polling their states.
        ready(entries, domains, now) {
            const last = lastAcceptedSets(entries);
            if (last.size < domains.length) return false;
            const newest = Math.max(...[...last.values()].map((i) => Date.parse(entries[i]!.time)));
            return now - newest >= 2_000;
        },
    },
    {
        id: "state",
        label: "during the state write",
        command: "up",
        // Every domain confirmed: its certificate read after its set, which the provider makes once the domain is online
        // again and which is the last call of a create. The creates are returning and the engine is writing the state.
        ready(entries, domains) {
            const last = lastAcceptedSets(entries);
            if (last.size < domains.length) return false;
            const confirmed = new Set<string>();
            entries.forEach((entry, i) => {
                if (entry.action !== "DescribeDomainCertificateInfo" || entry.status !== 200) return;
                for (const d of entry.domains) if ((last.get(d) ?? Infinity) < i) confirmed.add(d);
            });
            return domains.every((d) => confirmed.has(d));
        },
    },
    {
        id: "delete",
        label: "during delete",
        command: "destroy",
        // The first turn-off accepted (`pulumi destroy` sets HTTPS off on each domain): the others are to follow. In
        // batches of 2, as for the sets, so that a group's 50 turn-offs do not all leave before the kill.
        config: { "alicloud-certs:cdnBatchSize": "2" },
        ready: (entries) => entries.some((e) => isSet(e) && e.status === 200),
    },
];
