// The package's couplings to @pulumi/pulumi internals, each asserted against the SDK itself (not through the
// package's own behaviour, which other tests cover), so that a release that changes one fails here with a message
// naming the coupling, the SDK versions it was verified with, and what the package would do wrong:
//   1. runtime/closure/package `getModuleFromPath`: provider/resources/serializedProvider.ts asks it how the
//      serializer will name a stub module, and writes the stub as `require("<export>")` only when the answer is
//      the package's export;
//   2. Error.stackTraceLimit / Error.prepareStackTrace around registration (provider/resources/registration.ts):
//      the SDK's per-promise stacks obey the program's limit, while its source-position capture raises the limit
//      itself, formats through Error.prepareStackTrace, and skips a fixed number of frames above its constructor;
//   3. the dynamic-provider host (provider/engine/engineLog.ts): the launcher passes the engine's address
//      through to cmd/dynamic-provider, whose process.argv the provider reads it from, and the SDK's generated
//      Engine client, over the @grpc/grpc-js it depends on, sends a Log request there.
// Row (a) of the CI matrix runs this file with the oldest supported SDK, row (b) with the newest (scripts/e2e-newest.sh).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { REPO_ROOT } from "../../harness/repository";
import { SUPPORTED_ENGINES } from "../../harness/pulumiCli";
import { RESOURCE_KINDS } from "../../provider/resourceKinds";

/**
 * The SDK versions these couplings were verified with: the two ends of the CI matrix. Moving either end (the peer
 * range's lower bound, tools/pulumi-cli/newest/go.mod) fails the first test until this list is updated, i.e.
 * until someone has seen these tests pass there.
 */
const VERIFIED = ["3.248.0", "3.276.0"] as const;

const SDK_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const INSTALLED: string = require("@pulumi/pulumi/package.json").version;

/** The assertion message: which coupling, the versions it holds for, this run's version, and what breaks. */
function coupling(what: string, consequence: string): string {
    return `${what}: holds for @pulumi/pulumi ${VERIFIED.join(" and ")} (the versions verified), not for ${INSTALLED}, this run's SDK. ${consequence}`;
}

const roots: string[] = [];
after(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    roots.push(dir);
    return dir;
}

test("the versions named are the two ends of the CI matrix", () => {
    const pins = fs.readFileSync(path.join(REPO_ROOT, "tools", "pulumi-cli", "newest", "go.mod"), "utf8");
    const newest = /^\s*github\.com\/pulumi\/pulumi\/sdk\/v3 v(\S+)/m.exec(pins)?.[1];
    assert.deepEqual(
        [...VERIFIED],
        [SUPPORTED_ENGINES.low, newest],
        "VERIFIED must name the oldest supported @pulumi/pulumi (package.json's peerDependencies) and the newest row's " +
            "(tools/pulumi-cli/newest/go.mod): update it once this file passes on both",
    );
});

