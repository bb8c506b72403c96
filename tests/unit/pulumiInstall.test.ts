// scripts/pulumi-install.sh choosing the engine: a user's own `pulumi` on PATH is taken when its version is within
// the supported range (package.json's peerDependencies) and its language host sits beside it; anything else is
// refused with a line saying why. Fake CLIs (shell scripts that print a version) stand in for real installs, each
// run gets its own empty cache, and --no-build keeps a refusal from starting a Go build. The last test runs the
// real engine through the directory the script assembles, when one is installed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { locatePulumiCli, SUPPORTED_ENGINES } from "../../harness/pulumiCli";
import { PulumiProject } from "../../harness/project";
import { REPO_INSTALL, REPO_ROOT } from "../../harness/repository";

const SCRIPT = path.join(REPO_ROOT, "scripts", "pulumi-install.sh");
const LAUNCHER = path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "pulumi-resource-pulumi-nodejs");
const OLDEST = SUPPORTED_ENGINES.low;

const roots: string[] = [];
after(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

interface Sandbox {
    root: string;
    bin: string;
    cache: string;
}

function sandbox(): Sandbox {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pac-install-test-"));
    roots.push(root);
    const bin = path.join(root, "bin");
    const cache = path.join(root, "cache");
    fs.mkdirSync(bin);
    fs.mkdirSync(cache);
    return { root, bin, cache };
}

function executable(file: string, body: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

/** A fake CLI whose `pulumi version` prints `version`, with whichever of its two companions are asked for. */
function fakeInstall(dir: string, version: string, beside: { host?: boolean; launcher?: boolean } = {}): string {
    executable(path.join(dir, "pulumi"), `[ "$1" = version ] && echo ${version}`);
    if (beside.host ?? true) executable(path.join(dir, "pulumi-language-nodejs"), "exit 0");
    if (beside.launcher ?? true) executable(path.join(dir, "pulumi-resource-pulumi-nodejs"), "exit 0");
    return path.join(dir, "pulumi");
}

interface Outcome {
    code: number | null;
    /** The last line of stdout: the engine directory. */
    dir: string;
    log: string;
}

/** Runs the script with `front` first on PATH, then node and the system's tools (never a Go toolchain or a real pulumi). */
function install(box: Sandbox, args: string[] = ["--no-build"], front = box.bin): Outcome {
    const env: NodeJS.ProcessEnv = {
        HOME: box.root,
        PATH: [front, path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter),
        PULUMI_ALICLOUD_CERTS_CACHE: box.cache,
    };
    const res = spawnSync("bash", [SCRIPT, ...args], { cwd: REPO_ROOT, env, encoding: "utf8", timeout: 60_000 });
    const lines = (res.stdout ?? "").trim().split("\n");
    return { code: res.status, dir: lines[lines.length - 1] ?? "", log: res.stderr ?? "" };
}

describe("pulumi-install.sh and the user's own pulumi", () => {
    test(`a pulumi v3.276.0 on PATH with its host and launcher beside it is used as it is (supported: ${SUPPORTED_ENGINES.text})`, () => {
        const box = sandbox();
        fakeInstall(box.bin, "v3.276.0");
        const out = install(box);
        assert.equal(out.code, 0, out.log);
        assert.equal(out.dir, fs.realpathSync(box.bin));
        assert.match(out.log, /using the pulumi v3\.276\.0 installed in /);
    });

    test(`the oldest supported, v${OLDEST}, is used too`, () => {
        const box = sandbox();
        fakeInstall(box.bin, `v${OLDEST}`);
        const out = install(box);
        assert.equal(out.code, 0, out.log);
        assert.equal(out.dir, fs.realpathSync(box.bin));
    });

    test("a pulumi v3.100.0 is refused with a line saying why, and no build is started under --no-build", () => {
        const box = sandbox();
        const pulumi = fakeInstall(box.bin, "v3.100.0");
        const out = install(box);
        assert.notEqual(out.code, 0);
        assert.ok(out.log.includes(`not using ${pulumi}: it is v3.100.0, older than v${OLDEST}, the oldest this package supports`), out.log);
        assert.match(out.log, /no engine found .* --no-build/);
        assert.doesNotMatch(out.log, /building pulumi/);
    });

    test("a prerelease of the oldest version is older than it; a v4 and a garbled version are refused", () => {
        for (const [version, reason] of [
            [`v${OLDEST}-alpha.1`, "older than"],
            ["v4.0.0", "outside the versions this package supports"],
            ["warning: something", "not a version"],
        ] as const) {
            const box = sandbox();
            fakeInstall(box.bin, version);
            const out = install(box);
            assert.notEqual(out.code, 0, version);
            assert.ok(out.log.includes(reason), `${version}: ${out.log}`);
        }
    });

    test("a newer dev build is taken (its build metadata and prerelease tag do not hide the version)", () => {
        const box = sandbox();
        fakeInstall(box.bin, "v3.280.1-dev.0+g1234abc");
        const out = install(box);
        assert.equal(out.code, 0, out.log);
        assert.equal(out.dir, fs.realpathSync(box.bin));
    });

    test("a supported pulumi without pulumi-language-nodejs beside it is refused, naming where it looked", () => {
        const box = sandbox();
        fakeInstall(box.bin, "v3.276.0", { host: false });
        const out = install(box);
        assert.notEqual(out.code, 0);
        assert.match(out.log, /no pulumi-language-nodejs beside it \(looked in /);
    });

    test("--version asks for exactly that version: another supported one on PATH is refused", () => {
        const box = sandbox();
        fakeInstall(box.bin, "v3.277.0");
        const refused = install(box, ["--version", "3.276.0", "--no-build"]);
        assert.notEqual(refused.code, 0);
        assert.match(refused.log, /it is v3\.277\.0 and v3\.276\.0 was asked for/);
        fakeInstall(box.bin, "v3.276.0");
        const taken = install(box, ["--version", "3.276.0", "--no-build"]);
        assert.equal(taken.code, 0, taken.log);
        assert.equal(taken.dir, fs.realpathSync(box.bin));
    });

    test("a pulumi linked into bin/ from a directory holding the real files (Homebrew's layout) is found there", () => {
        const box = sandbox();
        const cellar = path.join(box.root, "Cellar", "pulumi", "3.276.0", "bin");
        fakeInstall(cellar, "v3.276.0");
        fs.symlinkSync(path.join(cellar, "pulumi"), path.join(box.bin, "pulumi"));
        const out = install(box);
        assert.equal(out.code, 0, out.log);
        assert.equal(out.dir, fs.realpathSync(cellar));
    });

    test("without the launcher beside it, a cache directory links the user's pulumi and host with the launcher from node_modules", () => {
        const box = sandbox();
        const pulumi = fakeInstall(box.bin, "v3.276.0", { launcher: false });
        const out = install(box);
        assert.equal(out.code, 0, out.log);
        assert.ok(out.dir.startsWith(box.cache + path.sep), `${out.dir} is in the cache`);
        // A hard link (same file, not a symlink): the engine looks for bundled plugins beside its resolved executable.
        assert.ok(!fs.lstatSync(path.join(out.dir, "pulumi")).isSymbolicLink());
        assert.equal(fs.statSync(path.join(out.dir, "pulumi")).ino, fs.statSync(pulumi).ino);
        assert.equal(fs.realpathSync(path.join(out.dir, "pulumi-language-nodejs")), fs.realpathSync(path.join(box.bin, "pulumi-language-nodejs")));
        assert.equal(fs.readFileSync(path.join(out.dir, "pulumi-resource-pulumi-nodejs"), "utf8"), fs.readFileSync(LAUNCHER, "utf8"));
        assert.match(out.log, /pulumi-resource-pulumi-nodejs is not beside it, so .* links the CLI and its host with the launcher from /);

        // Run again after an upgrade of the user's CLI: the directory follows it.
        fs.rmSync(pulumi);
        fakeInstall(box.bin, "v3.277.0", { launcher: false });
        const again = install(box);
        assert.equal(again.code, 0, again.log);
        assert.equal(again.dir, out.dir);
        assert.equal(fs.statSync(path.join(again.dir, "pulumi")).ino, fs.statSync(pulumi).ino);
    });

    test("the real engine runs a dynamic resource from that directory, without warning about where the launcher came from", { timeout: 180_000 }, async (t) => {
        const engine = locatePulumiCli().dir;
        if (!engine) {
            t.skip("no Pulumi engine installed (npm run pulumi:install)");
            return;
        }
        const box = sandbox();
        // The user's install: the CLI and the host, and no launcher.
        for (const file of ["pulumi", "pulumi-language-nodejs"]) {
            const from = fs.realpathSync(path.join(engine, file));
            try {
                fs.linkSync(from, path.join(box.bin, file));
            } catch {
                fs.copyFileSync(from, path.join(box.bin, file));
                fs.chmodSync(path.join(box.bin, file), 0o755);
            }
        }
        const out = install(box);
        assert.equal(out.code, 0, out.log);
        assert.notEqual(out.dir, fs.realpathSync(box.bin));
        const project = await PulumiProject.create({
            cliDir: out.dir,
            installDir: REPO_INSTALL,
            name: "user-cli",
            program: `
import * as pulumi from "@pulumi/pulumi";
const provider: pulumi.dynamic.ResourceProvider = { async create() { return { id: "one", outs: {} }; } };
new pulumi.dynamic.Resource(provider, "probe", {});
`,
        });
        try {
            const res = await project.up();
            assert.match(res.stdout, /\+ 2 created/);
            assert.doesNotMatch(res.stdout + res.stderr, /warning: using pulumi-resource-pulumi-nodejs/);
        } finally {
            await project.cleanup({ destroy: true });
        }
    });
});
