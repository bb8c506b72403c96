// A lock across processes (and worker threads) around the state file's read-merge-write.
//
// The lock is a file, `<state>.lock`, that appears with its owner record already in it: the owner is written to a
// draft file first and then hard-linked to the lock's name, and link(2) fails if that name exists. So there is no
// moment where the lock exists but says nothing about who holds it.
//
// Why no library (proper-lockfile and the like): the emulator's critical section is synchronous and lasts a few
// milliseconds (one read, one write, one rename), and save() is called synchronously by the handlers. Those
// libraries are asynchronous, or fail at once in their synchronous form instead of waiting, and refresh the lock
// on a timer, which is meant for locks held for seconds.
//
// A holder that dies inside the critical section (SIGKILL, a crash) leaves its lock behind. It is broken when its
// process is gone (same host), or when it is older than `staleAfterMs` (another host, a reused pid, a stopped
// process). Only one process breaks a lock at a time (`<state>.lock.break`, taken the same way), and it checks
// again that the lock it removes is the one it judged stale, so breaking never removes a live holder's lock.
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { threadId } from "node:worker_threads";

export interface LockOptions {
    /** A lock older than this is stale whatever its owner record says. Default 10 s: a holder keeps it for milliseconds. */
    readonly staleAfterMs?: number;
    /** Give up waiting after this long. Default 30 s. */
    readonly timeoutMs?: number;
}

export class LockTimeoutError extends Error {}

interface Owner {
    readonly pid: number;
    readonly threadId: number;
    readonly host: string;
    readonly token: string;
}

interface Held {
    readonly owner?: Owner;
    readonly ino: number;
    readonly mtimeMs: number;
}

const DEFAULT_STALE_AFTER_MS = 10_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
    Atomics.wait(sleeper, 0, 0, ms);
}

function readHeld(path: string): Held | undefined {
    try {
        const stat = statSync(path);
        let owner: Owner | undefined;
        try {
            const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<Owner>;
            if (typeof parsed.pid === "number" && typeof parsed.token === "string") owner = parsed as Owner;
        } catch {
            // Unreadable or not ours: judged by age alone.
        }
        return { ...(owner ? { owner } : {}), ino: stat.ino, mtimeMs: stat.mtimeMs };
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
    }
}

function processIsGone(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return false;
    } catch (error) {
        // EPERM: it exists, under another user.
        return (error as NodeJS.ErrnoException).code === "ESRCH";
    }
}

function isStale(held: Held, staleAfterMs: number): boolean {
    if (Date.now() - held.mtimeMs > staleAfterMs) return true;
    const owner = held.owner;
    if (!owner || owner.host !== hostname()) return false;
    // This thread never keeps the lock between calls, so a lock in its own name is left over from a crash of an
    // earlier holder with a recycled pid, or from a bug; another thread of this process is judged by age.
    if (owner.pid === process.pid) return owner.threadId === threadId;
    return processIsGone(owner.pid);
}

/** Removes what a dead writer left beside the state file: its drafts of the lock and its temporary state files. */
function sweepLeftovers(lockPath: string, pid: number): void {
    const statePrefix = `${basename(lockPath).replace(/\.lock$/, "")}.${pid}.`;
    const dir = dirname(lockPath);
    for (const name of readdirSync(dir)) {
        if (name.startsWith(statePrefix) && (name.endsWith(".tmp") || name.endsWith(".owner"))) {
            try {
                unlinkSync(join(dir, name));
            } catch {
                // Already gone.
            }
        }
    }
}

/**
 * Removes the leftovers of writers on this host that died before they held the lock: a writer killed between
 * writing its draft and linking it leaves a draft nobody ever breaks as a lock (seen in a CI run of the killed-writer
 * test). Run by the holder, so no live writer's draft is judged: a draft names its pid, checked to be gone.
 */
