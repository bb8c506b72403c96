// The machinery every call goes through: a lazily built SDK client, pacing per account and action, retries, and
// conversion of every failure into an AlicloudApiError. The adapters (domainAdapter.ts, certificateStore.ts)
// call the APIs through it.
// Nothing here is built at module load (see client.ts for the factory).

import OpenApi, { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import * as $dara from "@darabonba/typescript";
import type { AlicloudCredentials } from "./credentials";
import type { Endpoint } from "./endpoint";
import type { Clock } from "../clock";
import { isOutcomeUnknown, isTransient, type ActionKind, type AlicloudApiError } from "../apiErrors";
import { toApiError } from "./sdkErrors";
import { type PacerRegistry, sharedPacerRegistry } from "./pacing";
import type { ActionSpec, ApiSpec } from "../products";
import { type RetryOptions, withRetry } from "./retry";
import type { JsonObject } from "./wire";

export interface Timeouts {
    /** TCP connect; in httpx it is also the socket idle timeout. */
    readonly connectTimeoutMs: number;
    /** From sending the request to the end of the response. A set call carries a large URL: be generous. */
    readonly readTimeoutMs: number;
}

/** The SDK's defaults are 3 s for both, too short for a set call carrying a certificate chain. */
export const DEFAULT_TIMEOUTS: Timeouts = { connectTimeoutMs: 10_000, readTimeoutMs: 30_000 };

export interface ClientSettings {
    readonly credentials: AlicloudCredentials;
    readonly endpoint: Endpoint;
    readonly timeouts?: Partial<Timeouts>;
    /** Retry policy and, in tests, the injected sleep/random/clock. */
    readonly retry?: RetryOptions;
    /** Defaults to the process-wide registry, so that every resource on an account shares one budget. */
    readonly pacers?: PacerRegistry;
    /** The clock of the windows that coalesce reads (tests share a fast one with the emulator). */
    readonly clock?: Clock;
}

/** How one API call is made: which action, about which domains, and which values must never show in a message. */
export interface CallDescription {
    readonly action: ActionSpec;
    readonly domainNames: readonly string[];
    /** E.g. the private key of a set call; scrubbed from error messages in addition to PEM-looking text. */
    readonly sensitiveValues?: readonly (string | undefined)[];
    /**
     * A call that changes the cloud: when its answer is lost (a timeout, a connection reset after sending), it may
     * have taken effect, so it is not sent again here. The lifecycle reads the domain first and decides (a set that
     * did apply starts the domain configuring; sending it again would configure it twice, for minutes each).
     */
    readonly changes?: boolean;
}

/**
 * Makes API calls for one product and one set of settings. Each attempt waits for a pacing slot, then calls; a
 * retryable failure goes back to the pacer, so retries never jump the queue of a busy account.
 */
export class ApiCaller {
    #client?: OpenApi;

    constructor(
        readonly product: ApiSpec,
        private readonly settings: ClientSettings,
    ) {}

    private timeouts(): Timeouts {
        return { ...DEFAULT_TIMEOUTS, ...this.settings.timeouts };
    }

    private client(): OpenApi {
        if (this.#client === undefined) {
            const { endpoint, credentials } = this.settings;
            const timeouts = this.timeouts();
            this.#client = new OpenApi(
                new $OpenApiUtil.Config({
                    credential: credentials.sdkCredential(),
                    endpoint: endpoint.host,
                    protocol: endpoint.protocol,
                    regionId: credentials.region,
                    connectTimeout: timeouts.connectTimeoutMs,
                    readTimeout: timeouts.readTimeoutMs,
                    // Never `signatureVersion: 'v4'`: it crashes the CDN client (@alicloud/cdn20180510 5.0.0 with @alicloud/openapi-core 1.0: seen when the project was founded).
                }),
            );
        }
        return this.#client;
    }

    private runtime(): $dara.RuntimeOptions {
        const timeouts = this.timeouts();
        return new $dara.RuntimeOptions({
            connectTimeout: timeouts.connectTimeoutMs,
            readTimeout: timeouts.readTimeoutMs,
            autoretry: false,
        });
    }

    /**
     * One action through the SDK's `callApi` (RPC style, parameters in the query, JSON back), as the products' typed
     * clients send it, for every action of both products: what differs between them is the action and parameter
     * names in the product table, not the call. Paced and retried; every failure comes out as an AlicloudApiError.
     * Returns the response body.
     */
    async callRpc(description: CallDescription, query: Readonly<Record<string, string>>): Promise<JsonObject> {
        const params = rpcParams(description.action.name, this.product.apiVersion);
        const pacers = this.settings.pacers ?? sharedPacerRegistry();
        let secrets: readonly (string | undefined)[] = description.sensitiveValues ?? [];
        const actionKind: ActionKind = description.changes ? "set" : "read";
        const ramAction = `${this.product.ramCode}:${description.action.name}`;
        const context = () => ({ action: description.action.name, ramAction, actionKind, domainNames: description.domainNames, secrets });
        let attempts = 0;
        try {
            return await withRetry(
                async (attempt) => {
                    attempts = attempt;
                    try {
                        const identity = await this.settings.credentials.identity();
                        secrets = [...(description.sensitiveValues ?? []), ...identity.secrets];
                        const finished = await pacers.acquire(identity.accessKeyId, description.action);
                        try {
                            const request = new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query({ ...query }) });
                            const response = await this.client().callApi(params, request, this.runtime());
                            const body: unknown = response.body;
                            return typeof body === "object" && body !== null ? (body as JsonObject) : {};
                        } finally {
                            finished();
                        }
                    } catch (error) {
                        throw toApiError(error, context());
                    }
                },
                { ...this.settings.retry, isRetryable: description.changes ? worthSendingAgainAtOnce : isTransient },
            );
        } catch (error) {
            const apiError = toApiError(error, context());
            throw attempts > 1 ? apiError.with({ attempts }) : apiError;
        }
    }
}

/**
 * A change is sent again straight away only when its transient failure says it did not apply and the domain is not
 * busy. A lost answer (it may have applied) and ServiceBusy (another change is configuring, for minutes) go back to
 * the lifecycle, which reads the domain before it sends the change again (lifecycle/confirmation.ts): sending the
 * certificate again and again would not help, and a second copy of a change that did apply configures the domain
 * twice.
 */
function worthSendingAgainAtOnce(error: unknown): boolean {
    return isTransient(error) && !isOutcomeUnknown(error) && (error as AlicloudApiError).code !== "ServiceBusy";
}

/** How an RPC action of these APIs is addressed through the generic client, as the SDKs' typed clients address it. */
export function rpcParams(action: string, version: string): $OpenApiUtil.Params {
    return new $OpenApiUtil.Params({
        action,
        version,
        // Overridden by the client's `protocol` (plain HTTP for the emulator).
        protocol: "HTTPS",
        pathname: "/",
        method: "POST",
        authType: "AK",
        style: "RPC",
        reqBodyType: "formData",
        bodyType: "json",
    });
}
