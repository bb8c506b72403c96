// Where a product's API is: stack config first, then the environment, then the public endpoint. The SDK wants a bare
// `host[:port]` (it is also the Host header, and part of what is signed) plus a protocol, so a URL is split here.

import { CONFIG_NAMESPACE, type ConfigSource } from "../config";
import type { ApiSpec } from "../products";

export type EndpointProtocol = "https" | "http";

export interface Endpoint {
    /** `host` or `host:port`, as the SDK's `endpoint` config wants it. */
    readonly host: string;
    readonly protocol: EndpointProtocol;
    /** Where the value came from, for messages: a config key, an environment variable, or "default". */
    readonly source: string;
}

// A DNS name or IPv4 address, or a bracketed IPv6 address; then an optional port.
const HOST_PORT = /^(?:(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?))*|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/i;

/** An endpoint value that is not a host, host:port or http(s) URL without a path. */
export class EndpointError extends Error {
    override readonly name = "EndpointError";
}

/**
 * Parses an endpoint override. Accepts `host`, `host:port`, `https://host[:port]` and `http://host[:port]` (plain
 * HTTP, as for the local emulator), with an optional trailing slash. Rejects paths, queries, credentials in the
 * URL, other schemes and anything that is not a host name, naming `origin` (the config key or variable) in the
 * message.
 */
export function parseEndpoint(value: string, origin: string): Omit<Endpoint, "source"> {
    const trimmed = value.trim();
    const fail = (why: string) =>
        new EndpointError(
            `${origin} must be a host, host:port, or an http(s):// URL without a path (e.g. "cdn.aliyuncs.com" or ` +
                `"http://127.0.0.1:8080"); got ${JSON.stringify(trimmed)}: ${why}`,
        );
    let protocol: EndpointProtocol = "https";
    let rest = trimmed;
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed);
    if (scheme) {
        const name = scheme[1]!.toLowerCase();
        if (name !== "http" && name !== "https") throw fail(`the scheme ${name}:// is not supported`);
        protocol = name;
        rest = trimmed.slice(scheme[0].length);
    }
    if (rest.endsWith("/")) rest = rest.slice(0, -1);
    if (rest === "") throw fail("no host");
    if (/[/?#]/.test(rest)) throw fail("a path, query or fragment is not allowed");
    if (rest.includes("@")) throw fail("credentials in the URL are not allowed");
    const match = HOST_PORT.exec(rest);
    if (!match) throw fail("not a valid host name");
    const port = match[1];
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw fail(`port ${port} is out of range`);
    return { host: rest.toLowerCase(), protocol };
}

/**
 * The endpoint of an API: stack config `alicloud-certs:<endpointConfigKey>`, else the environment variable
 * `<endpointEnvVar>`, else its public endpoint over HTTPS (`defaultHost`: the API's, or a region's). Empty values
 * count as unset.
 */
export function resolveEndpoint(
    product: ApiSpec,
    config?: ConfigSource,
    env: NodeJS.ProcessEnv = process.env,
    defaultHost: string = product.defaultEndpoint,
): Endpoint {
    const configKey = `${CONFIG_NAMESPACE}:${product.endpointConfigKey}`;
    const fromConfig = config?.get(configKey)?.trim();
    if (fromConfig) {
        return { ...parseEndpoint(fromConfig, `stack config ${configKey}`), source: configKey };
    }
    const fromEnv = env[product.endpointEnvVar]?.trim();
    if (fromEnv) {
        return { ...parseEndpoint(fromEnv, `environment variable ${product.endpointEnvVar}`), source: product.endpointEnvVar };
    }
    return { host: defaultHost, protocol: "https", source: "default" };
}
