// The client layer's public surface: what the lifecycle and the resources import.
export { createCertificateService, clientSettingsFromConfig, DEFAULT_TIMEOUTS } from "./client";
export type { ClientSettings, Timeouts } from "./client";
export { BATCH_CONFIG_KEYS, CdnCertificateService, batchSettingsFromConfig, isBatchable, validBatchSize } from "./cdn";
export type { BatchSetCertificateRequest, CdnServiceOptions } from "./cdn";
export { DomainCertificateAdapter } from "./caller";
export { AlicloudApiError, CredentialsError, ERROR_HINTS, LOCAL_ERROR_CODES, hintFor, isDomainNotFound, isRetryable, redact, toApiError } from "./errors";
export { AlicloudCredentials, resolveCredentials, staticCredentials, CREDENTIAL_CONFIG_KEYS, CREDENTIAL_ENV_VARS } from "./credentials";
export { CONFIG_NAMESPACE, EndpointError, configFromRecord, parseEndpoint, resolveEndpoint } from "./endpoint";
export type { ConfigSource, Endpoint } from "./endpoint";
export { DEFAULT_RETRY_POLICY, backoffDelay, withRetry } from "./retry";
export type { RetryOptions, RetryPolicy } from "./retry";
export { Pacer, PacerRegistry, sharedPacerRegistry } from "./pacing";
export * from "./products";
