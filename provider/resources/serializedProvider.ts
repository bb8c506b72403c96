// The object Pulumi serializes, as code, into every resource's state (`__provider`). Refresh and destroy run that
// stored code, not the program's, so it must stay tiny and stable: it holds the product id and stubs that load the
// implementation BY PACKAGE NAME when the engine calls them. Consequences we rely on:
// - no credential, client or configuration is captured (they are read at call time from `configure`);
// - `__provider` does not change when the package's code changes, so upgrading the package shows no diff, and a
//   fixed bug is fixed for resources created by older versions too.
//
// Each kind's stub is also the whole `module.exports` of a module of its own (dynamic-provider/<kind>.ts, for every
// kind of ../resourceKinds.ts), published in package.json's exports. Pulumi's closure serializer writes an object
// that is the exports of a module under node_modules as `require("<the package export>")` instead of as code, so an
// installed package's `__provider` is one line of about 250 bytes, against about 2.3 KB for the stubs written out.
// It is stored twice per resource (inputs and outputs), and the file backend rewrites the whole state at every step,
// so at hundreds of resources those bytes were most of what a rollout spent writing state (create of 500: 93 s with the stubs written
// out, 68 s with the require). Where the serializer would not write that require correctly (see
// serializedAsRequire), the stubs are written out as before; both work the same.
//
// Do not edit the stubs or the export paths lightly: any change to them changes `__provider`. (The engine shows no
// diff for that alone, but every resource's state is rewritten at its next update.)
import * as path from "node:path";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { stubExportPath, type ResourceKind } from "../resourceKinds";
import { makeStub } from "./dynamic-provider/stub";

interface StubModule {
    /** What `__provider` requires when the serializer writes the stub as a require. */
    readonly exportPath: string;
    readonly load: () => dynamic.ResourceProvider;
    readonly resolve: () => string;
}

/** A kind's stub module: dynamic-provider/<kind>.ts beside this file, published as the kind's export. */
function stubModule(kind: ResourceKind): StubModule {
    const file = `./dynamic-provider/${kind}`;
    return {
        exportPath: stubExportPath(kind),
        load: () => require(file),
        resolve: () => require.resolve(file),
    };
}

/** One object per kind: the engine caches the serialized text by object identity, so N resources cost one. */
const chosen = new Map<ResourceKind, dynamic.ResourceProvider>();

export function serializedProviderFor(product: ResourceKind): dynamic.ResourceProvider {
    let stub = chosen.get(product);
    if (!stub) {
        stub = serializedAsRequire(product) ? stubModule(product).load() : makeStub(product);
        chosen.set(product, stub);
    }
    return stub;
}

/**
 * Whether Pulumi's closure serializer will write the product's stub module as exactly `require("<its export>")`.
 * It names a module under node_modules through the package's exports map, but finds the package.json by cutting
 * the module's absolute path at the FIRST occurrence of the package's name (getPackageDefinition in @pulumi/pulumi
 * runtime/closure/package.ts, 3.248; 3.276 cuts at the right one). Under a directory named like the package
 * (~/src/pulumi-alicloud-certs-infra/node_modules/...) 3.248 finds none and writes a require of the internal file
 * path, which the exports map refuses when the engine runs it. pnpm's layout (node_modules/.pnpm/<name>@<version>/node_modules/<name>/...) gets the same
 * broken require. So ask the serializer's own function, with the path it will see, and write the stubs out unless
 * the answer is our export. Any failure to ask (a future SDK moving the function) also writes them out.
 */
function serializedAsRequire(product: ResourceKind): boolean {
    try {
        const stub = stubModule(product);
        // The serializer's view: the module's path relative to the program's directory, from its first node_modules.
        const parts = path.relative(process.cwd(), stub.resolve()).split(path.sep);
        const nodeModules = parts.indexOf("node_modules");
        if (nodeModules < 0) return false;
        const { getModuleFromPath } = require("@pulumi/pulumi/runtime/closure/package") as { getModuleFromPath(modulePath: string): string };
        return getModuleFromPath(parts.slice(nodeModules + 1).join("/")) === stub.exportPath;
    } catch {
        return false;
    }
}
