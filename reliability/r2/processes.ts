// Processes of a running `pulumi` command, read from /proc (Linux): R2 kills one of them by its id, and needs to know
// which ones a killed CLI leaves behind.
//
// The tree of `pulumi up` with a dynamic provider: pulumi -> pulumi-language-nodejs -> node (the program), and
// pulumi -> sh pulumi-resource-pulumi-nodejs (the launcher script) -> node .../@pulumi/pulumi/cmd/dynamic-provider/
// index.js (the provider host, where the package's create, update and delete run).
import * as fs from "node:fs";

export interface ProcessInfo {
    readonly pid: number;
    readonly ppid: number;
    /** The process group: each plugin of the engine leads its own. */
    readonly pgid: number;
    readonly cmdline: string;
}

/** One process, or undefined once it is gone (or a zombie: it runs nothing any more). */
export function processInfo(pid: number): ProcessInfo | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // The command name is in parentheses and may itself hold spaces or parentheses: the fields follow the last ")".
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (fields[0] === "Z" || fields[0] === "X") return undefined;
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
        return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), cmdline };
    } catch {
        return undefined;
    }
}

export function allProcesses(): ProcessInfo[] {
    const found: ProcessInfo[] = [];
    for (const name of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(name)) continue;
        const info = processInfo(Number(name));
        if (info) found.push(info);
    }
    return found;
}

/** Whether `ancestor` is `pid` or one of its parents. */
function descendsFrom(pid: number, ancestor: number, byPid: ReadonlyMap<number, ProcessInfo>): boolean {
    for (let at = byPid.get(pid), hops = 0; at && hops < 64; at = byPid.get(at.ppid), hops++) {
        if (at.pid === ancestor) return true;
        if (at.ppid <= 1) return false;
    }
    return false;
}

const PROVIDER_HOST = "@pulumi/pulumi/cmd/dynamic-provider";

/**
 * The dynamic-provider hosts (node processes running @pulumi/pulumi's cmd/dynamic-provider) under the CLI `cliPid`:
 * found by command line, and kept only if the CLI is among their ancestors, so that another stack's provider
 * running on the machine at the same time is never taken for this one.
 */
export function providerHostsOf(cliPid: number): ProcessInfo[] {
    const processes = allProcesses();
    const byPid = new Map(processes.map((p) => [p.pid, p]));
    return processes.filter(
        (p) => p.cmdline.includes(PROVIDER_HOST) && /(^|\/)node(\s|$)/.test(p.cmdline.split(" ")[0]!) && descendsFrom(p.pid, cliPid, byPid),
    );
}

/**
 * Every process below `pid`. Taken right before a kill: a plugin is started in a process group of its own (the
 * engine's RegisterProcessGroup), and once its CLI is gone it is reparented, so neither its group nor its parent
 * leads back to the CLI afterwards.
 */
export function descendantsOf(pid: number): ProcessInfo[] {
    const processes = allProcesses();
    const byPid = new Map(processes.map((p) => [p.pid, p]));
    return processes.filter((p) => p.pid !== pid && descendsFrom(p.pid, pid, byPid));
}

/** A short name for a process in a report: "pulumi-language-nodejs", "node .../cmd/dynamic-provider/index.js". */
export function shortName(p: ProcessInfo): string {
    const [command = "?", ...rest] = p.cmdline.split(" ");
    const base = command.split("/").pop()!;
    const script = rest.find((a) => a.includes("/") && !a.startsWith("-"));
    if (script?.includes(PROVIDER_HOST)) return "dynamic-provider host";
    if (base === "sh" && script) return `sh ${script.split("/").pop()}`;
    if (base === "node" && script) return `node ${script.split("/").slice(-2).join("/")}`;
    return base;
}

/** Waits until none of `pids` runs any more, or `timeoutMs` passes; returns those still running. */
export async function waitGone(pids: readonly number[], timeoutMs: number): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    let alive = pids.filter((pid) => processInfo(pid) !== undefined);
    while (alive.length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        alive = alive.filter((pid) => processInfo(pid) !== undefined);
    }
    return alive;
}

/** SIGKILL to one process by its id; false when it was already gone. */
export function killPid(pid: number): boolean {
    try {
        process.kill(pid, "SIGKILL");
        return true;
    } catch {
        return false;
    }
}