function sweepDeadDrafts(lockPath: string): void {
    const prefix = `${basename(lockPath).replace(/\.lock$/, "")}.`;
    const dir = dirname(lockPath);
    for (const name of readdirSync(dir)) {
        if (!name.startsWith(prefix) || !name.endsWith(".owner")) continue;
        const owner = readHeld(join(dir, name))?.owner;
        if (owner && owner.host === hostname() && owner.pid !== process.pid && processIsGone(owner.pid)) sweepLeftovers(lockPath, owner.pid);
    }
}

function unlinkIfPresent(path: string): void {
    try {
        unlinkSync(path);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
}

/**
 * Breaks the lock if it is stale. Returns true when it is worth trying to take the lock again at once (the lock
 * was broken, or is gone).
 */
function breakIfStale(lockPath: string, me: Owner, staleAfterMs: number): boolean {
    const held = readHeld(lockPath);
    if (!held) return true;
    if (!isStale(held, staleAfterMs)) return false;
    const breakerPath = `${lockPath}.break`;
    try {
        writeFileSync(breakerPath, JSON.stringify(me), { flag: "wx", mode: 0o600 });
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        // Someone else is breaking it; a breaker that died while breaking is stale in the same way.
        const breaker = readHeld(breakerPath);
        if (breaker && isStale(breaker, staleAfterMs)) unlinkIfPresent(breakerPath);
        return false;
    }
    try {
        // While we hold the breaker nobody else removes the lock, so the file checked here is the file unlinked.
        const again = readHeld(lockPath);
        if (!again) return true;
        if (again.ino !== held.ino || again.owner?.token !== held.owner?.token || !isStale(again, staleAfterMs)) return false;
        unlinkSync(lockPath);
        if (again.owner && again.owner.host === hostname() && again.owner.pid !== process.pid) sweepLeftovers(lockPath, again.owner.pid);
        return true;
    } finally {
        unlinkIfPresent(breakerPath);
    }
}

/**
 * Runs `critical` while holding the lock `lockPath`, waiting (synchronously, a few milliseconds at a time) for
 * another holder to finish. Not reentrant. Throws LockTimeoutError after `timeoutMs`.
 */
export function withFileLock<T>(lockPath: string, critical: () => T, options: LockOptions = {}): T {
    const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const me: Owner = { pid: process.pid, threadId, host: hostname(), token: randomBytes(8).toString("hex") };
    // The state file's name, then the pid: sweepLeftovers finds a dead writer's drafts by that prefix.
    mkdirSync(dirname(lockPath), { recursive: true });
    const draft = `${lockPath.replace(/\.lock$/, "")}.${process.pid}.${threadId}.${me.token}.owner`;
    writeFileSync(draft, JSON.stringify(me), { flag: "wx", mode: 0o600 });
    let acquired = false;
    try {
        const deadline = Date.now() + timeoutMs;
        for (let attempt = 0; !acquired; attempt++) {
            // The lock's age is its draft's: fresh at every attempt, so that a long wait does not make it look stale.
            const now = new Date();
            utimesSync(draft, now, now);
            try {
                linkSync(draft, lockPath);
                acquired = true;
                break;
            } catch (error) {
                if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
            }
            if (breakIfStale(lockPath, me, staleAfterMs)) continue;
            if (Date.now() > deadline) {
                const holder = readHeld(lockPath)?.owner;
                throw new LockTimeoutError(
                    `${lockPath} has been held for over ${timeoutMs} ms${holder ? ` by pid ${holder.pid} on ${holder.host}` : ""}; delete it if no emulator is running`,
                );
            }
            // A holder needs a few milliseconds; back off a little, with jitter so that two waiters do not march in step.
            sleepSync(Math.min(2 ** Math.min(attempt, 3), 8) + Math.random() * 2);
        }
    } finally {
        unlinkIfPresent(draft);
    }
    try {
        sweepDeadDrafts(lockPath);
        return critical();
    } finally {
        // Release only our own lock: if it was broken as stale meanwhile, the file there now is someone else's.
        if (readHeld(lockPath)?.owner?.token === me.token) unlinkIfPresent(lockPath);
    }
}