describe("1. runtime/closure/package getModuleFromPath (provider/resources/serializedProvider.ts)", () => {
    const what = "@pulumi/pulumi/runtime/closure/package getModuleFromPath";

    test("exists where serializedProvider.ts requires it", () => {
        let fn: unknown;
        try {
            fn = require("@pulumi/pulumi/runtime/closure/package").getModuleFromPath;
        } catch (error) {
            assert.fail(coupling(what, `The module no longer loads (${error}): every stub would be serialized in full, about 2 KB per resource.`));
        }
        assert.equal(typeof fn, "function", coupling(what, "It is no longer exported: every stub would be serialized in full."));
    });

    test("names a module under node_modules by the package's export, and the serializer writes exactly that require", () => {
        // A package with this package's exports map under another name (so no copy of the real package anywhere on
        // the SDK's resolution path can answer instead), found through NODE_PATH as the SDK resolves it, in a child
        // process whose working directory is the "program".
        const project = tempDir("pac-coupling-closure-");
        const name = "pac-closure-probe";
        const pkgDir = path.join(project, "node_modules", name);
        const exportsMap = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).exports as Record<string, unknown>;
        const stubs = Object.entries(exportsMap)
            .filter(([subpath]) => subpath.startsWith("./dynamic-provider/"))
            .map(([subpath, target]) => ({ subpath: subpath.slice(2), file: String((target as { default: string }).default).slice(2) }));
        assert.equal(stubs.length, RESOURCE_KINDS.length, "the package exports a stub module per resource kind");
        // Every target exists (the SDK finds the package's root by resolving its name, i.e. the "." export).
        for (const target of Object.values(exportsMap)) {
            const file = typeof target === "string" ? target : (target as { default: string }).default;
            fs.mkdirSync(path.dirname(path.join(pkgDir, file)), { recursive: true });
            fs.writeFileSync(path.join(pkgDir, file), `module.exports = { create() { return ${JSON.stringify(file)}; } };\n`);
        }
        fs.writeFileSync(path.join(pkgDir, "package.json"), JSON.stringify({ name, version: "1.0.0", exports: exportsMap }));
        const probe = `
const [sdkDir, name, stubs] = [process.argv[1], process.argv[2], JSON.parse(process.argv[3])];
const { getModuleFromPath } = require(sdkDir + "/runtime/closure/package");
const pulumi = require(sdkDir);
(async () => {
  const out = [];
  for (const stub of stubs) {
    const mod = require(name + "/" + stub.subpath);
    const serialized = await pulumi.runtime.serializeFunction(() => mod, { allowSecrets: true });
    out.push({ subpath: stub.subpath, named: getModuleFromPath(name + "/" + stub.file), text: serialized.text });
  }
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;
        const res = spawnSync(process.execPath, ["-e", probe, SDK_DIR, name, JSON.stringify(stubs)], {
            cwd: project,
            env: { ...process.env, NODE_PATH: path.join(project, "node_modules"), NODE_OPTIONS: "" },
            encoding: "utf8",
            timeout: 60_000,
        });
        assert.equal(res.status, 0, `the probe failed:\n${res.stderr}`);
        const results = JSON.parse(res.stdout) as Array<{ subpath: string; named: string; text: string }>;
        for (const { subpath, named, text } of results) {
            assert.equal(
                named,
                `${name}/${subpath}`,
                coupling(what, "It no longer maps a file to its export through the exports map: the stubs would be serialized in full."),
            );
            assert.ok(
                text.includes(`require(${JSON.stringify(`${name}/${subpath}`)})`),
                coupling(
                    "the closure serializer naming a module by getModuleFromPath",
                    `It wrote something else for ${subpath}, so serializedProvider.ts's question no longer predicts it:\n${text}`,
                ),
            );
        }
    });
});

