// Smoke test of the engine itself: the Pulumi CLI built from Go modules, this project's language host, and
// the dynamic-provider launcher, driving a tiny dynamic resource through a whole lifecycle. It does not use the
// package's resources, so a failure here is about the toolchain, not the provider.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { e2eSkipReason } from "../support/e2eSkip";
import { preparePackageInstall } from "../../harness/packageInstall";
import { PulumiProject } from "../../harness/project";
import { REPO_INSTALL } from "../../harness/repository";

// A counter provider whose state lives only in the engine: create numbers the resource, update bumps a
// revision, read returns what it is given (so refresh sees no drift), delete has nothing to do.
const program = (label: string) => `
import * as pulumi from "@pulumi/pulumi";

interface CounterInputs { label: string }

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: CounterInputs) {
    return { id: "counter-" + inputs.label, outs: { label: inputs.label, revision: 1 } };
  },
  async diff(_id: string, olds: any, news: CounterInputs) {
    return { changes: olds.label !== news.label };
  },
  async update(_id: string, olds: any, news: CounterInputs) {
    return { outs: { label: news.label, revision: olds.revision + 1 } };
  },
  async read(id: string, props: any) {
    return { id, props };
  },
  async delete() {},
};

class Counter extends pulumi.dynamic.Resource {
  declare readonly label: pulumi.Output<string>;
  declare readonly revision: pulumi.Output<number>;
  constructor(name: string, args: { label: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, revision: undefined }, opts);
  }
}

const config = new pulumi.Config();
const c = new Counter("c", { label: ${JSON.stringify(label)} });
export const id = c.id;
export const revision = c.revision;
export const greeting = config.get("greeting") ?? "none";
export const secretLength = config.getSecret("token")?.apply((t) => t.length);
`;

const skip = e2eSkipReason();

describe("engine", { skip }, () => {
    let project: PulumiProject;
    const timings: string[] = [];

    before(async () => {
        // The repository's own node_modules holds @pulumi/pulumi, typescript and ts-node at the lockfile versions:
        // enough for this program, and independent of whether the package builds.
        project = await PulumiProject.create({ program: program("a"), installDir: REPO_INSTALL, name: "engine-smoke" });
    });

    after(async () => {
        await project?.cleanup({ destroy: true });
        if (project) {
            for (const h of project.history) {
                timings.push(`${h.args.slice(0, 2).join(" ")}: ${h.durationMs} ms`);
            }
            console.log(`[engine] pulumi command timings:\n  ${timings.join("\n  ")}`);
        }
    });

    test("up creates the dynamic resource; config and secrets reach the program", async () => {
        await project.setConfig("greeting", "hello");
        await project.setConfig("token", "s3cret-value", { secret: true });
        const res = await project.up();
        assert.match(res.stdout, /\+ 2 created/);
        const outputs = await project.outputs(true);
        assert.equal(outputs.id, "counter-a");
        assert.equal(outputs.revision, 1);
        assert.equal(outputs.greeting, "hello");
        assert.equal(outputs.secretLength, 12);
    });

    test("an empty up changes nothing", async () => {
        await project.up(["--expect-no-changes"]);
    });

    test("refresh sees no drift", async () => {
        await project.refresh(["--expect-no-changes"]);
    });

    test("preview --diff shows an update, then up applies it", async () => {
        project.writeProgram(program("b"));
        const preview = await project.preview(["--diff"]);
        assert.match(preview.stdout, /~ label\s*: "a" => "b"/);
        await project.up();
        assert.equal((await project.outputs()).revision, 2);
    });

    test("stack export records the dynamic provider and round-trips through import", async () => {
        const state = await project.exportStack();
        const resources: any[] = state.deployment.resources;
        const counter = resources.find((r) => r.type === "pulumi-nodejs:dynamic:Resource");
        assert.ok(counter, "the dynamic resource is in the state");
        assert.equal(counter.id, "counter-a");
        assert.equal(typeof counter.outputs.__provider, "string");
        // The secret config is encrypted in the state, never in plaintext.
        assert.doesNotMatch(JSON.stringify(state), /s3cret-value/);
        await project.importStack(state);
        await project.preview(["--expect-no-changes"]);
    });

    test("a failing program is reported once, and the update fails", async () => {
        project.writeProgram(`${program("b")}\nthrow new Error("boom from the program");\n`);
        const res = await project.preview([], { allowFailure: true });
        assert.notEqual(res.code, 0);
        assert.match(res.stdout + res.stderr, /boom from the program/);
        // Exit code 32 of the runner means "already reported": no second, generic error from the language host.
        assert.doesNotMatch(res.stdout + res.stderr, /Program exited with non-zero exit code/);
        project.writeProgram(program("b"));
    });

    test("destroy removes everything", async () => {
        const res = await project.destroy();
        assert.match(res.stdout, /- 2 deleted/);
        const state = await project.exportStack();
        assert.equal(state.deployment.resources?.length ?? 0, 0);
    });
});

