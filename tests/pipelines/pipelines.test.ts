// The CI pipelines users copy (examples/pipelines): the GitHub workflows pass actionlint (built from Go modules by
// scripts/actionlint-install.sh); the GitLab pipeline passes gitlab-ci-local's validation against GitLab's CI JSON
// schema and runs the right job for each pipeline source; both keep the README's promises: OIDC and no stored key,
// no secret literal, a scheduled check that fails on drift and near expiry, and command lines the real CLI accepts.
// The lint and schema checks are each shown to fail on a broken copy, so a green run means something.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { resolveCredentials } from "../../provider/alicloud/credentials";
import { cacheRoot, isExecutable } from "../../harness/pulumiCli";
import { REPO_ROOT } from "../../harness/repository";
import { requirePulumiCli } from "../support/e2eSkip";

const PIPELINES = path.join(REPO_ROOT, "examples", "pipelines");
const GITHUB_DIR = path.join(PIPELINES, "github");
const GITHUB_FILES = fs
    .readdirSync(GITHUB_DIR)
    .filter((name) => name.endsWith(".yml"))
    .sort();
const GITLAB_FILE = path.join(PIPELINES, "gitlab", ".gitlab-ci.yml");
const README = fs.readFileSync(path.join(PIPELINES, "README.md"), "utf8");
const INSTALL_SCRIPT = path.join(REPO_ROOT, "scripts", "actionlint-install.sh");
const ACTIONLINT_VERSION = /^\s*local version="(v\d+\.\d+\.\d+)"/m.exec(fs.readFileSync(INSTALL_SCRIPT, "utf8"))?.[1];

const readGithub = (name: string) => fs.readFileSync(path.join(GITHUB_DIR, name), "utf8");
const GITLAB_TEXT = fs.readFileSync(GITLAB_FILE, "utf8");

// The inputs of aliyun/configure-aliyun-credentials-action@v1 (its action.yml at v1.0.7). actionlint knows the
// inputs of popular actions only, not of this one, so a misspelled input would otherwise pass silently.
const CREDENTIALS_ACTION = "aliyun/configure-aliyun-credentials-action@v1";
const CREDENTIALS_ACTION_INPUTS = new Set(["oidc-provider-arn", "role-to-assume", "role-session-expiration", "role-session-name", "audience", "role-chaining"]);
/** The audience both pipelines request: the Client ID of the RAM OIDC IdP (the action's default). */
const AUDIENCE = "sts.aliyuncs.com";
/** The package's default warning window (alicloud-certs:expiryWarningDays); the fail window must lie inside it. */
const DEFAULT_WARNING_DAYS = 30;

// ---------------------------------------------------------------------------------------------------------
// Helpers

