// The provider's services as the runtime builds them (batching on CDN; the certificate service, one store per
// region), pointed at an emulator and running on a clock they share with that emulator: retries, pacing, the
// batching window and the coalescing of state reads all wait on it. For the tests that run the real cloud's minutes
// on a fast clock.
import type { Timeouts } from "../../provider/alicloud/caller";
import { clientSettingsFromConfig } from "../../provider/alicloud/client";
import { configFromRecord } from "../../provider/config";
import { PacerRegistry } from "../../provider/alicloud/pacing";
import type { CertRegion, ProductSpec } from "../../provider/products";
import type { Clock } from "../../provider/clock";
import type { CertificateService, CertificateStore } from "../../provider/lifecycle/port";
import { serviceFor, storesFor } from "../../provider/runtime";

type Account = { accessKeyId: string; accessKeySecret: string };

/** `timeouts` are real milliseconds (the SDK's sockets run on the wall clock): a hang costs that much real time. */
export function serviceOnClock(product: ProductSpec, endpoint: string, account: Account, clock: Clock, timeouts?: Timeouts): CertificateService {
    return servicesOnClock(product, endpoint, account, clock, timeouts).service();
}

/**
 * What a provider takes (`service`, `stores`, `clock`), as the runtime builds it for `product`, with the product and
 * the certificate service both at the emulator's `endpoint`.
 */
export function servicesOnClock(
    product: ProductSpec,
    endpoint: string,
    account: Account,
    clock: Clock,
    timeouts: Timeouts = { connectTimeoutMs: 5000, readTimeoutMs: 5000 },
): { service: () => CertificateService; stores: () => (region: CertRegion) => CertificateStore; clock: Clock } {
    const config = configFromRecord({
        "alicloud:accessKey": account.accessKeyId,
        "alicloud:secretKey": account.accessKeySecret,
        [`alicloud-certs:${product.endpointConfigKey}`]: endpoint,
        "alicloud-certs:casEndpoint": endpoint,
    });
    const settings = {
        ...clientSettingsFromConfig(product, config, {}),
        timeouts,
        retry: { sleep: clock.sleep, now: clock.now },
        pacers: new PacerRegistry({ clock }),
        clock,
    };
    const service = serviceFor(product, config, { settings });
    const stores = storesFor(config, { settings });
    return { service: () => service, stores: () => stores, clock };
}
