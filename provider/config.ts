// The stack config the package reads (`alicloud-certs:*`, and the `alicloud:*` keys @pulumi/alicloud users already
// set): how any layer sees it. The engine hands it to the dynamic provider at configure time; tests pass a record.

/** The namespace of this package's stack config keys (`alicloud-certs:cdnEndpoint`). */
export const CONFIG_NAMESPACE = "alicloud-certs";

/** Anything with `get(key)`: Pulumi's dynamic `ConfigureRequest.config`, or a test double. Keys are namespaced. */
export interface ConfigSource {
    get(key: string): string | undefined;
}

/** A ConfigSource over a plain object of namespaced keys (tests, scripts). */
export function configFromRecord(record: Readonly<Record<string, string | undefined>>): ConfigSource {
    return { get: (key) => record[key] };
}
