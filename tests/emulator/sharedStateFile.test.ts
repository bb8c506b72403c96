// One state file, several writers: two stores in one process, two emulators in one process, two writer processes,
// a reader parsing the file all along, and writers killed at each point of a save. What must hold: no change of
// either writer is lost (a domain's record, an entry of the certificate service added, changed or deleted), the
// file always parses as a whole cloud, and a writer that died holding the lock holds up nobody.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, test } from "node:test";
import { LockTimeoutError, withFileLock } from "../../emulator/persistence/fileLock";
import type { CasCertificateRecord, CloudState } from "../../emulator/persistence/model";
import { readStateFile } from "../../emulator/persistence/stateFile";
import { Store } from "../../emulator/persistence/store";
import type { Seed } from "../../emulator/seed";
import { issueCertificate } from "../../harness/certs";
import { $Cdn, cdnClient } from "./support/clients";
import { account, emulatorFor, keysOf } from "./support/fixtures";

const WRITER = join(__dirname, "../support/stateFileWriter.ts");

function scratch(t: { after: (fn: () => void) => void }): string {
    const dir = mkdtempSync(join(tmpdir(), "cert-emulator-shared-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
}

/** One account with ten CDN domains per prefix: `<prefix>-d0.cdn.test` ... `<prefix>-d9.cdn.test`. */
function seedFor(prefixes: readonly string[]): Seed {
    const domains = prefixes.flatMap((p) => Array.from({ length: 10 }, (_, i) => `${p}-d${i}.cdn.test`));
    return { accounts: [account("Shared", { cdn: domains })] };
}

function writeSeed(dir: string, seed: Seed): string {
    const file = join(dir, "seed.json");
    writeFileSync(file, JSON.stringify(seed));
    return file;
}

/** The state file's parts these tests look at: the certificate service's entries (name → id) and each domain's name. */
function summary(state: CloudState): { names: Record<string, string>; certNames: Record<string, string | undefined> } {
    const account = state.accounts[0]!;
    return {
        names: Object.fromEntries(account.casCertificates.map((c) => [c.certName, c.certId])),
        certNames: Object.fromEntries(Object.values(account.domains).map((d) => [d.domainName, d.current.certName])),
    };
}

let nextCertId = 10_000_000;

function entry(certName: string, certId = String(nextCertId++)): CasCertificateRecord {
    return { certId, certName, pem: "", region: "cn-hangzhou", source: "cdn-set", createdAt: new Date().toISOString() };
}

/** An upload-mode set as the handler makes it: the domain's record, and the certificate's entry in the store. */
function change(store: Store, domainName: string, certName: string): void {
    const account = store.accounts[0]!;
    const added = entry(certName);
    store.stage(store.findDomain(account, domainName)!, { status: "on", certName, certType: "upload", casCertId: added.certId }, Date.now(), {
        configuringMs: 0,
    });
    store.addCasCertificate(account, added);
}

function startWriter(args: string[]): { child: ChildProcess; lines: AsyncIterator<string>; exited: Promise<number | null> } {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER, ...args], { stdio: ["pipe", "pipe", "inherit"] });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator](), exited };
}

async function nextLine(lines: AsyncIterator<string>): Promise<string> {
    const next = await lines.next();
    assert.ok(!next.done, "the writer ended without saying why (see its stderr above)");
    return next.value;
}

