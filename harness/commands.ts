// A child process run to its end with its output collected: how the harness runs npm, tar and the pulumi commands
// whose exit code, text and duration the tests, the bench and the reliability scenarios read.
import { spawn } from "node:child_process";

export interface RunResult {
    code: number | null;
    stdout: string;
    stderr: string;
    durationMs: number;
    timedOut: boolean;
}

export interface RunOptions {
    cwd: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
}

/**
 * Runs a command and collects its output. It never throws for a non-zero exit; on timeout the whole process
 * group is killed (pulumi leaves plugins and node children behind otherwise) and `timedOut` is set.
 */
export function runCommand(command: string, args: string[], options: RunOptions): Promise<RunResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, {
            cwd: options.cwd,
            env: options.env ?? process.env,
            stdio: ["ignore", "pipe", "pipe"],
            // Own process group, so a timeout can kill the engine and every plugin it started.
            detached: true,
        });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
        child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        const timer = setTimeout(() => {
            timedOut = true;
            try {
                process.kill(-child.pid!, "SIGKILL");
            } catch {
                // already gone
            }
        }, options.timeoutMs ?? 120_000);
        child.on("error", (err) => {
            clearTimeout(timer);
            reject(err);
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr, durationMs: Date.now() - started, timedOut });
        });
    });
}
