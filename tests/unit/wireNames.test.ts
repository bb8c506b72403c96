// Every wire name in the product table (provider/products.ts) must be a name that the official SDKs' models
// use for the same action. The table spells parameter and response field names by hand; the SDKs' models are
// generated from Alibaba Cloud's API metadata, and each model's static names() maps its properties to the names on
// the wire. A misspelt name compiles and runs: a response field read under a wrong name is absent, so wire.ts reads
// every domain as HTTPS off, and a parameter sent under a wrong name is dropped or refused by the API. The emulator
// spells its names on its own, so there a misspelling is only a disagreement between two hand-written copies.
//
// The names are found by walking the table, not listed here: every field of every row's type is placed below (a
// field added to ProductSpec, SetActionSpec, a response shape or CertificateStoreSpec does not compile until it is
// placed), and every set action products.ts exports is walked. Request names are looked up in the action's request
// model, response names in its response body model, down the nested models that `types()` leads to.
//
// Where the models come from (BINDINGS):
// - CDN: @alicloud/cdn20180510 5.x; its two older set actions, SetDomainServerCertificate and
//   BatchSetCdnDomainServerCertificate, are no longer modelled in 5.0.0, so they are checked against 4.x (the dev
//   dependency @alicloud/cdn20180510-v4).
// - The certificate service: @alicloud/cas20200407.
// - ApsaraVideo Live has no SDK among the dependencies. Each of its actions is checked against a sibling action of
//   CDN or DCDN that takes the same parameters or answers in the same shape (CDN's batch set takes Live's seven set
//   parameters; DCDN's certificate and domain reads answer with Live's fields, SSLProtocol/SSLPub and DomainDetail,
//   where CDN's say ServerCertificateStatus/ServerCertificate and GetDomainDetailModel). That checks the spelling
//   Alibaba Cloud uses for the same thing, not that Live uses it. One Live name has no model here: LiveDomainStatus
//   (DescribeLiveUserDomains' PageData), listed in the binding with what vouches for it.
// - DCDN: @alicloud/dcdn20180115, every action of its row, its batch set (BatchSetDcdnDomainCertificate) included.
//
// The second part checks the names the adapters write themselves rather than take from the table (DomainName of
// every read, the listing's PageSize and PageNumber, the certificate service's request parameters), by recording
// what they send with ApiCaller.callRpc replaced.
import assert from "node:assert/strict";
import { after, before, describe, mock, test } from "node:test";
import { ApiCaller, type CallDescription, type ClientSettings } from "../../provider/alicloud/caller";
import { DomainCertificateAdapter } from "../../provider/alicloud/domainAdapter";
import { CertificateStoreAdapter } from "../../provider/alicloud/certificateStore";
import { DetailStateReader } from "../../provider/alicloud/domainStateReader";
import * as products from "../../provider/products";
import {
    CDN,
    CERTIFICATE_STORE,
    PRODUCTS,
    type ApiSpec,
    type BatchSetSpec,
    type CertificateInfoShape,
    type CertificateStoreSpec,
    type DomainDetailShape,
    type DomainListingShape,
    type ProductId,
    type ProductSpec,
    type SetActionSpec,
    type SetParamNames,
} from "../../provider/products";

// ---- The SDKs' models ----

/** An SDK package: its models by class name, and how messages name it (package name and installed version). */
interface Sdk {
    readonly label: string;
    readonly models: Readonly<Record<string, unknown>>;
}

function sdk(pkg: string): Sdk {
    const { name, version } = require(`${pkg}/package.json`) as { name: string; version: string };
    return { label: `${name} ${version}`, models: require(pkg) as Record<string, unknown> };
}

const CDN_SDK = sdk("@alicloud/cdn20180510");
const CDN_V4_SDK = sdk("@alicloud/cdn20180510-v4");
const CAS_SDK = sdk("@alicloud/cas20200407");
const DCDN_SDK = sdk("@alicloud/dcdn20180115");

/** A generated model class: names() maps its properties to wire names, types() gives each property's type. */
interface Model {
    readonly name: string;
    names(): Record<string, string>;
    types(): Record<string, unknown>;
}