describe("two stores in one process on one file", () => {
    test("each store's change survives the other's write, though neither re-read the file in between", (t) => {
        const stateFile = join(scratch(t), "state.json");
        const seed = seedFor(["a", "b"]);
        const a = Store.open(seed, stateFile);
        const b = Store.open(seed, stateFile);
        change(a, "a-d0.cdn.test", "from-a");
        a.save();
        change(b, "b-d0.cdn.test", "from-b"); // b still holds the cloud it read before a's write
        b.save();
        const { names, certNames } = summary(readStateFile(stateFile)!);
        assert.deepEqual([certNames["a-d0.cdn.test"], certNames["b-d0.cdn.test"]], ["from-a", "from-b"]);
        assert.deepEqual(Object.keys(names).sort(), ["from-a", "from-b"]);
        // And b now serves a's change without a refresh: its write re-read the file.
        assert.equal(b.findDomain(b.accounts[0]!, "a-d0.cdn.test")!.current.certName, "from-a");
    });

    test("a domain both change at the same moment ends as the later write left it", (t) => {
        const stateFile = join(scratch(t), "state.json");
        const seed = seedFor(["a"]);
        const a = Store.open(seed, stateFile);
        const b = Store.open(seed, stateFile);
        change(a, "a-d0.cdn.test", "first");
        change(b, "a-d0.cdn.test", "second");
        a.save();
        b.save();
        assert.equal(summary(readStateFile(stateFile)!).certNames["a-d0.cdn.test"], "second");
        assert.deepEqual(Object.keys(summary(readStateFile(stateFile)!).names).sort(), ["first", "second"]);
    });

    test("a domain held across a refresh (a request awaiting a free certificate) is still the one that is saved", (t) => {
        const stateFile = join(scratch(t), "state.json");
        const seed = seedFor(["a", "b"]);
        const a = Store.open(seed, stateFile);
        const b = Store.open(seed, stateFile);
        const held = a.findDomain(a.accounts[0]!, "a-d1.cdn.test")!;
        change(b, "b-d1.cdn.test", "other-writer");
        b.save();
        a.refresh(); // picks up b's write while a request still holds `held`
        a.stage(held, { status: "on", certName: "held", certType: "free" }, Date.now(), { configuringMs: 0 });
        a.save();
        const { certNames } = summary(readStateFile(stateFile)!);
        assert.deepEqual([certNames["a-d1.cdn.test"], certNames["b-d1.cdn.test"]], ["held", "other-writer"]);
    });

    test("two emulators in one process on one file keep every set made through either", async (t) => {
        const stateFile = join(scratch(t), "state.json");
        const domains = Array.from({ length: 8 }, (_, i) => `e${i}.cdn.test`);
        const owner = account("TwoEmulators", { cdn: domains });
        const first = await emulatorFor(t, { accounts: [owner] }, { stateFile, rateLimits: false });
        const second = await emulatorFor(t, { accounts: [owner] }, { stateFile, rateLimits: false });
        const leaf = await issueCertificate({ dnsNames: ["*.cdn.test"] });
        await Promise.all(
            domains.map((domainName, i) =>
                cdnClient(i % 2 === 0 ? first : second, keysOf(owner)).setCdnDomainSSLCertificate(
                    new $Cdn.SetCdnDomainSSLCertificateRequest({
                        domainName,
                        SSLProtocol: "on",
                        certName: `n${i}`,
                        SSLPub: leaf.chainPem,
                        SSLPri: leaf.key.pkcs8,
                    }),
                ),
            ),
        );
        const { certNames, names } = summary(readStateFile(stateFile)!);
        assert.deepEqual(
            domains.map((d) => certNames[d]),
            domains.map((_, i) => `n${i}`),
        );
        assert.equal(Object.keys(names).length, domains.length);
    });
});

describe("the certificate service's entries, two stores on one file", () => {
    /** The seed's entries as the store holds them: `seed-<i>`, ids 500 + i. */
    async function seedWithEntries(count: number): Promise<Seed> {
        const leaf = await issueCertificate({ dnsNames: ["*.cdn.test"] });
        const base = seedFor(["a", "b"]);
        const casCertificates = Array.from({ length: count }, (_, i) => ({ certId: String(500 + i), certName: `seed-${i}`, certificate: leaf.chainPem }));
        return { accounts: [{ ...base.accounts[0]!, casCertificates }] };
    }

    test("one adds an entry while the other deletes another: both changes survive, in either order of saves", async (t) => {
        const seed = await seedWithEntries(2);
        for (const order of ["adder first", "deleter first"] as const) {
            const stateFile = join(scratch(t), "state.json");
            const adder = Store.open(seed, stateFile);
            const deleter = Store.open(seed, stateFile);
            adder.addCasCertificate(adder.accounts[0]!, entry("added", "7001"));
            deleter.deleteCasCertificate(deleter.accounts[0]!, "500");
            const [first, second] = order === "adder first" ? [adder, deleter] : [deleter, adder];
            first.save();
            second.save(); // neither re-read the file before its change
            const { names } = summary(readStateFile(stateFile)!);
            assert.deepEqual(names, { "seed-1": "501", added: "7001" }, order);
            // The second writer serves the merged list at once (its write re-read the file); the first after a refresh.
            first.refresh();
            for (const store of [second, first]) assert.deepEqual(store.accounts[0]!.casCertificates.map((c) => c.certId).sort(), ["501", "7001"], order);
        }
    });

    test("an entry changed here (a ForceSet overwrite) replaces the file's version by id; the other's add survives", async (t) => {
        const seed = await seedWithEntries(1);
        const renewed = await issueCertificate({ dnsNames: ["*.cdn.test"] });
        const stateFile = join(scratch(t), "state.json");
        const a = Store.open(seed, stateFile);
        const b = Store.open(seed, stateFile);
        const old = a.accounts[0]!.casCertificates[0]!;
        b.addCasCertificate(b.accounts[0]!, entry("from-b", "7002"));
        b.save();
        a.replaceCasCertificate(a.accounts[0]!, { ...old, pem: renewed.chainPem });
        a.save();
        const entries = readStateFile(stateFile)!.accounts[0]!.casCertificates;
        assert.deepEqual(entries.map((c) => c.certId).sort(), ["500", "7002"]);
        assert.equal(entries.find((c) => c.certId === "500")!.pem, renewed.chainPem);
    });

    test("a deletion not yet written survives a refresh that brings another writer's change", async (t) => {
        const seed = await seedWithEntries(2);
        const stateFile = join(scratch(t), "state.json");
        const a = Store.open(seed, stateFile);
        const b = Store.open(seed, stateFile);
        b.deleteCasCertificate(b.accounts[0]!, "501");
        a.addCasCertificate(a.accounts[0]!, entry("from-a", "7003"));
        a.save();
        b.refresh(); // reads a's write, which still has 501
        assert.deepEqual(b.accounts[0]!.casCertificates.map((c) => c.certId).sort(), ["500", "7003"]);
        b.save();
        assert.deepEqual(Object.values(summary(readStateFile(stateFile)!).names).sort(), ["500", "7003"]);
    });
});

