// The implementation behind the serialized stubs: `require("pulumi-alicloud-certs/runtime").providerFor(product)`.
// It runs in the engine's dynamic-provider process, which calls `configure` once per provider before anything else;
// the stack config it receives (credentials, endpoints) stays in this process's memory and is never serialized.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { certificateServiceFromConfig } from "./alicloud/client";
import type { ConfigSource } from "./alicloud/endpoint";
import { PRODUCTS, type ProductId } from "./alicloud/products";
import { certificateProvider } from "./lifecycle/provider";
import type { CertificateService } from "./lifecycle/port";

const providers = new Map<ProductId, dynamic.ResourceProvider>();

/** The provider of one product, one per process, so that every resource shares its client, pacing and retries. */
export function providerFor(productId: ProductId): dynamic.ResourceProvider {
    let provider = providers.get(productId);
    if (!provider) {
        provider = makeProvider(productId);
        providers.set(productId, provider);
    }
    return provider;
}

function makeProvider(productId: ProductId): dynamic.ResourceProvider {
    const product = PRODUCTS[productId];
    if (!product) throw new Error(`pulumi-alicloud-certs: unknown product "${productId}" in the resource's state`);
    let config: ConfigSource | undefined;
    let service: CertificateService | undefined;
    const lifecycle = certificateProvider({
        product,
        // Built on first use, not in configure: a preview that only checks and diffs needs no credentials.
        service: () => (service ??= certificateServiceFromConfig(product, config)),
    });
    return {
        ...lifecycle,
        async configure(req: dynamic.ConfigureRequest) {
            config = req.config;
            service = undefined;
        },
    };
}