function isModel(value: unknown): value is Model {
    return (
        typeof value === "function" && typeof (value as { names?: unknown }).names === "function" && typeof (value as { types?: unknown }).types === "function"
    );
}

/** The model a property's type leads to: the class itself, an array's item class, a map's value class; else none. */
function modelOf(type: unknown): Model | undefined {
    if (isModel(type)) return type;
    if (typeof type === "object" && type !== null) {
        const { itemType, valueType } = type as { itemType?: unknown; valueType?: unknown };
        return modelOf(itemType ?? valueType);
    }
    return undefined;
}

// ---- The table's wire names ----

type Side = "request" | "response";

interface WireName {
    /** The API action the name belongs to, as the table names it. */
    readonly action: string;
    readonly side: Side;
    /** For a response name, the wire names leading from the body to the object that holds it. */
    readonly at: readonly string[];
    readonly name: string;
    /** Where the table holds it, e.g. PRODUCTS.cdn.certificateInfo.certId. */
    readonly field: string;
}

class Walk {
    readonly names: WireName[] = [];

    request(action: string, field: string, name: string): void {
        this.names.push({ action, side: "request", at: [], name, field });
    }

    response(action: string, field: string, at: readonly string[], name: string): void {
        this.names.push({ action, side: "response", at, name, field });
    }

    /** A path into the response: each step is a name of the object the steps before it lead to. */
    path(action: string, field: string, path: readonly string[]): void {
        for (const [i, step] of path.entries()) this.response(action, `${field}[${i}]`, path.slice(0, i), step);
    }
}

/** A field that holds no wire name (a limit, a label, a value sent, or the action itself). */
const NOT_A_NAME = (): void => {};

/**
 * Where each field of a response shape sits: the path to the object the shape describes (`path`, an array of names
 * or one name), a field of that object (`field`), a field of the body itself (`top`), request names the caller
 * walks (`request`), or no wire name (`-`).
 */
type Layout<T> = { readonly [K in keyof T]-?: "path" | "field" | "top" | "request" | "-" };

function walkShape<T extends object>(walk: Walk, action: string, where: string, shape: T, layout: Layout<T>): void {
    const keys = Object.keys(layout) as (keyof T & string)[];
    const pathKey = keys.find((key) => layout[key] === "path");
    const pathValue: unknown = pathKey === undefined ? [] : shape[pathKey];
    const path = typeof pathValue === "string" ? [pathValue] : (pathValue as readonly string[]);
    if (pathKey !== undefined) walk.path(action, `${where}.${pathKey}`, path);
    for (const key of keys) {
        const value: unknown = shape[key];
        if (value === undefined || (layout[key] !== "field" && layout[key] !== "top")) continue;
        assert.equal(typeof value, "string", `${where}.${key} is placed as a wire name but holds ${JSON.stringify(value)}`);
        walk.response(action, `${where}.${key}`, layout[key] === "field" ? path : [], value as string);
    }
}

/** Every value of a set action's parameter names is a request name (optional ones a product lacks are absent). */
function walkSetParams(walk: Walk, action: string, where: string, params: SetParamNames): void {
    for (const [key, name] of Object.entries(params)) if (name !== undefined) walk.request(action, `${where}.${key}`, name);
}

const CERTIFICATE_INFO: Layout<CertificateInfoShape> = {
    listPath: "path",
    domainName: "field",
    status: "field",
    certificatePem: "field",
    certName: "field",
    certType: "field",
    certId: "field",
    certificateStatus: "field",
};
const DOMAIN_DETAIL: Layout<DomainDetailShape> = { objectPath: "path", domainStatus: "field" };
const DOMAIN_LISTING: Layout<DomainListingShape> = {
    action: "-",
    pageSize: "-",
    query: "request",
    listPath: "path",
    domainName: "field",
    domainStatus: "field",
    totalCount: "top",
    listsEveryState: "-",
    byName: "request",
};