interface RunResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, {
            cwd: options.cwd,
            env: options.env ?? process.env,
            timeout: options.timeoutMs ?? 60_000,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

function onPath(command: string): boolean {
    return (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir && isExecutable(path.join(dir, command)));
}

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    tempDirs.push(dir);
    return dir;
}
after(() => {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Replaces `from` (which must occur) in `text`: a mutation that silently did nothing would prove nothing. */
function mutate(text: string, from: string, to: string): string {
    assert.ok(text.includes(from), `the mutation expects ${JSON.stringify(from)} in the file`);
    return text.replace(from, to);
}

type Yaml = any;

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
}

function githubSteps(workflow: Yaml): Step[] {
    return Object.values(workflow.jobs as Record<string, { steps: Step[] }>).flatMap((job) => job.steps);
}

/** The GitLab jobs: top-level keys that are neither keywords nor hidden templates. */
const GITLAB_KEYWORDS = new Set(["stages", "default", "variables", "workflow", "include", "image", "services", "cache", "before_script", "after_script"]);
function gitlabJobs(pipeline: Yaml): Record<string, Yaml> {
    return Object.fromEntries(Object.entries(pipeline as Record<string, Yaml>).filter(([name]) => !GITLAB_KEYWORDS.has(name) && !name.startsWith(".")));
}

/** A job's script lines with `extends` applied (one level deep is all the file uses). */
function gitlabLines(pipeline: Yaml, job: Yaml, key: "script" | "before_script"): string[] {
    const own = job[key] as string[] | undefined;
    if (own) return own;
    const parent = job.extends ? pipeline[job.extends as string] : undefined;
    return (parent?.[key] as string[] | undefined) ?? [];
}

/** The `pulumi ...` command lines of a shell script (one command per line or per `&&`, `||`, `;`). */
function pulumiCommands(script: string): string[] {
    return script
        .split(/\n|&&|\|\||;/)
        .map((part) => part.trim())
        .filter((part) => /^pulumi\s/.test(part));
}

/** Reads `--config alicloud-certs:expiryFailDays=<n | $VAR>` from a command, resolving a variable in `vars`. */
function expiryFailDays(command: string, vars: Record<string, unknown>): number | undefined {
    const match = /--config[= ]"?alicloud-certs:expiryFailDays=(\$\{?(\w+)\}?|\d+)"?/.exec(command);
    if (!match) return undefined;
    const raw = match[2] ? vars[match[2]] : match[1];
    return raw === undefined ? undefined : Number(raw);
}

function assertDriftCommand(command: string | undefined, vars: Record<string, unknown>): void {
    assert.ok(command, "no `pulumi preview` command line");
    assert.match(command, /^pulumi preview\s/);
    assert.match(command, /\s--refresh(\s|$)/, "the check must read what the domains serve now");
    assert.match(command, /\s--expect-no-changes(\s|$)/, "the check must fail on any difference");
    const days = expiryFailDays(command, vars);
    assert.ok(days !== undefined, `no --config alicloud-certs:expiryFailDays=... in: ${command}`);
    assert.ok(
        Number.isInteger(days) && days >= 1 && days < DEFAULT_WARNING_DAYS,
        `expiryFailDays ${days} should be a whole number of days inside the ${DEFAULT_WARNING_DAYS}-day warning window`,
    );
}

// Secrets may appear only as references: `${{ secrets.NAME }}` on GitHub, project variables (not in the file) on GitLab.
const SECRET_KEY = /(ACCESS_KEY|ACCESS_KEY_ID|SECRET|SECRET_KEY|PASSPHRASE|PASSWORD|_TOKEN)$/i;
const GITHUB_SECRET_REFERENCE = /^\$\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}$/;
const ACCESS_KEY_ID_LITERAL = /\bLTAI[A-Za-z0-9]{12,}\b/;

function* mappings(node: Yaml, where: string[] = []): Generator<{ where: string[]; key: string; value: unknown }> {
    if (Array.isArray(node)) {
        for (const [i, item] of node.entries()) yield* mappings(item, [...where, String(i)]);
    } else if (node && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) {
            yield { where, key, value };
            yield* mappings(value, [...where, key]);
        }
    }
}

/** What in a pipeline file looks like a stored credential; [] when nothing does. */
function secretLiterals(text: string, kind: "github" | "gitlab"): string[] {
    const found: string[] = [];
    if (ACCESS_KEY_ID_LITERAL.test(text)) found.push(`an AccessKey id literal (${ACCESS_KEY_ID_LITERAL.exec(text)?.[0]})`);
    for (const { where, key, value } of mappings(parseYaml(text))) {
        if (!SECRET_KEY.test(key)) continue;
        const at = [...where, key].join(".");
        if (kind === "github" && typeof value === "string" && !GITHUB_SECRET_REFERENCE.test(value.trim())) {
            found.push(`${at} is ${JSON.stringify(value)}, not a \${{ secrets.NAME }} reference`);
        }
        if (kind === "gitlab" && where.at(-1) === "variables") {
            found.push(`${at} is defined in the file: a secret belongs in a masked project variable`);
        }
    }
    return found;
}

// ---------------------------------------------------------------------------------------------------------
// actionlint

/** False when actionlint can be had (cached or buildable); the reason otherwise. With CI=true, an error instead. */
function actionlintSkipReason(): string | false {
    assert.ok(ACTIONLINT_VERSION, `no \`local version="vX.Y.Z"\` line in ${INSTALL_SCRIPT}`);
    const cached = path.join(cacheRoot(), `actionlint-${ACTIONLINT_VERSION}`, "actionlint");
    if (isExecutable(cached) || spawnSync("go", ["version"], { stdio: "ignore" }).status === 0) {
        return false;
    }
    const reason = `no Go toolchain on PATH and no ${cached}: install Go 1.25+ so scripts/actionlint-install.sh can build actionlint ${ACTIONLINT_VERSION}`;
    if (process.env.CI === "true") {
        throw new Error(`CI=true and ${reason}`);
    }
    return reason;
}

