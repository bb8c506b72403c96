// Where this checkout is, and what its lockfile pins: the one place the harness reads the repository's own files
// from, so that every other part of it works from any working directory.
import * as fs from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..");

/**
 * The repository as a project's installDir (project.ts): its own node_modules has the SDK and ts-node, not the
 * packed package. For the tests of the engine alone.
 */
export const REPO_INSTALL = REPO_ROOT;

/** The version package-lock.json pins for `name`: what a test program installs beside the package. */
export function lockfileVersion(name: string): string {
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8"));
    const entry = lock.packages?.[`node_modules/${name}`];
    if (!entry?.version) {
        throw new Error(`package-lock.json has no node_modules/${name} entry`);
    }
    return entry.version as string;
}
