// The object Pulumi serializes, as code, into every resource's state (`__provider`). Refresh and destroy run that
// stored code, not the program's, so it must stay tiny and stable: it holds the product id and stubs that load the
// implementation BY PACKAGE NAME when the engine calls them. Consequences we rely on:
// - no credential, client or configuration is captured (they are read at call time from `configure`);
// - `__provider` is a few hundred bytes and does not change when the package's code changes, so upgrading the
//   package shows no diff, and a fixed bug is fixed for resources created by older versions too.
// Do not edit the stubs lightly: any change to their text changes `__provider` and shows every resource as updated.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { ProductId } from "../alicloud/products";

/** One object per product: the engine caches the serialized text by object identity, so N resources cost one. */
const stubs = new Map<ProductId, dynamic.ResourceProvider>();

export function serializedProviderFor(product: ProductId): dynamic.ResourceProvider {
    let stub = stubs.get(product);
    if (!stub) {
        stub = makeStub(product);
        stubs.set(product, stub);
    }
    return stub;
}

function makeStub(product: ProductId): dynamic.ResourceProvider {
    // Resolved from the working directory of the engine's dynamic-provider process: the Pulumi project, where the
    // package is installed. `require` (not import) keeps the load lazy and out of the serialized closure.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = (): dynamic.ResourceProvider => require("pulumi-alicloud-certs/runtime").providerFor(product);
    return {
        configure: (req) => load().configure!(req),
        check: (olds, news) => load().check!(olds, news),
        diff: (id, olds, news) => load().diff!(id, olds, news),
        create: (inputs) => load().create(inputs),
        read: (id, props) => load().read!(id, props),
        update: (id, olds, news) => load().update!(id, olds, news),
        delete: (id, props) => load().delete!(id, props),
    };
}
