// The vocabulary every other file of this folder shares: the codes this package gives failures that never reached
// the API, and the kinds of call an error can come from.

/** Codes this package gives failures that never reached the API (no response, or a response that is not JSON). */
export const LOCAL_ERROR_CODES = {
    /** The connect or read timeout elapsed (httpx `RequestTimeoutError`). */
    requestTimeout: "RequestTimeout",
    /** The connection was refused, reset or dropped (ECONNREFUSED, ECONNRESET, EPIPE, "socket hang up", ...). */
    connectionFailed: "ConnectionFailed",
    /** The endpoint's host name does not resolve (ENOTFOUND): a typo in an endpoint override, not a blip. */
    endpointUnresolvable: "EndpointUnresolvable",
    /** The server answered with something that is not the API's JSON (a proxy page, a 431 from a small header limit). */
    invalidResponse: "InvalidResponse",
    /** No credentials in the provider config, the environment or any source of the SDK's default chain. */
    credentialsNotFound: "CredentialsNotFound",
    /** Anything else: a bug or an unforeseen failure. */
    unexpected: "UnexpectedError",
} as const;

/**
 * What the failed call was doing, which decides what the user is told to do next: a `read` (a certificate read, a
 * domain's state, a listing), a `set` of the declared certificate, or a `delete` (the set that turns HTTPS off when a
 * resource is destroyed). The client layer knows reads from sets; the lifecycle says which sets are deletes.
 */
export type ActionKind = "read" | "set" | "delete";

export const ACTION_KINDS: readonly ActionKind[] = ["read", "set", "delete"];
