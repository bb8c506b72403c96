// Memory and CPU of the processes one pulumi command runs: the engine (the `pulumi` CLI), the Node.js language host,
// the program, and above all the provider process. The engine runs every dynamic resource's methods in one Node
// process it starts through the `pulumi-resource-pulumi-nodejs` launcher, i.e. `node .../@pulumi/pulumi/cmd/
// dynamic-provider`. These processes live only while the command runs, so they are found by polling /proc. Other
// pulumi runs on the machine (other engineers' tests) look the same: the engine and its plugins run in the project
// directory, so the working directory tells ours apart.
//
// VmHWM is the kernel's own high-water mark of the resident set, so a peak between two polls is not missed. CPU
// time (utime + stime) is read at each poll, so the CPU a process spends in its last poll interval before exiting is
// missed: a few tenths of a second at most, against phases of seconds to minutes.
import * as fs from "node:fs";

export type Role = "provider" | "engine" | "language host" | "program" | "other";

/** Which process is which, from its command line (NUL-separated arguments). */
export function roleOf(cmdline: string): Role {
    const args = cmdline.split("\0").filter((a) => a !== "");
    const exe = (args[0] ?? "").split("/").pop() ?? "";
    // The launcher first runs `node -e "...require.resolve('@pulumi/pulumi/cmd/dynamic-provider')"` to find the
    // script: that one only prints a path.
    if (args[1] === "-e") return "other";
    if (cmdline.includes("@pulumi/pulumi/cmd/dynamic-provider")) return "provider";
    if (exe === "pulumi") return "engine";
    if (exe === "pulumi-language-nodejs") return "language host";
    if (exe === "node" || exe.startsWith("node")) return "program";
    return "other";
}

/** Parses a `/proc/<pid>/status` field given in kB (VmHWM, VmRSS) into bytes. */
export function statusField(status: string, field: string): number | undefined {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * utime + stime of a `/proc/<pid>/stat` line, in clock ticks. The command name (field 2) may hold spaces and
 * parentheses, so fields are counted from the last ")".
 */
export function cpuTicks(stat: string): number | undefined {
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

/** USER_HZ: 100 on every Linux architecture Node supports (the kernel's ABI for /proc tick counts). */
export const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used so far (Linux; undefined elsewhere or when it is gone). */
export function cpuSecondsOf(pid: number): number | undefined {
    try {
        const ticks = cpuTicks(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
        return ticks === undefined ? undefined : ticks / TICKS_PER_SECOND;
    } catch {
        return undefined;
    }
}

export interface RoleUsage {
    /** Largest VmHWM of one process of this role, bytes. */
    readonly peakBytes: number;
    /** CPU seconds of all processes of this role. */
    readonly cpuSeconds: number;
    readonly processes: number;
}

export type Usage = Partial<Record<Role, RoleUsage>>;

interface Seen {
    readonly role: Role;
    peakBytes: number;
    cpuTicks: number;
}

export class ProjectProcessSampler {
    private readonly seen = new Map<number, Seen>();
    private timer: ReturnType<typeof setInterval> | undefined;
    private readonly projectDir: string;

    constructor(
        projectDir: string,
        private readonly intervalMs = 200,
    ) {
        this.projectDir = fs.realpathSync(projectDir);
    }

    /** Linux only: elsewhere there is no /proc and nothing is measured. */
    static supported(): boolean {
        return fs.existsSync("/proc/self/status");
    }

    start(): void {
        if (this.timer !== undefined || !ProjectProcessSampler.supported()) return;
        this.sample();
        this.timer = setInterval(() => this.sample(), this.intervalMs);
    }

    stop(): Usage {
        if (this.timer !== undefined) clearInterval(this.timer);
        this.timer = undefined;
        this.sample();
        const usage: Usage = {};
        for (const s of this.seen.values()) {
            const before = usage[s.role] ?? { peakBytes: 0, cpuSeconds: 0, processes: 0 };
            usage[s.role] = {
                peakBytes: Math.max(before.peakBytes, s.peakBytes),
                cpuSeconds: before.cpuSeconds + s.cpuTicks / TICKS_PER_SECOND,
                processes: before.processes + 1,
            };
        }
        return usage;
    }

    private sample(): void {
        let pids: string[];
        try {
            pids = fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name));
        } catch {
            return;
        }
        for (const name of pids) {
            const pid = Number(name);
            try {
                let entry = this.seen.get(pid);
                if (entry === undefined) {
                    // Looked at again at every poll rather than remembered as "not ours": a pid caught between fork
                    // and exec still shows its parent's command line.
                    if (fs.realpathSync(`/proc/${pid}/cwd`) !== this.projectDir) continue;
                    const role = roleOf(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"));
                    // The launcher shell and its `node -e require.resolve(...)` only start the provider.
                    if (role === "other") continue;
                    entry = { role, peakBytes: 0, cpuTicks: 0 };
                    this.seen.set(pid, entry);
                }
                const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
                entry.peakBytes = Math.max(entry.peakBytes, statusField(status, "VmHWM") ?? statusField(status, "VmRSS") ?? 0);
                entry.cpuTicks = Math.max(entry.cpuTicks, cpuTicks(fs.readFileSync(`/proc/${pid}/stat`, "utf8")) ?? 0);
            } catch {
                // Gone between readdir and read, or not ours to read: nothing to record.
            }
        }
    }
}
