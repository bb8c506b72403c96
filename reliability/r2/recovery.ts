// The recovery after a crash, as the README's "What it survives" documents it: R2 runs exactly these commands.
//
// Why these, from the engine's own code (pulumi v3.248.0) and from trying each shorter one with R2_RECOVERY:
// - A killed CLI leaves the file backend's lock (`.pulumi/locks/...`, deleted only by the process that wrote it):
//   every later command says "the stack is currently locked by 1 lock(s) ... delete the lock file with `pulumi
//   cancel`" (R2_RECOVERY=rerun: the rerun fails with it). `pulumi cancel` deletes it (for the file backend, that
//   is all it does).
// - It also leaves the creates that were under way as pending CREATE operations in the checkpoint. Unlike pending
//   updates and deletes, these are carried over by every later `pulumi up` (backend/snapshot.go: "must require user
//   intervention"), which warns about them each time, and only `pulumi refresh` clears them: interactively one by
//   one, or all at once with `--clear-pending-creates`. (R2_RECOVERY=cancel-rerun: every domain converges, and all
//   50 pending creates are still in the state after the rerun.) Dropping them is right for this package: the next
//   `pulumi up` creates those resources again, and a create finds the domain serving the certificate (or configuring
//   towards it) and adopts it without a set.
// - A killed provider host fails the operations in flight; the CLI reports them, records what completed, releases
//   its lock and exits. Running the command again is all it takes.
//
// And one that only trying found: the file backend keeps beside the stack's file a sidecar, `<stack>.json.attrs`
// (gocloud.dev's fileblob, v0.46.0: the content type and MD5). The content is written to a temporary file and
// renamed into place, but the sidecar is truncated and rewritten in place first (attrs.go, setAttrs: os.Create,
// then the JSON). A CLI killed between the two leaves it empty, and then every command fails with "failed to load
// checkpoint: EOF" (1 of 10 kills among the checkpoint writes at the start of a rollout, tried). The stack's file itself
// is whole (the previous checkpoint: the rename had not happened yet), and without a sidecar fileblob reads it as it
// is, so deleting the empty sidecar is the repair.
import * as fs from "node:fs";
import * as path from "node:path";

export type KillTarget = "cli" | "provider";

/** What `pulumi cancel` prints when the killed CLI left the stack's sidecar empty. */
export const EMPTY_SIDECAR = /failed to load checkpoint: EOF/;

/**
 * The repair for it: delete each empty `*.json.attrs` beside the stack files of the file backend at `backendDir`
 * (the directory of `pulumi login file://<dir>`). Returns the files deleted, relative to it.
 */
export function deleteEmptySidecars(backendDir: string): string[] {
    const stacks = path.join(backendDir, ".pulumi", "stacks");
    const removed: string[] = [];
    for (const entry of fs.readdirSync(stacks, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !entry.name.endsWith(".json.attrs")) continue;
        const file = path.join(entry.parentPath, entry.name);
        if (fs.statSync(file).size === 0) {
            fs.rmSync(file);
            removed.push(path.relative(backendDir, file));
        }
    }
    return removed;
}

export interface RecoveryStep {
    readonly args: readonly string[];
    /** Takes the engine's flags (--parallel, --skip-preview...), as the killed command did. */
    readonly engine: boolean;
}

const CANCEL: RecoveryStep = { args: ["cancel"], engine: false };
const CLEAR: RecoveryStep = { args: ["refresh", "--skip-preview", "--clear-pending-creates"], engine: true };

export function recoveryFor(target: KillTarget, command: "up" | "destroy"): RecoveryStep[] {
    const rerun: RecoveryStep = { args: command === "up" ? ["up", "--skip-preview"] : ["destroy", "--skip-preview"], engine: true };
    // For trying other procedures: R2_RECOVERY=rerun runs the killed command again and nothing else.
    if (process.env.R2_RECOVERY === "rerun") return [rerun];
    if (process.env.R2_RECOVERY === "cancel-rerun") return target === "cli" ? [CANCEL, rerun] : [rerun];
    if (target === "provider") return [rerun];
    return command === "up" ? [CANCEL, CLEAR, rerun] : [CANCEL, rerun];
}

/** The same, in words, for the notes under the table. */
export const RECOVERY = {
    cli:
        "`pulumi cancel` (if it says `failed to load checkpoint: EOF`: delete the empty `.pulumi/stacks/<project>/<stack>.json.attrs` and run it again), " +
        "`pulumi refresh --clear-pending-creates`, then the killed command again (after a killed destroy: `pulumi cancel`, then `pulumi destroy`)",
    provider: "the killed command again",
} as const;
