// The entry point of the client layer: a CertificateService for a product, built from explicit settings or from
// the config `configure(req)` receives. Call these inside provider methods, never at module load: the service
// holds a credential client, which must never end up in anything Pulumi serializes.

import type { CertificateService } from "../lifecycle/port";
import type { ClientSettings } from "./caller";
import { DomainCertificateAdapter } from "./domainAdapter";
import { CdnCertificateService } from "./cdn";
import { resolveCredentials } from "./credentials";
import { resolveEndpoint } from "./endpoint";
import type { ConfigSource } from "../config";
import type { ProductSpec } from "../products";

export type { ClientSettings, Timeouts } from "./caller";
export { DEFAULT_TIMEOUTS } from "./caller";

/** The adapter of `product`: CdnCertificateService (which also has `setLegacy` and `batchSet`), or Live's, which is the product-table adapter as it is. */
export function createCertificateService(product: ProductSpec, settings: ClientSettings): CertificateService {
    switch (product.id) {
        case "cdn":
            return new CdnCertificateService(settings);
        case "live":
            return new DomainCertificateAdapter(product, settings);
    }
}

/**
 * Settings from what `configure(req)` receives: credentials from `alicloud:*` config, ALICLOUD_* variables or the
 * SDK's default chain; the endpoint from `alicloud-certs:<product>Endpoint`, the environment or the default.
 * Throws CredentialsError / EndpointError with a message saying what to set.
 */
export function clientSettingsFromConfig(
    product: ProductSpec,
    config?: ConfigSource,
    env: NodeJS.ProcessEnv = process.env,
): ClientSettings {
    return { credentials: resolveCredentials(config, env), endpoint: resolveEndpoint(product, config, env) };
}