describe("two writer processes on one file", () => {
    test("every change of both is in the file after, and a reader parsing it all along never saw half of one", async (t) => {
        const dir = scratch(t);
        const stateFile = join(dir, "state.json");
        const seedFile = writeSeed(dir, seedFor(["a", "b"]));
        const count = 300;
        const writers = ["a", "b"].map((prefix) => startWriter(["writer", stateFile, seedFile, prefix, String(count)]));
        for (const w of writers) assert.equal(await nextLine(w.lines), "ready");
        for (const w of writers) w.child.stdin!.end("go\n");
        // The reader: this process, reading and parsing the file on every turn of its event loop until both end.
        let reads = 0;
        const versions = new Set<number>();
        let ended = false;
        const reader = (async () => {
            while (!ended) {
                let text: string;
                try {
                    text = readFileSync(stateFile, "utf8");
                } catch (error) {
                    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
                        await new Promise((resolve) => setImmediate(resolve));
                        continue; // not written yet
                    }
                    throw error;
                }
                const state = JSON.parse(text) as CloudState; // throws on a partial file
                assert.equal(state.formatVersion, 2);
                assert.equal(state.accounts.length, 1);
                versions.add(state.accounts[0]!.casCertificates.length);
                reads++;
                await new Promise((resolve) => setImmediate(resolve));
            }
        })();
        const spans: number[][] = [];
        for (const w of writers) {
            const start = Number((await nextLine(w.lines)).replace("start ", ""));
            spans.push([start]);
        }
        for (const [i, w] of writers.entries()) {
            spans[i]!.push(Number((await nextLine(w.lines)).replace("done ", "")));
            assert.equal(await w.exited, 0);
        }
        ended = true;
        await reader;
        // The two wrote at the same time, or this test proves nothing.
        const [[aStart, aEnd], [bStart, bEnd]] = spans as [[number, number], [number, number]];
        assert.ok(aStart < bEnd && bStart < aEnd, `the writers did not overlap: a ${aStart}..${aEnd}, b ${bStart}..${bEnd}`);

        const { names, certNames } = summary(readStateFile(stateFile)!);
        for (const prefix of ["a", "b"]) {
            for (let i = 0; i < count; i++) assert.equal(names[`${prefix}-${i}`], String(prefix.charCodeAt(0) * 1_000_000 + i), `${prefix}-${i} lost`);
            // Each domain shows its writer's last change to it.
            for (let d = 0; d < 10; d++) assert.equal(certNames[`${prefix}-d${d}.cdn.test`], `${prefix}-${count - 10 + d}`);
        }
        assert.ok(reads > 0, "the reader read");
        t.diagnostic(`${reads} reads of the file while ${2 * count} saves interleaved (${versions.size} versions of it seen), all whole`);
        assert.deepEqual(readdirSync(dir).sort(), ["seed.json", "state.json"], "no lock or temporary file left behind");
    });
});

