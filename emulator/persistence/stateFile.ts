// The state file on disk: written atomically (a temporary file in the same directory, then rename), so a reader
// (a restart, a second emulator process, a test) sees either the old cloud or the new one, never half of one.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
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

export function readStateFile(path: string): CloudState | undefined {
    let text: string;
    try {
        text = readFileSync(path, "utf8");
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
    }
    const parsed = JSON.parse(text) as CloudState;
    if (parsed?.formatVersion !== 1 || !Array.isArray(parsed.accounts)) {
        throw new Error(`${path} is not an emulator state file (formatVersion 1)`);
    }
    return parsed;
}

/**
 * Writes synchronously: the emulator's writes are small, and a synchronous write-then-rename cannot interleave
 * with another request in this process, which is what keeps concurrent sets from corrupting the file.
 */
export function writeStateFile(path: string, state: CloudState): string | undefined {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
        writeFileSync(temporary, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
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
