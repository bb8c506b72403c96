// A stack pointed at an emulator, as a user points one at an account: the account's key pair in the `alicloud:`
// keys, and every endpoint the package calls (each product's, and the certificate service's) at the emulator, which
// serves them all on one port. One list, from the product tables: a stack that missed one would send its calls to
// the real cloud.
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { startEmulator, type EmulatorOptions, type Product, type RunningEmulator } from "../emulator";
import { CERTIFICATE_STORE, PRODUCTS, type ApiSpec } from "../provider/products";
import { CONFIG_NAMESPACE } from "../provider/config";

/** Every API the package calls: each product of the table, and the certificate service. */
const APIS: readonly ApiSpec[] = [...Object.values(PRODUCTS), CERTIFICATE_STORE];

/** Every endpoint config key the package reads. */
export const ENDPOINT_CONFIG_KEYS: readonly string[] = APIS.map((api) => `${CONFIG_NAMESPACE}:${api.endpointConfigKey}`);

/** Every endpoint environment variable the package reads (the demo sets these). */
export const ENDPOINT_ENV_VARS: readonly string[] = APIS.map((api) => api.endpointEnvVar);

interface Configurable {
    setAllConfig(config: ConfigMap): Promise<void>;
}

/** Sets the account's keys and every endpoint in one `pulumi config set-all`. */
export async function pointAtEmulator(project: Configurable, endpoint: string, keys: { accessKeyId: string; accessKeySecret: string }): Promise<void> {
    await project.setAllConfig({
        "alicloud:accessKey": { value: keys.accessKeyId },
        "alicloud:secretKey": { value: keys.accessKeySecret, secret: true },
        ...Object.fromEntries(ENDPOINT_CONFIG_KEYS.map((key) => [key, { value: endpoint }])),
    });
}

/**
 * An emulator of one account with these domains, online, changes configuring for 150 ms: what an e2e test of the
 * CLI runs against (the other options as `options` says).
 */
export function emulatorWith(
    keys: { accessKeyId: string; accessKeySecret: string },
    domains: { readonly [P in Product]?: readonly string[] },
    options: Omit<EmulatorOptions, "seed"> = {},
): Promise<RunningEmulator> {
    return startEmulator({
        port: 0,
        configuringMs: 150,
        ...options,
        seed: {
            accounts: [
                {
                    ...keys,
                    domains: (Object.entries(domains) as [Product, readonly string[] | undefined][]).flatMap(([product, names]) =>
                        (names ?? []).map((domainName) => ({ domainName, product })),
                    ),
                },
            ],
        },
    });
}
