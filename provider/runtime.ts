// The implementation behind the serialized stubs: `require("pulumi-alicloud-certs/runtime").providerFor(product)`.
// It runs in the engine's dynamic-provider process, which calls `configure` once per provider before anything else;
// the stack config it receives (credentials, endpoints) stays in this process's memory and is never serialized.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { BatchingCertificateService, type BatchTimer } from "./lifecycle/batching";
import type { Clock } from "./clock";
import { batchSettingsFromConfig } from "./alicloud/batchSet";
import { clientSettingsFromConfig, createCertificateService, type ClientSettings } from "./alicloud/client";
import type { ConfigSource } from "./config";
import { CERTIFICATE_STORE, type CertRegion, type ProductSpec } from "./products";
import { parseKind, type ResourceKind } from "./resourceKinds";
import { CertificateStoreAdapter } from "./alicloud/certificateStore";
import { resolveCredentials } from "./alicloud/credentials";
import { resolveEndpoint } from "./alicloud/endpoint";
import { expiryPolicyFromConfig } from "./lifecycle/expiry";
import { groupProvider } from "./lifecycle/group/provider";
import { certificateProvider } from "./lifecycle/provider";
import { engineAddressFromArgv, engineSink } from "./engine/engineLog";
import type { CertificateService, CertificateStore } from "./lifecycle/port";

/** A resource kind (resourceKinds.ts), the key the stubs pass to providerFor. */
export type ProviderKey = ResourceKind;

const providers = new Map<ProviderKey, dynamic.ResourceProvider>();

/**
 * The provider of one resource kind, one per process, so that every resource of the kind shares its client, retries
 * and batching window. Pacing is per account and action across the whole process (alicloud/pacing.ts).
 */
export function providerFor(key: ProviderKey): dynamic.ResourceProvider {
    let provider = providers.get(key);
    if (!provider) {
        provider = makeProvider(key);
        providers.set(key, provider);
    }
    return provider;
}

function makeProvider(key: ProviderKey): dynamic.ResourceProvider {
    const kind = parseKind(key);
    if (!kind) throw new Error(`pulumi-alicloud-certs: unknown resource kind "${key}" in the resource's state`);
    const { product, group } = kind;
    let config: ConfigSource | undefined;
    let service: CertificateService | undefined;
    let stores: ((region: CertRegion) => CertificateStore) | undefined;
    const lifecycle = (group ? groupProvider : certificateProvider)({
        product,
        // Built on first use, not in configure: a preview that only checks and diffs needs no credentials.
        service: () => (service ??= serviceFor(product, config)),
        stores: () => (stores ??= storesFor(config)),
        expiry: () => expiryPolicyFromConfig(config),
        // Messages go to the engine that started this process (its address is the host's first argument).
        progress: (urn) => engineSink(engineAddressFromArgv(), urn),
        notes: (urn, { ephemeral }) => engineSink(engineAddressFromArgv(), urn, { ephemeral }),
        warnings: (urn) => engineSink(engineAddressFromArgv(), urn, { ephemeral: false, severity: "warning" }),
    });
    return {
        ...lifecycle,
        async configure(req: dynamic.ConfigureRequest) {
            config = req.config;
            service = undefined;
            stores = undefined;
        },
    };
}

/**
 * The account's certificate service, one adapter per region, each built on first use: the region's public endpoint
 * (cas.aliyuncs.com, cas.ap-southeast-1.aliyuncs.com) unless `alicloud-certs:casEndpoint` or ALICLOUD_CAS_ENDPOINT
 * points every region elsewhere (the emulator).
 */
export function storesFor(config?: ConfigSource, overrides: ServiceOverrides = {}): (region: CertRegion) => CertificateStore {
    const built = new Map<CertRegion, CertificateStore>();
    return (region) => {
        let store = built.get(region);
        if (!store) {
            // A test's settings bring its clock, retries and pacing; the endpoint is the certificate service's own.
            const base = overrides.settings ?? { credentials: resolveCredentials(config) };
            const endpoint = resolveEndpoint(CERTIFICATE_STORE, config, process.env, CERTIFICATE_STORE.regionalEndpoints[region]);
            store = new CertificateStoreAdapter(region, { ...base, endpoint });
            built.set(region, store);
        }
        return store;
    };
}

/**
 * The service behind a product's provider: the product's adapter under the batching layer (lifecycle/batching.ts).
 * This provider is the one every resource of the kind in the process uses, so concurrent creates and updates share
 * its window. A product with a batch set (CDN, DCDN) offers it as the port's setMany; Live has none (CDN's batch
 * action refuses Live domains), so its sets pass straight through.
 */
export function serviceFor(product: ProductSpec, config?: ConfigSource, overrides: ServiceOverrides = {}): CertificateService {
    const settings = overrides.settings ?? clientSettingsFromConfig(product, config);
    if (!product.batchSet) return new BatchingCertificateService(createCertificateService(product, settings));
    // The product's own keys: a typo in them fails that product only.
    const { batchSize, windowMs } = batchSettingsFromConfig(product.batchSet, config);
    return new BatchingCertificateService(createCertificateService(product, settings, { batchSize }), {
        windowMs,
        ...(settings.clock ? { timer: timerOn(settings.clock) } : {}),
    });
}

/** What a test replaces: the client settings (a shared clock's retry, pacing and read windows). */
export interface ServiceOverrides {
    readonly settings?: ClientSettings;
}

/** The batching window's timer on a given clock. */
function timerOn(clock: Clock): BatchTimer {
    return {
        set: (callback, ms) => {
            const cancel = new AbortController();
            void clock.sleep(ms, cancel.signal).then(() => cancel.signal.aborted || callback());
            return cancel;
        },
        clear: (handle) => (handle as AbortController).abort(),
    };
}
