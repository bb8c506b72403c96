// A pulumi command that R2 can kill while it runs. harness/commands.ts's runner waits for the command to end and
// hides its process id; here the id is known from the start, and the command counts as ended when its own process
// exits, not when its output pipes close: a killed CLI's plugins (reparented to init) may hold them open.
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { PulumiProject } from "../../harness/project";

export interface Running {
    readonly pid: number;
    readonly args: readonly string[];
    readonly startedAt: number;
    /** Resolves once the CLI's process has exited (killed or not). */
    readonly done: Promise<Finished>;
    /** Output so far. */
    output(): string;
}

export interface Finished {
    readonly args: readonly string[];
    readonly code: number | null;
    readonly signal: NodeJS.Signals | null;
    readonly timedOut: boolean;
    readonly durationMs: number;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * Starts `pulumi <args>` in the project, in a process group of its own. On timeout the whole group is killed (a
 * hung command must not outlive the run); a SIGKILL from R2 goes to the CLI's process alone.
 */
export function startPulumi(project: PulumiProject, args: readonly string[], timeoutMs: number, env: Record<string, string> = {}): Running {
    const startedAt = Date.now();
    const child = spawn(path.join(project.cliDir, "pulumi"), [...args], {
        cwd: project.dir,
        env: project.env(env),
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
        timedOut = true;
        try {
            process.kill(-child.pid!, "SIGKILL");
        } catch {
            // already gone
        }
    }, timeoutMs);
    const done = new Promise<Finished>((resolve, reject) => {
        child.once("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        child.once("exit", (code, signal) => {
            clearTimeout(timer);
            // What is still buffered in the pipes arrives within moments; a pipe an orphan holds is let go after 1 s.
            const finish = () => {
                child.stdout!.destroy();
                child.stderr!.destroy();
                resolve({ args, code, signal, timedOut, durationMs: Date.now() - startedAt, stdout, stderr });
            };
            let closed = 0;
            const fallback = setTimeout(finish, 1_000);
            const onClose = () => {
                if (++closed === 2) {
                    clearTimeout(fallback);
                    finish();
                }
            };
            child.stdout!.once("close", onClose);
            child.stderr!.once("close", onClose);
            if (child.stdout!.closed) onClose();
            if (child.stderr!.closed) onClose();
        });
    });
    return { pid: child.pid!, args, startedAt, done, output: () => `${stdout}\n${stderr}` };
}

/** Runs a command to its end. */
export function runPulumi(project: PulumiProject, args: readonly string[], timeoutMs: number, env: Record<string, string> = {}): Promise<Finished> {
    return startPulumi(project, args, timeoutMs, env).done;
}

/** The text of a finished command, for the report and for R5. */
export function transcript(f: Finished): string {
    const how = f.timedOut
        ? `timed out after ${f.durationMs} ms`
        : f.signal
          ? `killed by ${f.signal} after ${f.durationMs} ms`
          : `exit ${f.code} after ${f.durationMs} ms`;
    return `$ pulumi ${f.args.join(" ")}\n(${how})\n--- stdout ---\n${f.stdout}\n--- stderr ---\n${f.stderr}`;
}
