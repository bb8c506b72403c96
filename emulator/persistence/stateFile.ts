// The state file on disk: written atomically (a temporary file in the same directory, flushed, then renamed over
// the file), so a reader (a restart, a second emulator process, a test) sees either the old cloud or the new one,
// never half of one, even if the writer is killed mid-write. Readers take no lock: rename is what they rely on.
// Writers serialize on the lock in fileLock.ts (the merge around the write is in store.ts).
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { migrateState, type Migrated } from "./migrate";
import type { CloudState } from "./model";

/** Identifies one version of the file: a rename gives a new inode, a rewrite a new mtime or size. */
export function fileSignature(path: string): string | undefined {
    try {
        const s = statSync(path);
        return `${s.ino}:${s.mtimeMs}:${s.size}`;
    } catch {
        return undefined;
    }
}

/** The cloud in the file, in the current format (an older file is migrated as it is read: migrate.ts). */
export function readStateFile(path: string): CloudState | undefined {
    return readStateFileWithOrigin(path)?.state;
}

/** As readStateFile, and which format the file had when it was migrated (Store.open then writes it back). */
export function readStateFileWithOrigin(path: string): Migrated | undefined {
    let text: string;
    try {
        text = readFileSync(path, "utf8");
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
    }
    return migrateState(JSON.parse(text), path);
}

/** The lock writers of `path` take (fileLock.ts). */
export function lockPathOf(path: string): string {
    return `${path}.lock`;
}

/**
 * Writes synchronously, under the caller's lock. The temporary file is named `<file>.<pid>.<random>.tmp`: a lock
 * broken after its holder died removes that holder's temporary files by the pid. The flush before the rename is
 * what makes the rename publish the whole content after a power cut too, not only after a crash (about 2 ms).
 */
export function writeStateFile(path: string, state: CloudState): string | undefined {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
        const fd = openSync(temporary, "wx", 0o600);
        try {
            const bytes = Buffer.from(`${JSON.stringify(state, null, 2)}\n`);
            for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
            fsyncSync(fd);
        } finally {
            closeSync(fd);
        }
        renameSync(temporary, path);
    } catch (error) {
        try {
            unlinkSync(temporary);
        } catch {
            // nothing to clean up
        }
        throw error;
    }
    return fileSignature(path);
}
