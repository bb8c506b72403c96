// The resource kinds are listed once (provider/resourceKinds.ts). What cannot be derived from that list at run time
// is checked against it here: the stub modules the package publishes (one file per kind) and package.json's
// exports of them. A kind without its module and export would serialize a `__provider` the engine cannot load; an
// export without a kind would publish a module nothing uses.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { REPO_ROOT } from "../../harness/repository";
import { PRODUCTS_WITH_DOMAINS } from "../../emulator";
import { PRODUCTS } from "../../provider/products";
import { parseKind, RESOURCE_KINDS, stubExportPath } from "../../provider/resourceKinds";

const STUB_DIR = path.join(REPO_ROOT, "provider/resources/dynamic-provider");
const PACKAGE_NAME = "pulumi-alicloud-certs";

describe("the resource kinds, listed once", () => {
    it("are each product of the table, as one domain and as a group", () => {
        const expected = Object.keys(PRODUCTS).flatMap((id) => [id, `${id}-group`]);
        assert.deepEqual([...RESOURCE_KINDS], expected);
        for (const kind of RESOURCE_KINDS) {
            const parsed = parseKind(kind);
            assert.ok(parsed, kind);
            assert.equal(`${parsed.product.id}${parsed.group ? "-group" : ""}`, kind);
        }
        for (const notAKind of ["", "group", "cdn-", "cdn-groups", "-group", "vod", "vod-group", "constructor"])
            assert.equal(parseKind(notAKind), undefined, notAKind);
    });

    it("each product of the table is one the emulator keeps domains of, so that the tables over PRODUCTS run against it", () => {
        assert.deepEqual(Object.keys(PRODUCTS).sort(), [...PRODUCTS_WITH_DOMAINS].sort());
    });

    it("each has a stub module, and the folder holds no other", () => {
        const modules = fs
            .readdirSync(STUB_DIR)
            .filter((file) => file.endsWith(".ts") && file !== "stub.ts")
            .map((file) => file.slice(0, -3));
        assert.deepEqual(modules.sort(), [...RESOURCE_KINDS].sort());
    });

    it("each stub module is its own kind's stub", async () => {
        for (const kind of RESOURCE_KINDS) {
            const stub = require(path.join(STUB_DIR, kind)) as object;
            const serialized = await pulumi.runtime.serializeFunction(() => stub, { allowSecrets: true });
            assert.ok(serialized.text.includes(`product: ${JSON.stringify(kind)}`), `${kind}: ${serialized.text}`);
        }
    });

    it("package.json exports each stub module under its kind's path, and no other", () => {
        const exportsMap = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).exports as Record<
            string,
            { types: string; default: string }
        >;
        const stubExports = Object.keys(exportsMap).filter((subpath) => subpath.startsWith("./dynamic-provider/"));
        assert.deepEqual(stubExports.sort(), RESOURCE_KINDS.map((kind) => `.${stubExportPath(kind).slice(PACKAGE_NAME.length)}`).sort());
        for (const kind of RESOURCE_KINDS) {
            assert.deepEqual(exportsMap[`./dynamic-provider/${kind}`], {
                types: `./dist/provider/resources/dynamic-provider/${kind}.d.ts`,
                default: `./dist/provider/resources/dynamic-provider/${kind}.js`,
            });
        }
    });
});
