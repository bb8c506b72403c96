// The stub each resource kind's `__provider` holds: every method loads the implementation by package name when the
// engine calls it (../serializedProvider.ts says why). Its own file, below both the modules that export a stub and
// the code that chooses how a stub is serialized, so that neither imports the other. Moving this function between
// files changes nothing that is serialized: the serializer writes the function's own text, or a require of a module.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { ResourceKind } from "../../resourceKinds";

/** The stub for one product: each method loads the implementation by package name when the engine calls it. */
export function makeStub(product: ResourceKind): dynamic.ResourceProvider {
    // Resolved from the working directory of the engine's dynamic-provider process: the Pulumi project, where the
    // package is installed. `require` (not import) keeps the load lazy and out of the serialized closure.
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
