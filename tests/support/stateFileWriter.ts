// Run as a child process by tests/emulator/sharedStateFile.test.ts: an emulator's store writing one state file,
// the way a second emulator process does, so that two of them (or one killed mid-write) can be watched.
//
//   writer  STATE SEED PREFIX COUNT   prints "ready", waits for a line on stdin (so that two writers start
//                                     together), then makes COUNT changes, each one save: domain PREFIX-d<i % 10>
//                                     gets certName PREFIX-<i>, and an entry named PREFIX-<i> is added to the
//                                     account's certificate service (certId: the prefix's char code * 1e6 + i).
//                                     Prints "start T" and "done T" (wall-clock ms) around them.
//   deleter STATE SEED PREFIX COUNT   as writer, but each change deletes the certificate-service entry named
//                                     PREFIX-<i> (the seed's), one save each.
//   forever STATE SEED PREFIX         changes and saves until killed.
//   stall   STATE SEED POINT          one change whose save stops for good at POINT (mid-write: half the
//                                     temporary file written; before-rename; before-unlock: the file renamed,
//                                     the lock still held), after printing "at POINT", to be killed there.
import type { PathLike } from "node:fs";
import type { Seed } from "../../emulator/seed";

// The module object itself, not an import's namespace (whose properties cannot be replaced): stallAt patches it.
const fs: typeof import("node:fs") = require("node:fs");

const [mode, stateFile, seedFile, third, fourth] = process.argv.slice(2) as [string, string, string, string, string | undefined];

function say(line: string): void {
    fs.writeSync(1, `${line}\n`); // synchronous: the parent must see it before this process stalls
}

function stallForever(point: string): never {
    say(`at ${point}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    throw new Error("unreachable");
}

let armed = false;

/** Stops this process inside a save once `armed`, at `point`: the fs calls the state file's code makes, patched. */
function stallAt(point: string): void {
    const temporaryFds = new Set<number>();
    const { openSync, writeSync, renameSync, unlinkSync } = fs;
    const patched = fs as unknown as Record<string, unknown>;
    patched.openSync = (path: PathLike, ...rest: unknown[]) => {
        const fd = (openSync as (...a: unknown[]) => number)(path, ...rest);
        if (String(path).endsWith(".tmp")) temporaryFds.add(fd);
        return fd;
    };
    patched.writeSync = (fd: number, buffer: Buffer, ...rest: unknown[]) => {
        if (armed && point === "mid-write" && temporaryFds.has(fd)) {
            (writeSync as (...a: unknown[]) => number)(fd, buffer, 0, Math.floor(buffer.length / 2));
            stallForever(point);
        }
        return (writeSync as (...a: unknown[]) => number)(fd, buffer, ...rest);
    };
    patched.renameSync = (from: PathLike, to: PathLike) => {
        if (armed && point === "before-rename") stallForever(point);
        return renameSync(from, to);
    };
    patched.unlinkSync = (path: PathLike) => {
        if (armed && point === "before-unlock" && String(path).endsWith(".lock")) stallForever(point);
        return unlinkSync(path);
    };
}

async function main(): Promise<void> {
    if (mode === "stall") stallAt(third);
    // Loaded after the patch, so that the store's calls go through it.
    const { Store } = await import("../../emulator/persistence/store");
    const seed = JSON.parse(fs.readFileSync(seedFile, "utf8")) as Seed;
    const store = Store.open(seed, stateFile);
    const account = store.accounts[0]!;
    const change = (prefix: string, i: number) => {
        store.refresh();
        const domain = store.findDomain(account, `${prefix}-d${i % 10}.cdn.test`)!;
        const certId = String(prefix.charCodeAt(0) * 1_000_000 + i);
        store.stage(domain, { status: "on", certName: `${prefix}-${i}`, certType: "upload", pem: domain.current.pem ?? "", casCertId: certId }, Date.now(), {
            configuringMs: 0,
        });
        store.addCasCertificate(account, {
            certId,
            certName: `${prefix}-${i}`,
            pem: "",
            region: "cn-hangzhou",
            source: "cdn-set",
            createdAt: new Date().toISOString(),
        });
        store.save();
    };
    const remove = (prefix: string, i: number) => {
        store.refresh();
        const entry = account.casCertificates.find((c) => c.certName === `${prefix}-${i}`);
        if (!entry) throw new Error(`no entry ${prefix}-${i} to delete`);
        store.deleteCasCertificate(account, entry.certId);
        store.save();
    };
    switch (mode) {
        case "writer":
        case "deleter": {
            const count = Number(fourth);
            say("ready");
            await new Promise((resolve) => process.stdin.once("data", resolve));
            process.stdin.destroy();
            say(`start ${Date.now()}`);
            for (let i = 0; i < count; i++) (mode === "writer" ? change : remove)(third, i);
            say(`done ${Date.now()}`);
            return;
        }
        case "forever":
            say("writing");
            for (let i = 0; ; i++) change(third, i);
        case "stall":
            armed = true;
            change("a", 1);
            throw new Error(`the save did not reach ${third}`);
        default:
            throw new Error(`unknown mode ${mode}`);
    }
}

main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
});