describe("two writer processes on one file, one adding entries while the other deletes", () => {
    test("every entry the one added is in the file, and every one the other deleted is gone", async (t) => {
        const dir = scratch(t);
        const stateFile = join(dir, "state.json");
        const count = 150;
        const leaf = await issueCertificate({ dnsNames: ["*.cdn.test"] });
        const base = seedFor(["a", "b"]);
        // The deleter's targets: entries b-0 ... b-<count-1>, seeded.
        const casCertificates = Array.from({ length: count }, (_, i) => ({ certId: String(900_000 + i), certName: `b-${i}`, certificate: leaf.chainPem }));
        const seedFile = writeSeed(dir, { accounts: [{ ...base.accounts[0]!, casCertificates }] });
        const writers = [startWriter(["writer", stateFile, seedFile, "a", String(count)]), startWriter(["deleter", stateFile, seedFile, "b", String(count)])];
        for (const w of writers) assert.equal(await nextLine(w.lines), "ready");
        for (const w of writers) w.child.stdin!.end("go\n");
        const spans: number[][] = [];
        for (const w of writers) spans.push([Number((await nextLine(w.lines)).replace("start ", ""))]);
        for (const [i, w] of writers.entries()) {
            spans[i]!.push(Number((await nextLine(w.lines)).replace("done ", "")));
            assert.equal(await w.exited, 0);
        }
        const [[aStart, aEnd], [bStart, bEnd]] = spans as [[number, number], [number, number]];
        assert.ok(aStart < bEnd && bStart < aEnd, `the writers did not overlap: a ${aStart}..${aEnd}, b ${bStart}..${bEnd}`);
        const { names } = summary(readStateFile(stateFile)!);
        assert.deepEqual(
            Object.keys(names).sort(),
            Array.from({ length: count }, (_, i) => `a-${i}`).sort(),
            "exactly the added entries: none of the adds lost, none of the deletions undone",
        );
    });
});

describe("a writer killed inside a save", () => {
    for (const point of ["mid-write", "before-rename", "before-unlock"] as const) {
        test(`killed ${point}: the file is the whole cloud before or after, and the next writer is not held up`, async (t) => {
            const dir = scratch(t);
            const stateFile = join(dir, "state.json");
            const seed = seedFor(["a"]);
            const seedFile = writeSeed(dir, seed);
            Store.open(seed, stateFile);
            const before = readFileSync(stateFile, "utf8");

            const w = startWriter(["stall", stateFile, seedFile, point]);
            assert.equal(await nextLine(w.lines), `at ${point}`);
            w.child.kill("SIGKILL");
            await w.exited;

            const left = readdirSync(dir);
            assert.ok(left.includes("state.json.lock"), `the kill left the lock behind: ${left}`);
            const after = readStateFile(stateFile)!; // parses: never half a file
            const changed = summary(after).certNames["a-d1.cdn.test"];
            assert.equal(changed, point === "before-unlock" ? "a-1" : undefined);
            if (point !== "before-unlock") assert.equal(readFileSync(stateFile, "utf8"), before);

            // The dead writer's lock is broken at once (its process is gone), and what it left is removed.
            const started = Date.now();
            const next = Store.open(seed, stateFile);
            change(next, "a-d2.cdn.test", "next-writer");
            next.save();
            assert.ok(Date.now() - started < 2000, `the next writer waited ${Date.now() - started} ms`);
            assert.equal(summary(readStateFile(stateFile)!).certNames["a-d2.cdn.test"], "next-writer");
            assert.deepEqual(readdirSync(dir).sort(), ["seed.json", "state.json"]);
        });
    }

    test("killed at random moments while writing a large file: it parses after every kill", async (t) => {
        const dir = scratch(t);
        const stateFile = join(dir, "state.json");
        const seed = seedFor(["a"]);
        const seedFile = writeSeed(dir, seed);
        // About 1 MB, so that a write takes a while and a kill lands inside one.
        const big = Store.open(seed, stateFile);
        const filler = `-----BEGIN CERTIFICATE-----\n${"A".repeat(100_000)}\n-----END CERTIFICATE-----\n`;
        for (let d = 0; d < 10; d++) {
            big.stage(big.findDomain(big.accounts[0]!, `a-d${d}.cdn.test`)!, { status: "on", certName: "big", pem: filler }, Date.now(), { configuringMs: 0 });
        }
        big.save();
        let leftLock = 0;
        const kills = 4;
        for (let k = 0; k < kills; k++) {
            const w = startWriter(["forever", stateFile, seedFile, "a"]);
            assert.equal(await nextLine(w.lines), "writing");
            await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 150));
            w.child.kill("SIGKILL");
            await w.exited;
            if (readdirSync(dir).includes("state.json.lock")) leftLock++;
            const state = readStateFile(stateFile)!;
            assert.equal(Object.keys(state.accounts[0]!.domains).length, 10);
        }
        const next = Store.open(seed, stateFile);
        change(next, "a-d0.cdn.test", "after-kills");
        next.save();
        assert.equal(summary(readStateFile(stateFile)!).certNames["a-d0.cdn.test"], "after-kills");
        assert.deepEqual(readdirSync(dir).sort(), ["seed.json", "state.json"]);
        t.diagnostic(`${leftLock} of ${kills} kills landed inside a save (the lock was left behind)`);
    });
});