describe("shared package install", { skip }, () => {
    // The programs of the other e2e tests import the PACKAGE BY NAME from a shared install of its npm tarball.
    // This proves the wiring: the program and the dynamic provider (which runs in another process, with the
    // project directory as its working directory) both resolve "pulumi-alicloud-certs" through the symlinked
    // node_modules, and see one copy of @pulumi/pulumi.
    let project: PulumiProject | undefined;

    after(async () => {
        await project?.cleanup({ destroy: true });
    });

    test("a program and its dynamic provider resolve the package by name", { timeout: 15 * 60_000 }, async () => {
        const started = Date.now();
        const installDir = await preparePackageInstall();
        console.log(`[engine] shared install ready in ${Date.now() - started} ms: ${installDir}`);
        project = await PulumiProject.create({
            installDir,
            name: "install-smoke",
            program: `
import * as pulumi from "@pulumi/pulumi";
const provider: pulumi.dynamic.ResourceProvider = {
  async create() {
    // Runs in the dynamic provider's process: resolved from its working directory at run time.
    const pkg = require("pulumi-alicloud-certs/package.json");
    const sdk = require.resolve("@pulumi/pulumi");
    return { id: "probe", outs: { name: pkg.name, sdk } };
  },
};
class Probe extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly sdk: pulumi.Output<string>;
  constructor(name: string) { super(provider, name, { name: undefined, sdk: undefined }); }
}
const probe = new Probe("probe");
export const providerSees = probe.name;
export const providerSdk = probe.sdk;
export const programSees = require("pulumi-alicloud-certs/package.json").name;
export const programSdk = require.resolve("@pulumi/pulumi");
`,
        });
        await project.up();
        const out = await project.outputs();
        assert.equal(out.programSees, "pulumi-alicloud-certs");
        assert.equal(out.providerSees, "pulumi-alicloud-certs");
        assert.equal(out.providerSdk, out.programSdk, "one copy of @pulumi/pulumi");
        assert.ok(String(out.programSdk).startsWith(installDir), `${out.programSdk} is inside ${installDir}`);
        await project.up(["--expect-no-changes"]);
    });
});

describe("project layouts the language host runs", { skip }, () => {
    // Pulumi's own host passes the entry point as the engine gives it ("." unless Pulumi.yaml sets `main`) with
    // --pwd set to the program directory, so that the runner (cmd/run) looks up package.json's `exports` and `main`
    // itself, and loads an ES module project through import(). A host that passes the directory's absolute path
    // instead makes the runner skip package.json: an ES module project then fails with "No entrypoint found".
    const projects: PulumiProject[] = [];
    after(async () => {
        for (const project of projects) await project.cleanup({ destroy: true });
    });

    async function projectOf(name: string, packageJson: object, files: Record<string, string>, pulumiYamlExtra = ""): Promise<PulumiProject> {
        const project = await PulumiProject.create({ program: "", installDir: REPO_INSTALL, name });
        projects.push(project);
        fs.rmSync(path.join(project.dir, "index.ts"));
        fs.writeFileSync(
            path.join(project.dir, "Pulumi.yaml"),
            `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n${pulumiYamlExtra}`,
        );
        fs.writeFileSync(path.join(project.dir, "package.json"), JSON.stringify({ name, private: true, ...packageJson }, null, 2));
        for (const [file, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(project.dir, file)), { recursive: true });
            fs.writeFileSync(path.join(project.dir, file), text);
        }
        return project;
    }

    test("an ES module project (package.json type module, main in a subdirectory) runs", async () => {
        const project = await projectOf(
            "esm-layout",
            { type: "module", main: "src/main.js" },
            {
                "src/main.js": `import * as pulumi from "@pulumi/pulumi";\nimport { greeting } from "./greeting.js";\nexport const said = greeting + " from " + pulumi.getStack();\n`,
                "src/greeting.js": `export const greeting = "hello";\n`,
            },
        );
        await project.up();
        assert.equal((await project.outputs()).said, "hello from dev");
    });

    test("a CommonJS project whose entry point is package.json's exports runs", async () => {
        const project = await projectOf(
            "exports-layout",
            { exports: "./lib/app.js" },
            {
                "lib/app.js": `const pulumi = require("@pulumi/pulumi");\nexports.said = "exports from " + pulumi.getProject();\n`,
            },
        );
        await project.up();
        assert.equal((await project.outputs()).said, "exports from exports-layout");
    });

    test("Pulumi.yaml's main naming a directory runs the program there, with it as the working directory", async () => {
        const project = await projectOf(
            "main-layout",
            {},
            {
                "infra/package.json": JSON.stringify({ name: "infra", private: true, main: "stack.js" }),
                "infra/stack.js": `exports.cwd = require("node:path").basename(process.cwd());\n`,
            },
            "main: infra/\n",
        );
        await project.up();
        assert.equal((await project.outputs()).cwd, "infra");
    });
});
