// The package's resource kinds, listed once: each product of the table (products.ts), as one domain and as a group.
// Everything that names a kind is derived from this list or checked against it by a test: the runtime's providers
// (runtime.ts), the stub each kind's `__provider` holds (resources/serializedProvider.ts), the stub modules
// (resources/dynamic-provider/<kind>.ts, one file each, as the package publishes them) and package.json's exports
// (which cannot be derived: tests/unit/resourceKinds.test.ts checks them and the modules against this list).
import { PRODUCTS, type ProductId, type ProductSpec } from "./products";

/** A resource kind: one domain of a product (`cdn`, `live`, `dcdn`), or a group of its domains (`cdn-group`, ...). */
export type ResourceKind = ProductId | `${ProductId}-group`;

const GROUP_SUFFIX = "-group";

/** Every kind, in the product table's order: each product's single resource, then its group. */
export const RESOURCE_KINDS: readonly ResourceKind[] = (Object.keys(PRODUCTS) as ProductId[]).flatMap((id): ResourceKind[] => [id, `${id}${GROUP_SUFFIX}`]);

/** The kind of a product's resources: one domain, or a group. */
export function kindOf(product: ProductId, group: boolean): ResourceKind {
    return group ? `${product}${GROUP_SUFFIX}` : product;
}

/** What a kind names, or undefined for a name that is not a kind (a state written by a future version, a typo). */
export function parseKind(kind: string): { readonly product: ProductSpec; readonly group: boolean } | undefined {
    if (!(RESOURCE_KINDS as readonly string[]).includes(kind)) return undefined;
    const group = kind.endsWith(GROUP_SUFFIX);
    return { product: PRODUCTS[(group ? kind.slice(0, -GROUP_SUFFIX.length) : kind) as ProductId], group };
}

/** The package export of a kind's stub module, as `__provider` requires it. */
export function stubExportPath(kind: ResourceKind): string {
    return `pulumi-alicloud-certs/dynamic-provider/${kind}`;
}