describe("GitHub workflows: actionlint", { skip: actionlintSkipReason() }, () => {
    let actionlint: string;
    const lint = (files: string[]) => run(actionlint, ["-no-color", "-oneline", ...files], { timeoutMs: 120_000 });

    before(async () => {
        const installed = await run("bash", [INSTALL_SCRIPT], { timeoutMs: 10 * 60_000 });
        assert.equal(installed.code, 0, `scripts/actionlint-install.sh failed:\n${installed.stderr}`);
        actionlint = installed.stdout.trim().split("\n").at(-1) ?? "";
        assert.ok(isExecutable(actionlint), `the install script printed ${JSON.stringify(actionlint)}, not an executable`);
    });

    test("the install script reuses its build and the binary is the pinned version", async () => {
        const again = await run("bash", [INSTALL_SCRIPT]);
        assert.equal(again.code, 0, again.stderr);
        assert.equal(again.stdout.trim().split("\n").at(-1), actionlint);
        assert.match(again.stderr, /reusing/);
        assert.equal(path.dirname(actionlint), path.join(cacheRoot(), `actionlint-${ACTIONLINT_VERSION}`));
        const version = await run(actionlint, ["-version"]);
        assert.equal(version.stdout.split("\n")[0], ACTIONLINT_VERSION);
    });

    for (const name of GITHUB_FILES) {
        test(`${name} has no findings`, async (t) => {
            // actionlint runs shellcheck over `run:` scripts when it is on PATH, as here when installed.
            t.diagnostic(onPath("shellcheck") ? "with shellcheck" : "shellcheck is not on PATH: run: scripts are not shell-checked");
            const result = await lint([path.join(GITHUB_DIR, name)]);
            assert.equal(result.code, 0, `actionlint findings:\n${result.stdout}${result.stderr}`);
            assert.equal(result.stdout.trim(), "");
        });
    }

    const broken: [string, string, string, string, RegExp][] = [
        ["a misspelled input of pulumi/actions", "pulumi-preview.yml", "comment-on-pr: true", "comment-on-pull-request: true", /comment-on-pull-request/],
        ["a permission value that does not exist", "pulumi-preview.yml", "id-token: write", "id-token: writ", /"writ"/],
        ["an unknown expression context", "pulumi-up.yml", "${{ vars.PULUMI_STACK }}", "${{ var.PULUMI_STACK }}", /undefined variable "var"/],
        ["an invalid cron line", "pulumi-drift.yml", '"17 5 * * *"', '"17 25 * * *"', /cron/i],
    ];
    for (const [what, name, from, to, expected] of broken) {
        test(`catches ${what} (a broken copy of ${name})`, async () => {
            const file = path.join(tempDir("pac-actionlint-"), name);
            fs.writeFileSync(file, mutate(readGithub(name), from, to));
            const result = await lint([file]);
            assert.equal(result.code, 1, `expected findings (exit 1), got ${result.code}:\n${result.stdout}${result.stderr}`);
            assert.match(result.stdout, expected);
        });
    }
});

// ---------------------------------------------------------------------------------------------------------
// GitLab: gitlab-ci-local validates against GitLab's CI JSON schema and evaluates `rules` offline

const GITLAB_CI_LOCAL = (() => {
    const manifest = require.resolve("gitlab-ci-local/package.json");
    const bin = JSON.parse(fs.readFileSync(manifest, "utf8")).bin as string | Record<string, string>;
    return path.join(path.dirname(manifest), typeof bin === "string" ? bin : bin["gitlab-ci-local"]);
})();

/** An environment free of the caller's git, GitLab and gitlab-ci-local settings. */
function isolatedEnv(home: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
        if (!/^(GIT_|GCL_|GITLAB_|CI_|CI$)/.test(key)) env[key] = value;
    }
    return { ...env, HOME: home, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: path.join(home, ".gitconfig") };
}

/**
 * A git repository holding `ciText` as .gitlab-ci.yml, with an origin whose default branch is main (what
 * CI_DEFAULT_BRANCH comes from), checked out on `branch`.
 */
async function gitlabRepo(ciText: string, branch = "main"): Promise<{ dir: string; env: NodeJS.ProcessEnv; home: string }> {
    const root = tempDir("pac-gitlab-");
    const dir = path.join(root, "repo");
    const home = path.join(root, "home");
    fs.mkdirSync(dir);
    fs.mkdirSync(home);
    const env = isolatedEnv(home);
    fs.writeFileSync(path.join(dir, ".gitlab-ci.yml"), ciText);
    const git = async (...args: string[]) => {
        const result = await run("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], {
            cwd: dir,
            env,
        });
        assert.equal(result.code, 0, `git ${args.join(" ")}: ${result.stderr}`);
    };
    await git("init", "-q", "-b", "main");
    await git("add", "-A");
    await git("commit", "-q", "-m", "pipeline");
    await git("remote", "add", "origin", "https://gitlab.example.invalid/acme/certs.git");
    await git("update-ref", "refs/remotes/origin/main", "HEAD");
    await git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main");
    if (branch !== "main") await git("checkout", "-q", "-b", branch);
    return { dir, env, home };
}

