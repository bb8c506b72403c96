// The layout's one rule, checked: rooms import each other one way. The rooms are the package's and the emulator's
// folders (provider/lifecycle with its subfolders, provider/alicloud, emulator/persistence, ...), each file directly
// in provider/ or emulator/ (the package's top, index.ts and runtime.ts, and its ground, products.ts, config.ts,
// clock.ts, are files there), and each folder of the code that drives them (harness, bench, reliability, scripts).
// Inside a room, a subfolder and its parent may lean on each other (lifecycle/confirmation/ uses the lifecycle's
// model, and the lifecycle's operations use confirmation/): that is one room's own business.
// A cycle between rooms means neither can be read, tested or replaced without the other: the lifecycle and its
// adapters imported each other until #21. The import graph comes from madge, which reads TypeScript's imports
// (type-only ones too, as they couple the files all the same) and require() calls.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

type MadgeResult = { obj(): Record<string, string[]> };
// madge ships no type declarations; this is the part of its API the test uses.
const madge = require("madge") as (paths: string[], config: Record<string, unknown>) => Promise<MadgeResult>;

const root = path.resolve(__dirname, "../..");
/** The folders of code the rule covers: the package, the emulator, and the code that drives them. */
const FOLDERS = ["provider", "emulator", "harness", "bench", "reliability", "scripts", "tests/support"].filter((f) => fs.existsSync(path.join(root, f)));
/** Folders whose files directly inside are rooms of their own. */
const FILE_ROOMS = new Set(["provider", "emulator"]);

function roomOf(file: string): string {
    const parts = file.split("/");
    if (!FILE_ROOMS.has(parts[0]!)) return parts[0] === "tests" ? parts.slice(0, 2).join("/") : parts[0]!;
    return parts.length === 2 ? file : parts.slice(0, 2).join("/");
}

/** The strongly connected groups of more than one room (Tarjan's algorithm): each is a cycle. */
function cycles(edges: Map<string, Set<string>>): string[][] {
    let counter = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const found: string[][] = [];
    const visit = (node: string): void => {
        index.set(node, counter);
        low.set(node, counter++);
        stack.push(node);
        onStack.add(node);
        for (const next of edges.get(node) ?? []) {
            if (!index.has(next)) {
                visit(next);
                low.set(node, Math.min(low.get(node)!, low.get(next)!));
            } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
        }
        if (low.get(node) === index.get(node)) {
            const group: string[] = [];
            let member: string;
            do {
                member = stack.pop()!;
                onStack.delete(member);
                group.push(member);
            } while (member !== node);
            if (group.length > 1) found.push(group.sort());
        }
    };
    for (const node of edges.keys()) if (!index.has(node)) visit(node);
    return found;
}

test("no two rooms import each other, directly or around a circle", async () => {
    const graph = (await madge(FOLDERS, { baseDir: root, fileExtensions: ["ts"], tsConfig: path.join(root, "tsconfig.json") })).obj();
    assert.ok(Object.keys(graph).length > 100, `madge read only ${Object.keys(graph).length} files`);
    const edges = new Map<string, Set<string>>();
    const why = new Map<string, string>();
    for (const [file, imports] of Object.entries(graph)) {
        const from = roomOf(file);
        for (const imported of imports) {
            const to = roomOf(imported);
            if (to === from) continue;
            if (!edges.has(from)) edges.set(from, new Set());
            edges.get(from)!.add(to);
            if (!why.has(`${from} -> ${to}`)) why.set(`${from} -> ${to}`, `${file} imports ${imported}`);
        }
    }
    const found = cycles(edges).map((group) => {
        const inside = [...why].filter(([pair]) => group.some((a) => group.some((b) => pair === `${a} -> ${b}`)));
        return `${group.join(", ")}:\n  ${inside.map(([, reason]) => reason).join("\n  ")}`;
    });
    assert.deepEqual(found, []);
});