function walkProduct(walk: Walk, where: string, spec: ProductSpec): void {
    const listing = spec.domainListing;
    const fields: { readonly [K in keyof ProductSpec]-?: () => void } = {
        id: NOT_A_NAME,
        displayName: NOT_A_NAME,
        resourceTypeName: NOT_A_NAME,
        apiVersion: NOT_A_NAME,
        defaultEndpoint: NOT_A_NAME,
        endpointConfigKey: NOT_A_NAME,
        endpointEnvVar: NOT_A_NAME,
        ramCode: NOT_A_NAME,
        certTypes: NOT_A_NAME,
        // The actions' own names are checked by their models existing: every action below has names to look up.
        setAction: NOT_A_NAME,
        describeCertificateAction: NOT_A_NAME,
        describeDomainAction: NOT_A_NAME,
        setParams: () => walkSetParams(walk, spec.setAction.name, `${where}.setParams`, spec.setParams),
        freeSet: () => spec.freeSet && walkSetAction(walk, `${where}.freeSet`, spec.freeSet),
        batchSet: () => spec.batchSet && walkSetAction(walk, `${where}.batchSet`, spec.batchSet),
        certificateInfo: () => walkShape(walk, spec.describeCertificateAction.name, `${where}.certificateInfo`, spec.certificateInfo, CERTIFICATE_INFO),
        domainDetail: () => walkShape(walk, spec.describeDomainAction.name, `${where}.domainDetail`, spec.domainDetail, DOMAIN_DETAIL),
        domainListing: () => {
            const action = listing.action.name;
            walkShape(walk, action, `${where}.domainListing`, listing, DOMAIN_LISTING);
            for (const name of Object.keys(listing.query)) walk.request(action, `${where}.domainListing.query`, name);
            for (const name of Object.keys(listing.byName?.query ?? {})) walk.request(action, `${where}.domainListing.byName.query`, name);
        },
    };
    for (const walkField of Object.values(fields)) walkField();
}

function walkSetAction(walk: Walk, where: string, spec: SetActionSpec | BatchSetSpec): void {
    const fields: { readonly [K in keyof BatchSetSpec]-?: () => void } = {
        name: NOT_A_NAME,
        callsPerSecond: NOT_A_NAME,
        certTypes: NOT_A_NAME,
        maxDomainsPerCall: NOT_A_NAME,
        largestDomainsPerCall: NOT_A_NAME,
        batchSizeConfigKey: NOT_A_NAME,
        batchWindowConfigKey: NOT_A_NAME,
        params: () => walkSetParams(walk, spec.name, `${where}.params`, spec.params),
    };
    for (const walkField of Object.values(fields)) walkField();
}

type StoreWire = CertificateStoreSpec["wire"];
const STORE_LAYOUTS: { readonly [K in keyof StoreWire]-?: Layout<StoreWire[K]> } = {
    list: { items: "path", totalCount: "top", certId: "field", name: "field", sha2: "field", serialNo: "field" },
    detail: { certId: "top", name: "top", certificatePem: "top", sha2: "top", serialNo: "top", certIdentifier: "top" },
    upload: { certId: "top" },
};

function walkStore(walk: Walk, where: string, spec: CertificateStoreSpec): void {
    // Which action answers with each of the wire shapes.
    const actions: { readonly [K in keyof StoreWire]-?: string } = { list: spec.list.name, detail: spec.detail.name, upload: spec.upload.name };
    const fields: { readonly [K in keyof CertificateStoreSpec]-?: () => void } = {
        displayName: NOT_A_NAME,
        apiVersion: NOT_A_NAME,
        defaultEndpoint: NOT_A_NAME,
        regionalEndpoints: NOT_A_NAME,
        endpointConfigKey: NOT_A_NAME,
        endpointEnvVar: NOT_A_NAME,
        ramCode: NOT_A_NAME,
        upload: NOT_A_NAME,
        detail: NOT_A_NAME,
        list: NOT_A_NAME,
        remove: NOT_A_NAME,
        pageSize: NOT_A_NAME,
        // A value sent as OrderType (certificateStore.ts writes the parameter's name; the second part checks it).
        listOrderType: NOT_A_NAME,
        wire: () => {
            walkShape(walk, actions.list, `${where}.wire.list`, spec.wire.list, STORE_LAYOUTS.list);
            walkShape(walk, actions.detail, `${where}.wire.detail`, spec.wire.detail, STORE_LAYOUTS.detail);
            walkShape(walk, actions.upload, `${where}.wire.upload`, spec.wire.upload, STORE_LAYOUTS.upload);
        },
    };
    for (const walkField of Object.values(fields)) walkField();
}

