// The lifecycle's own failures. Those that end a change already accepted carry the resource's `id` and
// `properties`: the engine then keeps the resource in state as partially created instead of losing it, and the
// next `pulumi up` reads the domain back and carries on.
import { PRODUCTS, type ProductSpec } from "../products";

/** The key under which the engine keeps the serialized provider; it must survive in partial-failure properties. */
export const PROVIDER_KEY = "__provider";

/**
 * The properties a KeptInStateError keeps: `outputs` with the serialized provider of the declaration (or of the state
 * before it), without which the engine could not refresh or delete the resource it keeps.
 */
export function keptProperties<T extends object>(outputs: T, declared: object, previous: object): T & Record<string, unknown> {
    const provider = (declared as Record<string, unknown>)[PROVIDER_KEY] ?? (previous as Record<string, unknown>)[PROVIDER_KEY];
    return { ...outputs, [PROVIDER_KEY]: provider };
}

/** A failure that keeps the resource in state (the engine reads `id`, `properties` and `reasons`). */
export class KeptInStateError extends Error {
    readonly reasons: string[];
    constructor(
        message: string,
        readonly id: string,
        readonly properties: Record<string, unknown>,
    ) {
        super(message);
        this.name = new.target.name;
        this.reasons = [message];
    }
}

/** The set call went through, but the cloud did not serve the declared state within the time allowed. */
export class ConfirmationTimeoutError extends KeptInStateError {}

/** The domain (or the certificate's issuance) reached a state that no amount of waiting changes. */
export class CloudStateError extends KeptInStateError {}

export class DomainNotFoundError extends Error {
    constructor(product: ProductSpec, domainName: string) {
        super(
            `${domainName} is not a ${product.displayName} domain of this account. ` +
                `Add it in the ${product.displayName} console first, check that the credentials belong to the account ` +
                `that owns it, and that the resource type matches the product ` +
                `(${Object.values(PRODUCTS)
                    .map((p) => `${p.resourceTypeName} for ${p.displayName}`)
                    .join(", ")}).`,
        );
        this.name = "DomainNotFoundError";
    }
}

/** The `code` an error carries (the API's, or a local one), if any. */
export function codeOf(error: unknown): string | undefined {
    const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
    return typeof code === "string" ? code : undefined;
}

export function isCode(error: unknown, code: string): boolean {
    return codeOf(error) === code;
}
