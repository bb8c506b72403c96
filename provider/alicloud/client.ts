// The entry point of the client layer: a CertificateService for a product, built from explicit settings or from
// the config `configure(req)` receives. Call these inside provider methods, never at module load: the service
// holds a credential client, which must never end up in anything Pulumi serializes.

import type { ClientSettings } from "./caller";
import { DomainCertificateAdapter, type AdapterOptions } from "./domainAdapter";
import { resolveCredentials } from "./credentials";
import { resolveEndpoint } from "./endpoint";
import type { ConfigSource } from "../config";
import type { ProductSpec } from "../products";

export type { ClientSettings, Timeouts } from "./caller";
export { DEFAULT_TIMEOUTS } from "./caller";

/** The adapter of `product`: the product-table adapter, with the product's batch set as `setMany` where it has one. */
export function createCertificateService(product: ProductSpec, settings: ClientSettings, options: AdapterOptions = {}): DomainCertificateAdapter {
    return new DomainCertificateAdapter(product, settings, options);
}

/**
 * Settings from what `configure(req)` receives: credentials from `alicloud:*` config, ALICLOUD_* variables or the
 * SDK's default chain; the endpoint from `alicloud-certs:<product>Endpoint`, the environment or the default.
 * Throws CredentialsError / EndpointError with a message saying what to set.
 */
export function clientSettingsFromConfig(product: ProductSpec, config?: ConfigSource, env: NodeJS.ProcessEnv = process.env): ClientSettings {
    return { credentials: resolveCredentials(config, env), endpoint: resolveEndpoint(product, config, env) };
}