// ---- Which models check which row ----

/** Where an action's models are: an SDK, and the action they model there when it is not the table's (a stand-in). */
interface ModelSource {
    readonly sdk: Sdk;
    readonly action?: string;
}

interface Binding {
    /** The SDK whose models are named after the row's own actions: `<Action>Request`, `<Action>ResponseBody`. */
    readonly sdk?: Sdk;
    /** Actions whose models are elsewhere: an older release of the SDK, or a sibling product's action. */
    readonly actions?: Readonly<Record<string, ModelSource>>;
    /** Names no model here holds, as "<Action> <Name>", each with what vouches for it instead. */
    readonly unmodelled?: Readonly<Record<string, string>>;
}

type RowKey = ProductId | "certificateStore";

const BINDINGS: { readonly [K in RowKey]: Binding } = {
    cdn: {
        sdk: CDN_SDK,
        actions: {
            SetDomainServerCertificate: { sdk: CDN_V4_SDK },
            BatchSetCdnDomainServerCertificate: { sdk: CDN_V4_SDK },
        },
    },
    live: {
        actions: {
            // The same seven parameters as CDN's batch set (DomainName, SSLProtocol, SSLPub, SSLPri, CertName,
            // CertType, ForceSet); CDN's single-domain set has no ForceSet.
            SetLiveDomainCertificate: { sdk: CDN_V4_SDK, action: "BatchSetCdnDomainServerCertificate" },
            // CertInfos.CertInfo with SSLProtocol and SSLPub, as DCDN's answer (CDN's says ServerCertificate...).
            DescribeLiveDomainCertificateInfo: { sdk: DCDN_SDK, action: "DescribeDcdnDomainCertificateInfo" },
            // DomainDetail.DomainStatus, as DCDN's (CDN's is GetDomainDetailModel).
            DescribeLiveDomainDetail: { sdk: DCDN_SDK, action: "DescribeDcdnDomainDetail" },
            // Domains.PageData and TotalCount, as CDN's listing.
            DescribeLiveUserDomains: { sdk: CDN_SDK, action: "DescribeUserDomains" },
        },
        unmodelled: {
            "DescribeLiveUserDomains LiveDomainStatus":
                "Live's own name for a listed domain's state (CDN and DCDN say DomainStatus); DescribeLiveUserDomainsResponseBodyDomainsPageData " +
                "in Alibaba Cloud's live-20161101 SDKs names it so (aliyun/alibabacloud-typescript-sdk, read 2026-12-07)",
        },
    },
    dcdn: { sdk: DCDN_SDK },
    certificateStore: { sdk: CAS_SDK },
};

function isSetActionSpec(value: unknown): value is SetActionSpec {
    return (
        typeof value === "object" &&
        value !== null &&
        typeof (value as { name?: unknown }).name === "string" &&
        typeof (value as { params?: unknown }).params === "object"
    );
}

interface Row {
    readonly key: RowKey;
    readonly spec: ApiSpec;
    readonly names: readonly WireName[];
}

/** The rows of the table as products.ts has them, each with every wire name it holds; `spec` replaces one product's. */
function rows(replace?: ProductSpec): Row[] {
    const found: Row[] = [];
    for (const [id, product] of Object.entries(PRODUCTS) as [ProductId, ProductSpec][]) {
        const spec = replace?.id === id ? replace : product;
        const walk = new Walk();
        walkProduct(walk, `PRODUCTS.${id}`, spec);
        found.push({ key: id, spec, names: walk.names });
    }
    const walk = new Walk();
    walkStore(walk, "CERTIFICATE_STORE", CERTIFICATE_STORE);
    found.push({ key: "certificateStore", spec: CERTIFICATE_STORE, names: walk.names });
    return found;
}