describe("2. stack settings around registration (provider/resources/registration.ts)", () => {
    // A dynamic resource one class deep, as the package's are (theirs are three deep, all in one directory).
    const provider: pulumi.dynamic.ResourceProvider = { create: async () => ({ id: "probe", outs: {} }) };
    class CouplingProbe extends pulumi.dynamic.Resource {
        constructor(name: string) {
            super(provider, name, { a: 1, b: 2, c: 3 }, undefined);
        }
    }
    type Position = { uri: string; line: number; column: number };
    type Frame = { fn: string | null; file: string | null | undefined; line: number | null; column: number | null };
    const positions = new Map<string, Position | undefined>();
    let registered: (name: string) => Promise<Position | undefined>;

    before(() => {
        pulumi.runtime.setMocks({ newResource: (args) => ({ id: args.name, state: args.inputs }), call: () => ({}) }, "project", "stack", false);
        // What the engine receives: the RegisterResource request's source position, read at the monitor.
        const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: any, cb: unknown): unknown };
        const waiting = new Map<string, (p: Position | undefined) => void>();
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, cb: unknown) => {
            const pos = req.getSourceposition?.();
            const position = pos ? { uri: pos.getUri(), line: pos.getLine(), column: pos.getColumn() } : undefined;
            positions.set(req.getName(), position);
            waiting.get(req.getName())?.(position);
            return register(req, cb);
        };
        registered = (name) => (positions.has(name) ? Promise.resolve(positions.get(name)) : new Promise((resolve) => waiting.set(name, resolve)));
    });

    /**
     * Constructs a probe with the given settings in force (restored after), as quietRegistration does. Returns how
     * many frames each stack formatted meanwhile had, and the frames of the one that had any (the SDK's capture of the
     * source position), as V8 handed them to the formatter: positions in the code that runs, as the SDK records them.
     */
    function construct(name: string, limit: number, format: typeof Error.prepareStackTrace | undefined): { formatted: number[]; frames: Frame[] } {
        const saved = { limit: Error.stackTraceLimit, format: Error.prepareStackTrace };
        const formatted: number[] = [];
        let seen: Frame[] = [];
        Error.stackTraceLimit = limit;
        Error.prepareStackTrace = (error, frames) => {
            formatted.push(frames.length);
            if (frames.length > 0) {
                seen = frames.map((f) => ({ fn: f.getFunctionName(), file: f.getFileName(), line: f.getLineNumber(), column: f.getColumnNumber() }));
            }
            return (format ?? v8Format)(error, frames);
        };
        try {
            new CouplingProbe(name);
        } finally {
            Error.stackTraceLimit = saved.limit;
            Error.prepareStackTrace = saved.format;
        }
        return { formatted, frames: seen };
    }

    const at = (frame: Frame | undefined) => frame && { line: frame.line, column: frame.column };

    // As registration.ts leaves out the frames of the package's resource classes (here: by name, not directory).
    const withoutProbeFrames: typeof Error.prepareStackTrace = (error, frames) =>
        v8Format(
            error,
            frames.filter((frame) => frame.getFunctionName() !== "CouplingProbe"),
        );

    test("with Error.stackTraceLimit 0 the source position is still taken, and it is the only stack with frames", async () => {
        const { formatted } = construct("limit-zero", 0, undefined);
        const position = await registered("limit-zero");
        assert.match(
            position?.uri ?? "",
            /sdkCouplings\.test\.ts$/,
            coupling(
                "Resource's source position raising Error.stackTraceLimit itself",
                "With the limit at 0 during registration, resources would lose their source position.",
            ),
        );
        assert.equal(
            formatted.filter((n) => n > 0).length,
            1,
            coupling(
                "the SDK's per-promise stacks (runtime/debuggable) following Error.stackTraceLimit",
                `${formatted.filter((n) => n > 0).length} stacks with frames were formatted for one resource: zeroing the limit no longer saves their cost (3.1 s of 8.8 s of CPU in a preview of 500).`,
            ),
        );
    });

    test("the source position is formatted through Error.prepareStackTrace, from the first frame above dynamic.Resource's subclass", async () => {
        const plain = construct("plain", 10, undefined);
        const filtered = construct("filtered", 10, withoutProbeFrames);
        const [plainAt, filteredAt] = [await registered("plain"), await registered("filtered")];
        const probeFrame = plain.frames.findIndex((f) => f.fn === "CouplingProbe");
        assert.ok(probeFrame > 0, `the probe's constructor is on the stack: ${JSON.stringify(plain.frames)}`);
        // Without the filter: the subclass's own constructor (its super() call), the frame registration.ts drops.
        assert.deepEqual(
            { line: plainAt?.line, column: plainAt?.column },
            at(plain.frames[probeFrame]),
            coupling(
                "Resource.stackTrace's skip count (the frames above Resource's constructor it leaves out)",
                "The position of a dynamic.Resource subclass is not its super() call: with the package's frames left out it would be some other line than the user's.",
            ),
        );
        // With it: the frame that called the subclass's constructor (here construct(); in a program, the user's line).
        const lastProbeFrame = filtered.frames.map((f) => f.fn).lastIndexOf("CouplingProbe");
        const caller = filtered.frames[lastProbeFrame + 1];
        assert.deepEqual(
            { line: filteredAt?.line, column: filteredAt?.column },
            at(caller),
            coupling(
                "Resource's source position formatted through Error.prepareStackTrace",
                "With the package's frames left out, the position must be the declaring line: every resource would point into the package instead of the user's program.",
            ),
        );
    });
});