describe("the state file's lock", () => {
    test("a draft left by a writer that died before it held the lock is removed by the next holder", async (t) => {
        const dir = scratch(t);
        const lock = join(dir, "state.json.lock");
        // A pid that is certainly gone: a child that has exited.
        const dead = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
        const pid = dead.pid!;
        await new Promise((resolve) => dead.once("exit", resolve));
        const draft = join(dir, `state.json.${pid}.0.0123456789abcdef.owner`);
        writeFileSync(draft, JSON.stringify({ pid, threadId: 0, host: hostname(), token: "0123456789abcdef" }));
        // A live writer's draft (this process, another thread id) is not touched.
        const live = join(dir, `state.json.${process.pid}.7.fedcba9876543210.owner`);
        writeFileSync(live, JSON.stringify({ pid: process.pid, threadId: 7, host: hostname(), token: "fedcba9876543210" }));
        withFileLock(lock, () => undefined);
        assert.deepEqual(readdirSync(dir).sort(), [`state.json.${process.pid}.7.fedcba9876543210.owner`]);
    });

    test("a live holder is waited for, and a waiter gives up after its timeout naming the holder", async (t) => {
        const dir = scratch(t);
        const lock = join(dir, "state.json.lock");
        // A holder that is alive and never lets go: a child process whose pid is in the lock.
        const holder = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
        t.after(() => {
            holder.kill("SIGKILL");
        });
        writeFileSync(lock, JSON.stringify({ pid: holder.pid, threadId: 0, host: hostname(), token: "held" }));
        const started = Date.now();
        assert.throws(
            () => withFileLock(lock, () => "never", { timeoutMs: 300 }),
            (error: unknown) => {
                assert.ok(error instanceof LockTimeoutError);
                assert.match(error.message, new RegExp(`pid ${holder.pid}`));
                return true;
            },
        );
        assert.ok(Date.now() - started >= 300);
        assert.equal(JSON.parse(readFileSync(lock, "utf8")).token, "held", "a live holder's lock is never broken");
        // Once the holder is gone, its lock is broken at once.
        holder.kill("SIGKILL");
        await new Promise((resolve) => holder.once("exit", resolve));
        assert.equal(
            withFileLock(lock, () => "ran", { timeoutMs: 300 }),
            "ran",
        );
        assert.deepEqual(readdirSync(dir), []);
    });

    test("a lock older than staleAfterMs is broken whoever holds it (another host, a reused pid)", (t) => {
        const dir = scratch(t);
        const lock = join(dir, "state.json.lock");
        writeFileSync(lock, JSON.stringify({ pid: 1, threadId: 0, host: "another-host", token: "old" }));
        assert.throws(() => withFileLock(lock, () => "never", { timeoutMs: 100, staleAfterMs: 60_000 }), LockTimeoutError);
        assert.equal(
            withFileLock(lock, () => "ran", { timeoutMs: 1000, staleAfterMs: 50 }),
            "ran",
        );
    });

    test("a holder whose lock was broken as stale does not remove its successor's lock", (t) => {
        const dir = scratch(t);
        const lock = join(dir, "state.json.lock");
        const successor = JSON.stringify({ pid: 1, threadId: 0, host: "another-host", token: "successor" });
        withFileLock(lock, () => {
            // Meanwhile someone judged our lock stale and took it.
            rmSync(lock);
            writeFileSync(lock, successor);
        });
        assert.equal(readFileSync(lock, "utf8"), successor);
    });
});