/** Why `wire` is not a name of its action's model, or undefined when it is. */
function problemOf(row: Row, wire: WireName): string | undefined {
    const binding = BINDINGS[row.key];
    const where = `${row.spec.displayName} ${wire.action}: ${wire.field} "${wire.name}"`;
    const source = binding.actions?.[wire.action] ?? (binding.sdk ? { sdk: binding.sdk } : undefined);
    if (source === undefined) return `${where}: no SDK model is bound to ${wire.action} (BINDINGS.${row.key} in this file)`;
    const className = `${source.action ?? wire.action}${wire.side === "request" ? "Request" : "ResponseBody"}`;
    const root = modelOf(source.sdk.models[className]);
    if (root === undefined) return `${where}: ${source.sdk.label} has no model ${className}`;
    let model: Model = root;
    for (const step of wire.at) {
        const property: string | undefined = Object.entries(model.names()).find(([, name]) => name === step)?.[0];
        const next: Model | undefined = property === undefined ? undefined : modelOf(model.types()[property]);
        if (next === undefined) return `${where}: the path ${wire.at.join(".")} leads to no object (${step} in ${model.name}, ${source.sdk.label})`;
        model = next;
    }
    const known = Object.values(model.names());
    if (known.includes(wire.name)) return undefined;
    return `${where} is not a ${wire.side} name of ${model.name} (${source.sdk.label}), which has ${known.join(", ")}`;
}

/** The problems of a row's names, less those its binding lists as unmodelled (each of which must still be one). */
function problemsOf(row: Row): string[] {
    const unmodelled = BINDINGS[row.key].unmodelled ?? {};
    const problems: string[] = [];
    for (const wire of row.names) {
        const problem = problemOf(row, wire);
        const exempt = `${wire.action} ${wire.name}` in unmodelled;
        if (problem !== undefined && !exempt) problems.push(problem);
        if (problem === undefined && exempt)
            problems.push(
                `${row.spec.displayName} ${wire.action}: "${wire.name}" is listed as unmodelled but a model has it now: drop it from BINDINGS.${row.key}.unmodelled`,
            );
    }
    return problems;
}

const ROWS = rows();

describe("every wire name of the product table is a name of the SDK model of its action", () => {
    test("each set action products.ts exports is a row's (and so walked with it)", () => {
        const exported = Object.entries(products).filter(([, value]) => isSetActionSpec(value));
        assert.ok(exported.length > 0, "products.ts exports no set action: isSetActionSpec no longer recognises them");
        const ofRows = Object.values(PRODUCTS).flatMap((product) => [product.freeSet, product.batchSet]);
        for (const [name, value] of exported)
            assert.ok(ofRows.includes(value as SetActionSpec), `products.ts exports ${name}, which no row's freeSet or batchSet is`);
    });

    test("each name listed as unmodelled is one the table holds", () => {
        for (const row of ROWS) {
            for (const listed of Object.keys(BINDINGS[row.key].unmodelled ?? {})) {
                assert.ok(
                    row.names.some((wire) => `${wire.action} ${wire.name}` === listed),
                    `BINDINGS.${row.key}.unmodelled lists "${listed}", which the table no longer holds`,
                );
            }
        }
    });

    for (const row of ROWS) {
        describe(`${row.spec.displayName} (${row.names.length} names)`, () => {
            const actions = [...new Set(row.names.map((wire) => wire.action))];
            for (const action of actions) {
                const names = row.names.filter((wire) => wire.action === action);
                const requests = names.filter((wire) => wire.side === "request").length;
                test(`${action}: ${requests} request and ${names.length - requests} response names`, () => {
                    const problems = problemsOf({ ...row, names });
                    if (problems.length > 0) assert.fail(`${problems.length} wire name(s) the SDK does not know:\n${problems.join("\n")}`);
                });
            }
        });
    }

    test("a misspelt name, a name of the wrong case and another product's path are each found, by product, action and field", () => {
        const wrong: ProductSpec = {
            ...CDN,
            setParams: { ...CDN.setParams, status: "SslProtocol" },
            certificateInfo: { ...CDN.certificateInfo, certificatePem: "ServerCertficate" },
            domainDetail: { ...CDN.domainDetail, objectPath: ["DomainDetail"] },
        };
        const row = rows(wrong).find((candidate) => candidate.key === "cdn");
        assert.ok(row);
        const problems = problemsOf(row);
        assert.equal(problems.length, 4, problems.join("\n"));
        assert.match(
            problems[0]!,
            /^CDN SetCdnDomainSSLCertificate: PRODUCTS\.cdn\.setParams\.status "SslProtocol" is not a request name of SetCdnDomainSSLCertificateRequest/,
        );
        assert.match(
            problems[1]!,
            /^CDN DescribeDomainCertificateInfo: PRODUCTS\.cdn\.certificateInfo\.certificatePem "ServerCertficate" is not a response name of DescribeDomainCertificateInfoResponseBodyCertInfosCertInfo/,
        );
        assert.match(
            problems[2]!,
            /^CDN DescribeCdnDomainDetail: PRODUCTS\.cdn\.domainDetail\.objectPath\[0\] "DomainDetail" is not a response name of DescribeCdnDomainDetailResponseBody/,
        );
        assert.match(
            problems[3]!,
            /^CDN DescribeCdnDomainDetail: PRODUCTS\.cdn\.domainDetail\.domainStatus "DomainStatus": the path DomainDetail leads to no object/,
        );
    });
});