describe("3. the dynamic-provider host's arguments and the engine's Log RPC (provider/engine/engineLog.ts)", () => {
    test("started as the engine starts it, the provider finds the engine's address in process.argv and its Log request arrives", {
        timeout: 120_000,
    }, async (t) => {
        const grpc = require(require.resolve("@grpc/grpc-js", { paths: [SDK_DIR] })) as typeof import("@grpc/grpc-js");
        const engineServices = require("@pulumi/pulumi/proto/engine_grpc_pb") as { EngineService: import("@grpc/grpc-js").ServiceDefinition };
        const providerServices = require("@pulumi/pulumi/proto/provider_grpc_pb") as {
            ResourceProviderClient: new (address: string, credentials: unknown) => any;
        };
        const providerProto = require("@pulumi/pulumi/proto/provider_pb") as { ConfigureRequest: new () => any; CreateRequest: new () => any };
        const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as { Struct: { fromJavaScript(v: unknown): unknown } };
        const { Empty } = require("google-protobuf/google/protobuf/empty_pb") as { Empty: new () => unknown };

        // The engine: only Log is needed.
        const logs: Array<{ message: string; urn: string; ephemeral: boolean }> = [];
        const engine = new grpc.Server();
        engine.addService(engineServices.EngineService, {
            log(call: { request: { getMessage(): string; getUrn(): string; getEphemeral(): boolean } }, callback: (e: null, r: unknown) => void) {
                logs.push({ message: call.request.getMessage(), urn: call.request.getUrn(), ephemeral: call.request.getEphemeral() });
                callback(null, new Empty());
            },
        } as never);
        const enginePort = await new Promise<number>((resolve, reject) =>
            engine.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
        );
        t.after(() => engine.forceShutdown());
        const engineAddress = `127.0.0.1:${enginePort}`;

        // The launcher shipped in the SDK, with the engine's address as its only argument, from the program's
        // directory (it resolves the SDK from there). tsx lets the provider load engineLog.ts itself.
        const launcher = path.join(SDK_DIR, "pulumi-resource-pulumi-nodejs");
        const host = spawn(launcher, [engineAddress], {
            cwd: REPO_ROOT,
            env: { ...process.env, NODE_OPTIONS: "--import=tsx" },
            stdio: ["ignore", "pipe", "pipe"],
            detached: true, // its own process group: the launcher is a shell that does not exec node
        });
        t.after(() => {
            try {
                process.kill(-host.pid!, "SIGKILL");
            } catch {
                // already gone
            }
        });
        let stderr = "";
        host.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        const hostPort = await new Promise<string>((resolve, reject) => {
            let out = "";
            host.stdout!.setEncoding("utf8").on("data", (d: string) => {
                out += d;
                const line = /^(\d+)\s*$/m.exec(out);
                if (line) resolve(line[1]!);
            });
            host.on("exit", (code) => reject(new Error(`the dynamic-provider host exited with ${code}:\n${stderr}`)));
        });

        const progressModule = path.join(REPO_ROOT, "provider", "engine", "engineLog.ts");
        const serialized = `exports.handler = () => ({
  async create(inputs) {
    const progress = require(${JSON.stringify(progressModule)});
    const address = progress.engineAddressFromArgv();
    const sink = progress.engineSink(address, inputs.urn);
    sink.report("coupling probe");
    await sink.close();
    return { id: "probe", outs: { address: address || "", argv: process.argv.slice(2) } };
  },
});`;
        const urn = "urn:pulumi:dev::coupling::pulumi-nodejs:dynamic/alicloud-certs:DomainCertificateGroup::probe";
        const client = new providerServices.ResourceProviderClient(`127.0.0.1:${hostPort}`, grpc.credentials.createInsecure());
        t.after(() => client.close());
        const call = <T>(method: string, request: unknown): Promise<T> =>
            new Promise((resolve, reject) => client[method](request, (e: unknown, r: T) => (e ? reject(e) : resolve(r))));

        const configure = new providerProto.ConfigureRequest();
        configure.setArgs(Struct.fromJavaScript({}));
        await call("configure", configure);
        const create = new providerProto.CreateRequest();
        create.setUrn(urn);
        create.setProperties(Struct.fromJavaScript({ __provider: serialized, urn }));
        const created = await call<any>("create", create).catch((error) => assert.fail(`create failed: ${error}\n${stderr}`));
        const outs = created.getProperties().toJavaScript() as { address: string; argv: string[] };

        assert.deepEqual(
            outs.argv,
            [engineAddress],
            coupling(
                "the launcher and cmd/dynamic-provider passing the engine's arguments through",
                `The provider's process.argv ends ${JSON.stringify(outs.argv)}.`,
            ),
        );
        assert.equal(
            outs.address,
            engineAddress,
            coupling("engineAddressFromArgv on the dynamic-provider host's arguments", "A group's progress lines would go nowhere."),
        );
        assert.deepEqual(
            logs,
            [{ message: "coupling probe", urn, ephemeral: true }],
            coupling(
                "the SDK's generated Engine client (proto/engine_grpc_pb, engine_pb) over its @grpc/grpc-js",
                "A group's progress lines would not reach the CLI.",
            ),
        );
    });
});

/** V8's own stack format, from the frames' own positions, as registration.ts formats when no formatter is set. */
function v8Format(error: Error, frames: NodeJS.CallSite[]): string {
    return [String(error), ...frames.map((frame) => `    at ${frame}`)].join("\n");
}