/** `gitlab-ci-local --list-json` for one pipeline source: the jobs that would run, or the validation failure. */
async function gitlabPipeline(ciText: string, source: string, branch = "main"): Promise<RunResult & { active: string[] }> {
    const { dir, env, home } = await gitlabRepo(ciText, branch);
    const result = await run(
        process.execPath,
        [GITLAB_CI_LOCAL, "--list-json", "--home", home, "--ignore-predefined-vars", "CI_PIPELINE_SOURCE", "--variable", `CI_PIPELINE_SOURCE=${source}`],
        { cwd: dir, env, timeoutMs: 120_000 },
    );
    let active: string[] = [];
    if (result.code === 0) {
        const jobs = JSON.parse(result.stdout) as { name: string; when: string }[];
        active = jobs.filter((job) => job.when !== "never").map((job) => job.name);
    }
    return { ...result, active };
}

describe("GitLab pipeline: gitlab-ci-local", () => {
    const cases: [string, string, string[]][] = [
        ["merge_request_event", "renew-certificate", ["preview"]],
        ["push", "main", ["deploy"]],
        ["push", "renew-certificate", []],
        ["schedule", "main", ["drift"]],
        ["web", "main", ["drift"]],
    ];
    for (const [source, branch, expected] of cases) {
        test(`valid against GitLab's CI schema; a ${source} pipeline on ${branch} runs ${expected.join(", ") || "nothing"}`, async () => {
            const result = await gitlabPipeline(GITLAB_TEXT, source, branch);
            assert.equal(result.code, 0, `gitlab-ci-local failed:\n${result.stdout}${result.stderr}`);
            assert.match(result.stderr, /json schema validated/, "gitlab-ci-local did not run the schema validation");
            assert.deepEqual(result.active, expected);
        });
    }

    const broken: [string, string, string, RegExp][] = [
        ["a resource_group that is not a string", "resource_group: pulumi-stack", "resource_group: [pulumi-stack]", /resource_group/],
        ["an unknown `when`", "  resource_group: pulumi-stack\n", "  resource_group: pulumi-stack\n  when: sometimes\n", /when/],
    ];
    for (const [what, from, to, expected] of broken) {
        test(`rejects ${what} (a broken copy)`, async () => {
            const result = await gitlabPipeline(mutate(GITLAB_TEXT, from, to), "push");
            assert.notEqual(result.code, 0, `expected a validation failure:\n${result.stdout}`);
            const output = result.stdout + result.stderr;
            assert.match(output, /Invalid \.gitlab-ci\.yml configuration/);
            assert.match(output, expected);
        });
    }
});

// ---------------------------------------------------------------------------------------------------------
// What users rely on