describe("the request names the adapters write themselves are names of the SDK model of their action", () => {
    interface Sent {
        readonly spec: ApiSpec;
        readonly action: string;
        readonly query: Readonly<Record<string, string>>;
    }
    const sent: Sent[] = [];
    // Never read: ApiCaller.callRpc, the only user of the settings on these paths, is replaced.
    const settings = {} as ClientSettings;

    before(async () => {
        mock.method(ApiCaller.prototype, "callRpc", async function (this: ApiCaller, description: CallDescription, query: Readonly<Record<string, string>>) {
            sent.push({ spec: this.product, action: description.action.name, query });
            // An empty answer, except the upload's id, without which the adapter refuses the answer.
            return description.action === CERTIFICATE_STORE.upload ? { [CERTIFICATE_STORE.wire.upload.certId]: 1 } : {};
        });
        // Every call site that writes a parameter name of its own: the reads by domain name (the certificate, the
        // domain's detail, the listing by names where the row has one), the listing's pages, the certificate
        // service's four actions. The set actions' parameters are all the table's (the first part).
        for (const spec of Object.values(PRODUCTS)) {
            const adapter = new DomainCertificateAdapter(spec, settings);
            await adapter.describe("www.example.com");
            await adapter.domainStatus("www.example.com");
            await adapter.listDomains();
            await new DetailStateReader(new ApiCaller(spec, settings), spec).read("www.example.com");
        }
        const store = new CertificateStoreAdapter("cn-hangzhou", settings);
        await store.find("name");
        await store.get("1");
        await store.upload("name", "not a certificate", "not a key");
        await store.remove("1");
    });
    after(() => mock.restoreAll());

    test("each parameter of each call", (t) => {
        assert.ok(sent.length > 0, "no call was recorded");
        // The parameters each action was seen with, in the output: what this test covered is visible in a run.
        const seen = new Map<string, Set<string>>();
        for (const call of sent) for (const name of Object.keys(call.query)) seen.set(call.action, (seen.get(call.action) ?? new Set()).add(name));
        for (const [action, names] of seen) t.diagnostic(`${action}: ${[...names].join(", ")}`);
        const problems = new Set<string>();
        for (const call of sent) {
            const row = ROWS.find((candidate) => candidate.spec === call.spec);
            assert.ok(row, `a call to ${call.action} from no row of the table`);
            for (const name of Object.keys(call.query)) {
                const problem = problemOf(row, { action: call.action, side: "request", at: [], name, field: "sent by the adapter" });
                if (problem !== undefined) problems.add(problem);
            }
        }
        if (problems.size > 0) assert.fail(`${problems.size} parameter name(s) the SDK does not know:\n${[...problems].join("\n")}`);
    });
});
