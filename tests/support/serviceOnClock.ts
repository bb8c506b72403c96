// The provider's service as the runtime builds it (batching on CDN), pointed at an emulator and running on a clock
// it shares with that emulator: retries, pacing, the batching window and the coalescing of state reads all wait on
// it. For the tests that run the real cloud's minutes on a fast clock.
import { clientSettingsFromConfig } from "../../provider/alicloud/client";
import { configFromRecord } from "../../provider/alicloud/endpoint";
import { PacerRegistry } from "../../provider/alicloud/pacing";
import type { ProductSpec } from "../../provider/alicloud/products";
import type { Clock } from "../../provider/clock";
import type { Timeouts } from "../../provider/alicloud/caller";
import type { CertificateService } from "../../provider/lifecycle/port";
import { serviceFor } from "../../provider/runtime";

/** `timeouts` are real milliseconds (the SDK's sockets run on the wall clock): a hang costs that much real time. */
export function serviceOnClock(
    product: ProductSpec,
    endpoint: string,
    account: { accessKeyId: string; accessKeySecret: string },
    clock: Clock,
    timeouts: Timeouts = { connectTimeoutMs: 5000, readTimeoutMs: 5000 },
): CertificateService {
    const config = configFromRecord({
        "alicloud:accessKey": account.accessKeyId,
        "alicloud:secretKey": account.accessKeySecret,
        [`alicloud-certs:${product.endpointConfigKey}`]: endpoint,
    });
    const settings = {
        ...clientSettingsFromConfig(product, config, {}),
        timeouts,
        retry: { sleep: clock.sleep, now: clock.now },
        pacers: new PacerRegistry({ clock }),
        clock,
    };
    return serviceFor(product, config, { settings });
}
