// The user's documents hold together: every relative link in README.md, docs/ and the other READMEs reaches a file
// of the repository, and every #anchor a heading of that file, spelled as GitHub spells it (github-slugger is the
// slugger GitHub's own renderer follows). The README stays short enough to read in ten minutes (issue #21: under 300
// lines); the rest lives under docs/.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import GithubSlugger from "github-slugger";

const root = path.resolve(__dirname, "../..");

function markdownFiles(): string[] {
    const found = ["README.md", "emulator/README.md", "tools/pulumi-cli/README.md"];
    for (const dir of ["docs", "examples"]) {
        for (const entry of fs.readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })) {
            if (entry.endsWith(".md") && !entry.includes("node_modules")) found.push(path.join(dir, entry));
        }
    }
    return found.filter((file) => fs.existsSync(path.join(root, file)));
}

/** The text outside fenced code blocks, where a link is a link. */
function prose(markdown: string): string {
    return markdown.replace(/^```[\s\S]*?^```/gm, "");
}

function anchorsOf(file: string): Set<string> {
    const slugger = new GithubSlugger();
    const anchors = new Set<string>();
    for (const match of prose(fs.readFileSync(file, "utf8")).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
        // GitHub slugs the heading's rendered text: code spans and links keep only their text.
        const text = match[1].replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/`/g, "");
        anchors.add(slugger.slug(text));
    }
    return anchors;
}

test("every relative link and anchor in the documents reaches its target", () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
        const absolute = path.join(root, file);
        for (const match of prose(fs.readFileSync(absolute, "utf8")).matchAll(/\]\(([^)\s]+)\)/g)) {
            const target = match[1];
            if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
            const [relative, anchor] = target.split("#", 2);
            const targetFile = relative === "" ? absolute : path.resolve(path.dirname(absolute), relative);
            if (!fs.existsSync(targetFile)) {
                broken.push(`${file}: ${target} (no such file)`);
                continue;
            }
            if (anchor !== undefined && targetFile.endsWith(".md") && !anchorsOf(targetFile).has(anchor)) {
                broken.push(`${file}: ${target} (no heading with that anchor)`);
            }
        }
    }
    assert.deepEqual(broken, []);
});

test("the README stays under 300 lines", () => {
    const lines = fs.readFileSync(path.join(root, "README.md"), "utf8").split("\n").length;
    assert.ok(lines < 300, `README.md has ${lines} lines; move detail to docs/`);
});