describe("GitHub workflows: the contract", () => {
    const workflows = new Map(GITHUB_FILES.map((name) => [name, parseYaml(readGithub(name)) as Yaml]));

    test("the three workflows are there", () => {
        assert.deepEqual(GITHUB_FILES, ["pulumi-drift.yml", "pulumi-preview.yml", "pulumi-up.yml"]);
    });

    for (const [name, workflow] of workflows) {
        test(`${name}: OIDC role assumption (id-token: write, ${CREDENTIALS_ACTION}) before any Pulumi command`, () => {
            for (const [jobName, job] of Object.entries(workflow.jobs as Record<string, Yaml>)) {
                const permissions = job.permissions ?? workflow.permissions;
                assert.equal(permissions?.["id-token"], "write", `${jobName}: the OIDC token needs permissions: id-token: write`);
            }
            const steps = githubSteps(workflow);
            const credentials = steps.findIndex((step) => step.uses === CREDENTIALS_ACTION);
            const firstPulumi = steps.findIndex(
                (step) => (step.uses?.startsWith("pulumi/actions@") && step.with?.command) || (step.run && pulumiCommands(step.run).length > 0),
            );
            assert.ok(credentials >= 0, `no ${CREDENTIALS_ACTION} step`);
            assert.ok(firstPulumi > credentials, "the credentials step must come before the first Pulumi command");
            const inputs = steps[credentials].with ?? {};
            for (const input of Object.keys(inputs)) {
                assert.ok(CREDENTIALS_ACTION_INPUTS.has(input), `${input} is not an input of ${CREDENTIALS_ACTION}`);
            }
            for (const input of ["role-to-assume", "oidc-provider-arn"]) {
                assert.match(String(inputs[input]), /^\$\{\{\s*(vars|secrets)\.\w+\s*\}\}$/, `${input} should come from a repository variable`);
            }
            assert.equal(inputs.audience, AUDIENCE);
        });

        test(`${name}: the backend, token and passphrase come from variables and secrets`, () => {
            assert.equal(workflow.env?.PULUMI_BACKEND_URL, "${{ vars.PULUMI_BACKEND_URL }}");
            assert.equal(workflow.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
            assert.equal(workflow.env?.PULUMI_CONFIG_PASSPHRASE, "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
        });
    }

    test("pulumi-preview.yml previews each pull request and comments the diff", () => {
        const workflow = workflows.get("pulumi-preview.yml");
        assert.ok(workflow.on.pull_request, "not triggered by pull_request");
        assert.equal(workflow.permissions["pull-requests"], "write");
        const step = githubSteps(workflow).find((s) => s.uses === "pulumi/actions@v6");
        assert.equal(step?.with?.command, "preview");
        assert.equal(step?.with?.["comment-on-pr"], true);
    });

    test("pulumi-up.yml applies main, one update at a time and never cancelled", () => {
        const workflow = workflows.get("pulumi-up.yml");
        assert.ok((workflow.on.push.branches as string[]).includes("main"));
        assert.equal(workflow.concurrency["cancel-in-progress"], false);
        const step = githubSteps(workflow).find((s) => s.uses === "pulumi/actions@v6");
        assert.equal(step?.with?.command, "up");
    });

    test("pulumi-drift.yml runs on a schedule: preview --refresh --expect-no-changes with expiryFailDays", () => {
        const workflow = workflows.get("pulumi-drift.yml");
        const crons = (workflow.on.schedule as { cron: string }[]).map((s) => s.cron);
        assert.equal(crons.length, 1);
        assert.equal(crons[0].split(/\s+/).length, 5);
        const commands = githubSteps(workflow).flatMap((step) => (step.run ? pulumiCommands(step.run) : []));
        assertDriftCommand(
            commands.find((c) => c.startsWith("pulumi preview")),
            workflow.env,
        );
    });

    test("no AccessKey or secret literal in any workflow (and the check finds a planted one)", () => {
        for (const name of GITHUB_FILES) {
            assert.deepEqual(secretLiterals(readGithub(name), "github"), [], name);
        }
        const planted = mutate(
            readGithub("pulumi-up.yml"),
            "  PULUMI_STACK: ${{ vars.PULUMI_STACK }}\n",
            "  PULUMI_STACK: ${{ vars.PULUMI_STACK }}\n  ALIBABA_CLOUD_ACCESS_KEY_SECRET: hunter2\n  ALIBABA_CLOUD_ACCESS_KEY_ID: LTAI5tExampleExample00\n",
        );
        const found = secretLiterals(planted, "github");
        assert.equal(found.length, 3, found.join("\n"));
    });
});

describe("GitLab pipeline: the contract", () => {
    const pipeline = parseYaml(GITLAB_TEXT) as Yaml;
    const jobs = gitlabJobs(pipeline);
    const template = pipeline[".pulumi"];

    test("the three jobs are there, each on the OIDC template", () => {
        assert.deepEqual(Object.keys(jobs).sort(), ["deploy", "drift", "preview"]);
        for (const [name, job] of Object.entries(jobs)) {
            assert.equal(job.extends, ".pulumi", `${name} does not extend .pulumi`);
        }
    });

    test("the ID token (aud sts.aliyuncs.com) is written to ALIBABA_CLOUD_OIDC_TOKEN_FILE before anything runs", () => {
        const tokens = Object.entries(template.id_tokens as Record<string, { aud: string }>);
        assert.equal(tokens.length, 1);
        const [tokenVariable, { aud }] = tokens[0];
        assert.equal(aud, AUDIENCE);
        const tokenFile = template.variables.ALIBABA_CLOUD_OIDC_TOKEN_FILE as string;
        assert.ok(path.isAbsolute(tokenFile), `ALIBABA_CLOUD_OIDC_TOKEN_FILE should be an absolute path, is ${tokenFile}`);
        const first = (template.before_script as string[])[0];
        assert.ok(
            first.includes(`"$${tokenVariable}"`) && first.includes('> "$ALIBABA_CLOUD_OIDC_TOKEN_FILE"'),
            `the first before_script line should write $${tokenVariable} to the token file: ${first}`,
        );
        assert.match(first, /umask 077/, "the token file should be readable by the job's user only");
    });

    test("preview runs on merge requests and posts its output as a merge request note", () => {
        const script = gitlabLines(pipeline, jobs.preview, "script").join("\n");
        assert.equal(pulumiCommands(script)[0]?.split(/\s+/).slice(0, 2).join(" "), "pulumi preview");
        assert.match(script, /\$CI_API_V4_URL\/projects\/\$CI_PROJECT_ID\/merge_requests\/\$CI_MERGE_REQUEST_IID\/notes/);
        assert.match(script, /PRIVATE-TOKEN: \$GITLAB_NOTES_TOKEN/);
        assert.match(script, /exit "\$status"\s*$/, "the job must fail when the preview fails, after posting it");
    });

    // The preview job's own lines, run by bash as the runner does (errexit, pipefail), against a stub `pulumi` and
    // `npm` and a local stand-in for the GitLab notes API.
    for (const [what, pulumiExit, notesToken] of [
        ["a preview that passes is posted and the job passes", 0, "glpat-test"],
        ["a preview that fails is posted and the job fails", 1, "glpat-test"],
        ["without GITLAB_NOTES_TOKEN nothing is posted and the job keeps the preview's result", 1, undefined],
    ] as const) {
        test(`preview job, run: ${what}`, { skip: onPath("curl") ? false : "curl is not on PATH" }, async () => {
            const requests: { method?: string; url?: string; token?: string; body: string }[] = [];
            const server = http.createServer((req, res) => {
                let body = "";
                req.on("data", (chunk) => (body += chunk));
                req.on("end", () => {
                    requests.push({ method: req.method, url: req.url, token: req.headers["private-token"] as string, body });
                    res.writeHead(201, { "content-type": "application/json" }).end("{}");
                });
            });
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            try {
                const dir = tempDir("pac-gl-preview-");
                const bin = path.join(dir, "bin");
                fs.mkdirSync(bin);
                fs.writeFileSync(path.join(bin, "npm"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
                fs.writeFileSync(
                    path.join(bin, "pulumi"),
                    `#!/bin/sh\necho "  ~ alicloud-certs:cdn:DomainCertificate www update [diff: ~fingerprint]"\necho "args: $*"\nexit ${pulumiExit}\n`,
                    { mode: 0o755 },
                );
                const tokenFile = path.join(dir, "oidc-token");
                const script = [...gitlabLines(pipeline, jobs.preview, "before_script"), ...gitlabLines(pipeline, jobs.preview, "script")].join("\n");
                const { port } = server.address() as AddressInfo;
                const result = await run("bash", ["-eo", "pipefail", "-c", script], {
                    cwd: dir,
                    env: {
                        PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
                        HOME: dir,
                        PULUMI_STACK: "acme/certs/prod",
                        CI_COMMIT_SHORT_SHA: "abc1234",
                        CI_API_V4_URL: `http://127.0.0.1:${port}/api/v4`,
                        CI_PROJECT_ID: "7",
                        CI_MERGE_REQUEST_IID: "3",
                        ALIBABA_CLOUD_ID_TOKEN: "eyJ.the-id-token.sig",
                        ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile,
                        ...(notesToken ? { GITLAB_NOTES_TOKEN: notesToken } : {}),
                    },
                });
                assert.equal(result.code, pulumiExit, result.stdout + result.stderr);
                assert.equal(fs.readFileSync(tokenFile, "utf8"), "eyJ.the-id-token.sig");
                assert.equal(fs.statSync(tokenFile).mode & 0o777, 0o600);
                assert.match(result.stdout, /DomainCertificate www update/, "the preview should also be in the job log");
                if (!notesToken) {
                    assert.deepEqual(requests, []);
                    return;
                }
                assert.equal(requests.length, 1);
                const [note] = requests;
                assert.equal(note.method, "POST");
                assert.equal(note.url, "/api/v4/projects/7/merge_requests/3/notes");
                assert.equal(note.token, notesToken);
                const body = new URLSearchParams(note.body).get("body") ?? "";
                assert.match(body, /^#### `pulumi preview` of `acme\/certs\/prod` at abc1234\n\n```diff\n/);
                assert.match(body, /~ alicloud-certs:cdn:DomainCertificate www update \[diff: ~fingerprint\]/);
                assert.match(body, /args: preview --diff --non-interactive --color never --stack acme\/certs\/prod/);
                assert.match(body, /\n```\n$/);
            } finally {
                await new Promise((resolve) => server.close(resolve));
            }
        });
    }

    test("deploy runs pulumi up --yes in a resource group", () => {
        const commands = pulumiCommands(gitlabLines(pipeline, jobs.deploy, "script").join("\n"));
        assert.equal(commands.length, 1);
        assert.match(commands[0], /^pulumi up\s.*--yes(\s|$)/);
        assert.ok(jobs.deploy.resource_group, "two deploys at once would collide on the stack lock");
    });

    test("drift runs preview --refresh --expect-no-changes with expiryFailDays", () => {
        const commands = pulumiCommands(gitlabLines(pipeline, jobs.drift, "script").join("\n"));
        assertDriftCommand(commands[0], pipeline.variables);
    });

    test("no AccessKey or secret literal in the file (and the check finds a planted one)", () => {
        assert.deepEqual(secretLiterals(GITLAB_TEXT, "gitlab"), []);
        const planted = mutate(GITLAB_TEXT, '  EXPIRY_FAIL_DAYS: "14"\n', '  EXPIRY_FAIL_DAYS: "14"\n  PULUMI_CONFIG_PASSPHRASE: hunter2\n');
        assert.equal(secretLiterals(planted, "gitlab").length, 1);
    });
});

describe("the credentials the GitLab file relies on", () => {
    // What the GitLab jobs set up, and nothing more: the ID token in a file and the two ARNs. The package's default
    // chain must then assume the role by itself. The STS call is intercepted at the SDK's HTTP function.
    const sdkHttp = require("@alicloud/credentials/dist/src/providers/http") as { doRequest: (request: any) => Promise<any> };
    const SDK_ENV = [
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "ALIBABA_CLOUD_ROLE_ARN",
        "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
        "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
        "ALIBABA_CLOUD_ROLE_SESSION_NAME",
        "ALIBABA_CLOUD_STS_REGION",
        "ALIBABA_CLOUD_PROFILE",
        "ALIBABA_CLOUD_CONFIG_FILE",
        "ALIBABA_CLOUD_CREDENTIALS_FILE",
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED",
    ];
    let saved: Record<string, string | undefined>;
    let savedRequest: typeof sdkHttp.doRequest;

    before(() => {
        saved = Object.fromEntries(SDK_ENV.map((key) => [key, process.env[key]]));
        savedRequest = sdkHttp.doRequest;
    });
    after(() => {
        for (const [key, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
        sdkHttp.doRequest = savedRequest;
    });

    test("the ID token file and the two ARNs are enough: the package's default chain calls AssumeRoleWithOIDC", async () => {
        const pipeline = parseYaml(GITLAB_TEXT) as Yaml;
        const tokenFile = path.join(tempDir("pac-oidc-"), "token");
        fs.writeFileSync(tokenFile, "eyJhbGciOiJSUzI1NiJ9.the-gitlab-id-token.sig");
        for (const key of SDK_ENV) delete process.env[key];
        Object.assign(process.env, {
            ALIBABA_CLOUD_ROLE_ARN: "acs:ram::1234567890123456:role/certs-ci",
            ALIBABA_CLOUD_OIDC_PROVIDER_ARN: "acs:ram::1234567890123456:oidc-provider/gitlab",
            ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile,
            ALIBABA_CLOUD_ROLE_SESSION_NAME: String(pipeline[".pulumi"].variables.ALIBABA_CLOUD_ROLE_SESSION_NAME).replace("$CI_JOB_ID", "4242"),
            ALIBABA_CLOUD_CONFIG_FILE: "/nonexistent/config.json",
            ALIBABA_CLOUD_CREDENTIALS_FILE: "/nonexistent/credentials",
            ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true",
        });
        const calls: any[] = [];
        sdkHttp.doRequest = async (request) => {
            calls.push(request);
            const expiration = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
            const body = {
                Credentials: { AccessKeyId: "STS.ci-key-id", AccessKeySecret: "ci-key-secret", SecurityToken: "ci-sts-token", Expiration: expiration },
            };
            return { statusCode: 200, headers: {}, body: Buffer.from(JSON.stringify(body)) };
        };

        const credentials = resolveCredentials(undefined, {});
        assert.equal(credentials.source, "default chain");
        const identity = await credentials.identity();
        assert.equal(identity.accessKeyId, "STS.ci-key-id");
        assert.equal(calls.length, 1);
        assert.equal(calls[0].host, "sts.aliyuncs.com");
        assert.equal(calls[0].queries.Action, "AssumeRoleWithOIDC");
        assert.deepEqual(
            {
                token: calls[0].bodyForm.OIDCToken,
                role: calls[0].bodyForm.RoleArn,
                provider: calls[0].bodyForm.OIDCProviderArn,
                session: calls[0].bodyForm.RoleSessionName,
            },
            {
                token: fs.readFileSync(tokenFile, "utf8"),
                role: process.env.ALIBABA_CLOUD_ROLE_ARN,
                provider: process.env.ALIBABA_CLOUD_OIDC_PROVIDER_ARN,
                session: "gitlab-4242",
            },
        );
    });
});

describe("command lines the real Pulumi CLI accepts", () => {
    const lines = [
        ...GITHUB_FILES.flatMap((name) => githubSteps(parseYaml(readGithub(name))).flatMap((step) => (step.run ? pulumiCommands(step.run) : []))),
        ...(() => {
            const pipeline = parseYaml(GITLAB_TEXT) as Yaml;
            return Object.values(gitlabJobs(pipeline)).flatMap((job) => pulumiCommands(gitlabLines(pipeline, job, "script").join("\n")));
        })(),
    ];

    test(`every flag of the ${lines.length} pulumi commands is in \`pulumi <command> --help\``, async (t) => {
        const cliDir = requirePulumiCli(t);
        if (!cliDir) return;
        assert.ok(lines.length >= 4, lines.join("\n"));
        const helps = new Map<string, string>();
        for (const line of lines) {
            const [, command] = line.split(/\s+/);
            if (!helps.has(command)) {
                const help = await run(path.join(cliDir, "pulumi"), [command, "--help"], { env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
                assert.equal(help.code, 0, help.stderr);
                helps.set(command, help.stdout);
            }
            for (const flag of line.match(/(?<=\s)--[a-z][a-z-]*/g) ?? []) {
                assert.match(helps.get(command) ?? "", new RegExp(`\\s${flag}[\\s=]`), `\`pulumi ${command}\` has no ${flag} (in: ${line})`);
            }
        }
    });
});

describe("examples/pipelines/README.md", () => {
    test("names every variable and secret the files read", () => {
        const github = new Set(GITHUB_FILES.flatMap((name) => [...readGithub(name).matchAll(/\$\{\{\s*(?:vars|secrets)\.(\w+)\s*\}\}/g)].map((m) => m[1])));
        const pipeline = parseYaml(GITLAB_TEXT) as Yaml;
        const defined = new Set([
            ...Object.keys(pipeline.variables),
            ...Object.keys(pipeline[".pulumi"].variables),
            ...Object.keys(pipeline[".pulumi"].id_tokens),
        ]);
        const referenced = [...GITLAB_TEXT.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)]
            .map((m) => m[1])
            .filter((name) => !name.startsWith("CI_") && !defined.has(name));
        // Read by the SDK, not by the file.
        const gitlab = new Set([
            ...referenced,
            "ALIBABA_CLOUD_ROLE_ARN",
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "PULUMI_ACCESS_TOKEN",
            "PULUMI_CONFIG_PASSPHRASE",
            "PULUMI_STACK",
            "PULUMI_BACKEND_URL",
        ]);
        for (const name of [...github, ...gitlab]) {
            assert.ok(README.includes(`\`${name}\``), `README.md does not mention ${name}`);
        }
        assert.ok(gitlab.has("GITLAB_NOTES_TOKEN"));
    });

    test("its trust policies are valid JSON for the two OIDC issuers, and the role policy it names exists", () => {
        const blocks = [...README.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));
        const issuers = blocks.flatMap((policy) => policy.Statement.map((s: any) => s.Condition.StringEquals["oidc:iss"]));
        assert.deepEqual(issuers, ["https://token.actions.githubusercontent.com", "https://gitlab.com"]);
        for (const policy of blocks) {
            assert.equal(policy.Statement[0].Action, "sts:AssumeRole");
            assert.equal(policy.Statement[0].Condition.StringEquals["oidc:aud"], AUDIENCE);
        }
        assert.match(README, /\]\(\.\.\/ram-policy\.json\)/);
        assert.ok(fs.existsSync(path.join(REPO_ROOT, "examples", "ram-policy.json")));
    });
});
