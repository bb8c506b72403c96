// The official SDK as a test or a reliability scenario uses it beside the code under test: to ask the emulator what
// a domain serves, or to change a domain behind the provider's back as the console would. Such a client must not
// fail for reasons of its own, or a test fails on a race of the test rather than on the package.
//
// The race it avoids (issue #13): the SDK keeps every connection in one process-wide keep-alive agent (httpx's
// `new http.Agent({ keepAlive: true })`, with no idle timeout; @alicloud/openapi-core passes no agent option down,
// so there is no setting to change that). The emulator closes a connection idle for `idleTimeoutMs` (10 s, and
// Node's server adds 1 s) and, as the real front ends do, does not announce it. A call that takes the pooled
// connection in the same instant the server closes it is reset (ECONNRESET, "socket hang up"), and the SDK does
// not retry. In the e2e tests the gap between two such calls is one `pulumi up`: 3.6 to 10.1 s measured, which
// is close enough to 11 s to hit that instant now and then (tests/emulator/staleConnection.test.ts).
//
// So these clients send `Connection: close`: each call opens its own connection and both ends close it after the
// answer. A connection that is never reused cannot be one the server closed while it sat idle, and no retry is
// needed, which would also hide a reset the emulator should not have caused. It costs a loopback connect per call
// (about 1 ms: 200 reads took 446 ms against 206 ms on a pooled connection). The provider itself keeps its
// connections and retries reads instead (provider/alicloud/caller.ts); these clients are not the provider.
import Cdn from "@alicloud/cdn20180510";
import Dcdn from "@alicloud/dcdn20180115";
import * as $OpenApiClient from "@alicloud/openapi-client";
import type OpenApi from "@alicloud/openapi-core";
import { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import * as $dara from "@darabonba/typescript";
import { rpcParams } from "../provider/alicloud/caller";

export interface SdkKeys {
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    readonly securityToken?: string;
}

/**
 * The SDK's Config for the emulator at `endpoint` (`http://HOST:PORT` or `HOST:PORT`), every call on a connection
 * of its own. `extra` adds settings (timeouts, `signatureAlgorithm`).
 */
export function testSdkConfig(endpoint: string, keys: SdkKeys, extra: Partial<$OpenApiUtil.Config> = {}): $OpenApiUtil.Config {
    const host = endpoint.includes("://") ? new URL(endpoint).host : endpoint;
    return new $OpenApiUtil.Config({
        ...keys,
        endpoint: host,
        protocol: "http",
        ...extra,
        // Sent as a header of every call; outside what either signature covers.
        globalParameters: new $OpenApiUtil.GlobalParameters({ headers: { connection: "close" } }),
    });
}

/** The typed CDN client of @alicloud/cdn20180510 for the emulator at `endpoint`, as testSdkConfig sets it up. */
export function testCdnClient(endpoint: string, keys: SdkKeys): Cdn {
    return new Cdn(testSdkConfig(endpoint, keys));
}

/**
 * The typed DCDN client of @alicloud/dcdn20180115 for the emulator at `endpoint`, every call on a connection of its
 * own. That SDK is of the older generation (@alicloud/openapi-client), with a Config class of its own.
 */
export function testDcdnClient(endpoint: string, keys: SdkKeys): Dcdn {
    const host = endpoint.includes("://") ? new URL(endpoint).host : endpoint;
    return new Dcdn(
        new $OpenApiClient.Config({
            ...keys,
            endpoint: host,
            protocol: "http",
            globalParameters: new $OpenApiClient.GlobalParameters({ headers: { connection: "close" } }),
        }),
    );
}

/**
 * One RPC call through the official SDK's generic client (@alicloud/openapi-core), as the SDK's own typed clients
 * make them: for Live, which has no SDK package, and for actions a typed client dropped. The whole response; its
 * `body` is the answer.
 */
export function rpcCaller(client: OpenApi) {
    return (action: string, version: string, query: Record<string, string>): Promise<{ body: Record<string, unknown> }> => {
        const params = rpcParams(action, version);
        const request = new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(query) });
        return client.callApi(params, request, new $dara.RuntimeOptions({})) as Promise<{ body: Record<string, unknown> }>;
    };
}
