// R4's properties, each a fast-check property over the descriptors of inputs.ts:
//   normalize-text    the PEM parsers (parseCertificateChain, parsePrivateKey) over hostile texts
//   normalize-domain  normalizeDomainName over hostile names
//   check-single      certificateProvider(...).check, CDN and Live, every input hostile or not
//   check-group       groupProvider(...).check, the same and hostile domain lists
//   diff              diffCertificate and the group provider's diff over what check accepted
//   huge              10 MB texts and values through the parsers and both checks
// Hard properties fail the property (fast-check then shrinks and reports a seed and a path that replays it):
// nothing throws but a CertificateInputError out of a parser, nothing at all out of check or diff; every failure
// names an input; no reason holds a piece of the key or certificate given; a normalized value is a fixed point;
// a valid combination is accepted and diffs as no change. Soft findings (a reason that echoes megabytes, a
// normalization that differs from the browser's) are counted and reported without stopping the run.
import fc from "fast-check";
import { CDN, LIVE, type ProductSpec } from "../../provider/products";
import { CertificateInputError, coversDomain, normalizeDomainName, parseCertificateChain, parsePrivateKey } from "../../provider/certificate";
import { fromEngine, groupProvider } from "../../provider/lifecycle/group/provider";
import { isUnknown, UNKNOWN } from "../../provider/lifecycle/model";
import { certificateProvider, type ProviderDependencies } from "../../provider/lifecycle/provider";
import {
    describeDomain,
    describeText,
    describeValue,
    domainSpec,
    ENCODINGS,
    hugeSpec,
    materializeDomain,
    materializeText,
    materializeValue,
    reencode,
    textSpec,
    valueSpec,
    type DomainSpec,
    type Encoding,
    type TextSpec,
    type ValueSpec,
} from "./inputs";
import type { Pool } from "./pool";
import { base64Runs } from "../../harness/secretSearch";

// ---- What a run reports -----------------------------------------------------------------------------------------

export interface Slowest {
    readonly ms: number;
    readonly label: string;
}

export interface SoftFinding {
    readonly kind: string;
    count: number;
    /** The first input that showed it, as a label. */
    readonly example: string;
    readonly detail: string;
    /** The largest figure seen (a reason's length), when the finding has one. */
    largest?: number;
}

export interface RecordedFailure {
    readonly key: string;
    /** The first failing input's message (its label, never its value). */
    readonly message: string;
    /** Its run index: `--path <index>` replays it. */
    readonly index: number;
    count: number;
}

/** Shared by every property of one run: timings, findings and the texts produced (for R5). */
export class Recorder {
    slowest: Slowest = { ms: 0, label: "-" };
    readonly findings = new Map<string, SoftFinding>();
    /** Distinct failure reasons and warnings, capped in size: R5 searches them. */
    /** Each text with where it came from ("check reason on status"). */
    readonly produced = new Map<string, string>();
    producedBytes = 0;
    largestReason = 0;
    /** The run fast-check is on (0-based): with the seed, `path` replays it. */
    index = 0;
    /** true: a broken property throws (fast-check stops and shrinks); false: it is recorded and the run goes on. */
    strict = false;
    readonly failures = new Map<string, RecordedFailure>();

    guard(body: () => void): void {
        try {
            body();
        } catch (error) {
            this.fail(error);
        }
    }

    async guardAsync(body: () => Promise<void>): Promise<void> {
        try {
            await body();
        } catch (error) {
            this.fail(error);
        }
    }

    private fail(error: unknown): void {
        if (this.strict) throw error;
        const message = error instanceof PropertyBroken ? error.message : `${describeError(error)} (outside the package's code: a defect of the harness)`;
        const key = message.replace(/ \(input: [\s\S]*$/, "").replace(/:\d+:\d+\)/g, ")");
        const known = this.failures.get(key);
        if (known) known.count++;
        else this.failures.set(key, { key, message: message.slice(0, 800), index: this.index, count: 1 });
    }

    time<T>(label: () => string, action: () => T): T {
        const start = performance.now();
        try {
            return action();
        } finally {
            this.note(performance.now() - start, label);
        }
    }

    async timeAsync<T>(label: () => string, action: () => Promise<T>): Promise<T> {
        const start = performance.now();
        try {
            return await action();
        } finally {
            this.note(performance.now() - start, label);
        }
    }

    private note(ms: number, label: () => string): void {
        if (ms > this.slowest.ms) this.slowest = { ms, label: label() };
    }

    soft(kind: string, example: () => string, detail: string, figure?: number): void {
        const known = this.findings.get(kind);
        if (known) {
            known.count++;
            if (figure !== undefined) known.largest = Math.max(known.largest ?? 0, figure);
        } else this.findings.set(kind, { kind, count: 1, example: example().slice(0, 240), detail, ...(figure !== undefined ? { largest: figure } : {}) });
    }

    keep(text: string, source: string): void {
        // A reason that echoes a 10 MB value is counted as a finding; R5 gets its first 64 KiB, where an echoed
        // key would start.
        const kept = text.length > 65_536 ? text.slice(0, 65_536) : text;
        if (this.produced.has(kept) || this.producedBytes > 16 * 1024 * 1024) return;
        this.produced.set(kept, source);
        this.producedBytes += kept.length;
    }
}

/** Thrown by a predicate for a broken hard property: the message names the input by its label only. */
class PropertyBroken extends Error {
    override readonly name = "PropertyBroken";
}

function broken(what: string, label: string): never {
    throw new PropertyBroken(`${what} (input: ${label})`);
}

function describeError(error: unknown): string {
    const e = error as { name?: string; message?: string; stack?: string };
    const where =
        (e.stack ?? "")
            .split("\n")
            .find((line) => line.includes("/provider/"))
            ?.trim() ?? "";
    return `${e.name ?? "Error"}: ${String(e.message ?? error).slice(0, 200)}${where ? ` ${where.replace(/\(.*\/(provider\/)/, "($1")}` : ""}`;
}

// ---- Secrets: no reason may hold a piece of what was given as certificate or private key ------------------------

const WINDOW = 32;

/** The texts a value holds (a string, or the strings of a list), compacted as secrets are. */
function ownTexts(value: unknown): string[] {
    const texts = typeof value === "string" ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
    return texts.map((t) => t.replace(/\s/g, ""));
}

function echoedSecret(reason: string, secrets: readonly string[], own: readonly string[] = []): boolean {
    const runs = base64Runs(reason, WINDOW);
    if (runs.length === 0) return false;
    const compact = secrets.map((s) => s.replace(/\s/g, ""));
    for (const run of runs) {
        // A quoted piece of a key starts where the run starts or ends where it ends (a reason never quotes the
        // middle of a value without its start): the first and last 4 KiB of a run of megabytes are enough.
        const ends = run.length > 8192 ? [run.slice(0, 4096), run.slice(-4096)] : [run];
        for (const part of ends) {
            for (let i = 0; i + WINDOW <= part.length; i += 8) {
                const piece = part.slice(i, i + WINDOW);
                if (compact.some((s) => s.includes(piece)) && !own.some((o) => o.includes(piece))) return true;
            }
        }
    }
    return false;
}

// ---- Inputs of check ---------------------------------------------------------------------------------------------

/** Where one input's value comes from. */
type FieldSource =
    | { readonly from: "text"; readonly spec: TextSpec }
    | { readonly from: "domain"; readonly spec: DomainSpec }
    | { readonly from: "value"; readonly spec: ValueSpec }
    | { readonly from: "literal"; readonly value: string | number | boolean }
    | { readonly from: "chain"; readonly index: number; readonly encoding: Encoding }
    | { readonly from: "key"; readonly index: number; readonly traditional: boolean; readonly encoding: Encoding }
    | { readonly from: "encrypted key" }
    | { readonly from: "name"; readonly index: number; readonly pick: number };

const SINGLE_FIELDS = [
    "domainName",
    "status",
    "certificate",
    "privateKey",
    "certName",
    "certType",
    "certId",
    "certRegion",
    "forceSet",
    "confirmTimeoutSeconds",
] as const;
const GROUP_FIELDS = [...SINGLE_FIELDS, "domains", "matchDomains", "excludeDomains", "retainRemovedDomains"] as const;

function sources(pool: Pool, huge: boolean) {
    const index = fc.integer({ min: 0, max: pool.certificates.length - 1 });
    const encoding = fc.constantFrom(...ENCODINGS);
    const text = fc.record({ from: fc.constant("text" as const), spec: textSpec(pool, { huge }) });
    const value = fc.record({ from: fc.constant("value" as const), spec: valueSpec() });
    const literal = (...values: (string | number | boolean)[]) => fc.record({ from: fc.constant("literal" as const), value: fc.constantFrom(...values) });
    const free = (arb: fc.Arbitrary<string | number | boolean>) => fc.record({ from: fc.constant("literal" as const), value: arb });
    const name = fc.record({ from: fc.constant("name" as const), index, pick: fc.nat(9) });
    const domain = fc.record({ from: fc.constant("domain" as const), spec: domainSpec() });
    return {
        domainName: fc.oneof({ arbitrary: name, weight: 3 }, { arbitrary: domain, weight: 3 }, { arbitrary: value, weight: 1 }),
        certificate: fc.oneof(
            { arbitrary: fc.record({ from: fc.constant("chain" as const), index, encoding }), weight: 4 },
            { arbitrary: text, weight: 4 },
            { arbitrary: value, weight: 1 },
        ),
        privateKey: fc.oneof(
            { arbitrary: fc.record({ from: fc.constant("key" as const), index, traditional: fc.boolean(), encoding }), weight: 4 },
            { arbitrary: text, weight: 4 },
            { arbitrary: fc.constant({ from: "encrypted key" as const }), weight: 1 },
            { arbitrary: value, weight: 1 },
        ),
        status: fc.oneof({ arbitrary: literal("on", "off", "ON", " on", "", "true", "On"), weight: 4 }, { arbitrary: value, weight: 1 }),
        certType: fc.oneof({ arbitrary: literal("upload", "cas", "free", "UPLOAD", "dcdn", ""), weight: 4 }, { arbitrary: value, weight: 1 }),
        certId: fc.oneof(
            { arbitrary: literal("8089870", "8089870-cn-hangzhou", 8089870, "0", "-1", "1e5", " 12 ", "99999999999999999999", 1.5, "0x10"), weight: 3 },
            { arbitrary: free(fc.string({ maxLength: 30 })), weight: 1 },
            { arbitrary: value, weight: 1 },
        ),
        certRegion: fc.oneof(
            { arbitrary: literal("cn-hangzhou", "ap-southeast-1", "eu-west-1", "", "CN-HANGZHOU"), weight: 3 },
            { arbitrary: value, weight: 1 },
        ),
        certName: fc.oneof(
            { arbitrary: free(fc.string({ maxLength: 200 })), weight: 3 },
            { arbitrary: literal("a".repeat(128), "a".repeat(129), "名前", "-x", "www.example.com-2025", ""), weight: 2 },
            { arbitrary: value, weight: 1 },
        ),
        forceSet: fc.oneof({ arbitrary: free(fc.boolean()), weight: 3 }, { arbitrary: value, weight: 1 }),
        confirmTimeoutSeconds: fc.oneof({ arbitrary: free(fc.oneof(fc.double(), fc.integer())), weight: 3 }, { arbitrary: value, weight: 1 }),
        domain,
        name,
        value,
    };
}

type Fields = Partial<Record<(typeof SINGLE_FIELDS)[number], FieldSource>>;

interface SingleCase {
    readonly product: "cdn" | "live";
    /** A valid combination to start from: the certificate, its key and a name it covers. */
    readonly pair?: { readonly index: number; readonly pick: number; readonly traditional: boolean };
    readonly fields: Fields;
}

function singleCase(pool: Pool, huge = false): fc.Arbitrary<SingleCase> {
    const s = sources(pool, huge);
    return fc.record(
        {
            product: fc.constantFrom("cdn" as const, "live" as const),
            pair: fc.record({ index: fc.integer({ min: 0, max: pool.certificates.length - 1 }), pick: fc.nat(9), traditional: fc.boolean() }),
            fields: fc.record(
                {
                    domainName: s.domainName,
                    status: s.status,
                    certificate: s.certificate,
                    privateKey: s.privateKey,
                    certName: s.certName,
                    certType: s.certType,
                    certId: s.certId,
                    certRegion: s.certRegion,
                    forceSet: s.forceSet,
                    confirmTimeoutSeconds: s.confirmTimeoutSeconds,
                },
                { requiredKeys: [] },
            ),
        },
        { requiredKeys: ["product", "fields"] },
    );
}

interface Materialized {
    readonly news: Record<string, unknown>;
    readonly label: string;
    /** The largest value given and what it is: what makes an input slow, for the timing report. */
    readonly headline?: string;
    /** What each input was given, by label (R5 says where a text came from). */
    readonly given?: Readonly<Record<string, string>>;
    /** The strings given as certificate or private key: no reason may quote a piece of them. */
    readonly secrets: string[];
}

function fieldValue(pool: Pool, source: FieldSource): { value: unknown; label: string } {
    switch (source.from) {
        case "text":
            return { value: materializeText(pool, source.spec), label: describeText(pool, source.spec) };
        case "domain":
            return { value: materializeDomain(source.spec), label: describeDomain(source.spec) };
        case "value":
            return { value: materializeValue(source.spec), label: describeValue(source.spec) };
        case "literal":
            return {
                value: source.value,
                label: typeof source.value === "string" && source.value.length > 40 ? `${source.value.length}-char string` : JSON.stringify(source.value),
            };
        case "chain": {
            const c = pool.certificates[source.index]!;
            return { value: reencode(c.chainPem, source.encoding), label: `chain ${c.label} (${source.encoding})` };
        }
        case "key": {
            const c = pool.certificates[source.index]!;
            return { value: reencode(source.traditional ? c.keyTraditional : c.keyPkcs8, source.encoding), label: `key of ${c.label} (${source.encoding})` };
        }
        case "encrypted key":
            return { value: pool.encryptedKey, label: "encrypted key" };
        case "name": {
            const c = pool.certificates[source.index]!;
            return { value: c.domains[source.pick % c.domains.length], label: "a name the pool covers" };
        }
    }
}

function materializeFields(pool: Pool, pair: SingleCase["pair"], fields: Fields, withDomain: boolean): Materialized {
    const news: Record<string, unknown> = {};
    const labels: string[] = [];
    let headline = { size: -1, text: "" };
    if (pair) {
        const c = pool.certificates[pair.index]!;
        news.certificate = c.chainPem;
        news.privateKey = pair.traditional ? c.keyTraditional : c.keyPkcs8;
        if (withDomain) news.domainName = c.domains[pair.pick % c.domains.length];
        labels.push(`valid ${c.label}`);
    }
    for (const [field, source] of Object.entries(fields) as [string, FieldSource][]) {
        if (field === "domainName" && !withDomain) continue;
        const { value, label } = fieldValue(pool, source);
        news[field] = value;
        labels.push(`${field}: ${label}`);
        const size = typeof value === "string" ? value.length : 0;
        if (size > headline.size)
            headline = {
                size,
                text: `${field}: ${label}${size >= 1024 ? ` (${size >= 1 << 20 ? `${(size / (1 << 20)).toFixed(1)} MB` : `${Math.round(size / 1024)} KB`})` : ""}`,
            };
    }
    const secrets = [news.certificate, news.privateKey].filter((v): v is string => typeof v === "string");
    return { news, label: labels.join(", ") || "no inputs", ...(headline.size >= 0 ? { headline: headline.text } : {}), secrets };
}

// ---- The providers under test ----------------------------------------------------------------------------------

/** The providers' progress and warning sink, by shape (it has moved between modules; only its shape matters here). */
interface ProgressSink {
    report(message: string): void;
    close(): Promise<void> | void;
}

function silentSink(recorder: Recorder): ProgressSink {
    return { report: (message: string) => recorder.keep(message, "check warning"), close: () => undefined };
}

function dependencies(product: ProductSpec, recorder: Recorder): ProviderDependencies {
    return {
        product,
        // check never calls the cloud: a service that throws proves it.
        service: () => {
            throw new Error("check called the service");
        },
        // Fail within 10 days, warn within 30: the pool has a certificate in each window.
        expiry: () => ({ policy: { warningDays: 30, failDays: 10 }, failures: [] }),
        warnings: () => silentSink(recorder),
    };
}

export function providers(recorder: Recorder) {
    const make = (product: ProductSpec) => ({
        single: certificateProvider(dependencies(product, recorder)),
        group: groupProvider({ ...dependencies(product, recorder), progress: () => silentSink(recorder), notes: () => silentSink(recorder) }),
    });
    return { cdn: make(CDN), live: make(LIVE) };
}

type Failure = { property: string; reason: string };

/** Every failure names an input: as its property, or (never echoed) as `<input>: ` at the start of its reason. */
function checkFailures(failures: readonly Failure[] | undefined, names: readonly string[], input: Materialized, recorder: Recorder): void {
    for (const failure of failures ?? []) {
        if (typeof failure.reason !== "string" || failure.reason.trim() === "")
            broken(`a failure on ${JSON.stringify(failure.property)} has no reason`, input.label);
        const named = names.includes(failure.property) || (failure.property === "" && names.some((n) => failure.reason.startsWith(`${n}: `)));
        if (!named)
            broken(
                `a failure names no input: property ${JSON.stringify(failure.property)}, reason starting ${JSON.stringify(failure.reason.slice(0, 60))}`,
                input.label,
            );
        if (failure.property === "privateKey" || failure.property === "certificate")
            broken(`a failure on ${failure.property} is reported against the property, so the engine echoes its value`, input.label);
        // A reason may quote (a piece of) its own input, which the fuzzing may have filled with the same text as
        // the certificate: only a piece found in the certificate or key and not in the failing input counts.
        const named_ = failure.property || names.find((n) => failure.reason.startsWith(`${n}: `)) || "";
        const own = named_ === "certificate" || named_ === "privateKey" ? [] : ownTexts(input.news[named_]);
        if (echoedSecret(failure.reason, input.secrets, own))
            broken(
                `the reason of a failure on ${failure.property || failure.reason.split(":")[0]} quotes a piece of the certificate or key given`,
                input.label,
            );
        recorder.largestReason = Math.max(recorder.largestReason, failure.reason.length);
        if (failure.reason.length > 16_384) {
            recorder.soft(
                `a reason on ${failure.property || failure.reason.split(":")[0]} echoes the whole value given`,
                () => input.label,
                "the user sees megabytes in `pulumi preview`",
                failure.reason.length,
            );
        }
        recorder.keep(failure.reason, `check reason on ${named_ || "(no field)"}${input.given?.[named_] ? ` (given: ${input.given[named_]})` : ""}`);
    }
}

/** What check accepted must be what it would accept again, unchanged: normalization is a fixed point. */
function checkNormalized(inputs: Record<string, unknown>, label: string, single = true): void {
    try {
        checkFixedPoint(inputs, label, single);
    } catch (error) {
        if (error instanceof PropertyBroken) throw error;
        broken(`a value check accepted is refused when checked again: ${describeError(error)}`, label);
    }
}

function checkFixedPoint(inputs: Record<string, unknown>, label: string, single: boolean): void {
    const { domainName, certificate, privateKey, fingerprint } = inputs;
    // The resource's id is its domain: a check that passes without one defers the error to the API call.
    if (single && !isUnknown(domainName) && (typeof domainName !== "string" || domainName.trim() === ""))
        broken("check accepted a resource without a domainName (missing, null or empty)", label);
    if (typeof domainName === "string" && domainName !== "" && !isUnknown(domainName) && normalizeDomainName(domainName) !== domainName)
        broken("the normalized domainName normalizes to something else", label);
    // An empty certificate or key is "not given" (check then requires it where it is needed), and passes as it is.
    if (typeof certificate === "string" && certificate !== "" && !isUnknown(certificate)) {
        const again = parseCertificateChain(certificate);
        if (again.pem !== certificate) broken("the normalized certificate normalizes to something else", label);
        if (fingerprint !== again.info.fingerprint) broken("the fingerprint is not that of the normalized certificate", label);
    }
    if (typeof privateKey === "string" && privateKey !== "" && !isUnknown(privateKey) && parsePrivateKey(privateKey).pem !== privateKey)
        broken("the normalized privateKey normalizes to something else", label);
}

// ---- The properties -----------------------------------------------------------------------------------------------

export interface PropertyDefinition {
    readonly name: string;
    readonly runs: number;
    readonly make: (pool: Pool, recorder: Recorder, tick: (label: () => string) => void) => fc.IRawProperty<any>;
}

function parseText(recorder: Recorder, label: string, text: string, secrets: readonly string[]): void {
    for (const [what, parse] of [
        ["parseCertificateChain", (t: string) => parseCertificateChain(t).pem],
        ["parsePrivateKey", (t: string) => parsePrivateKey(t).pem],
    ] as const) {
        let normalized: string | undefined;
        try {
            normalized = recorder.time(
                () => `${label} (${what})`,
                () => parse(text),
            );
        } catch (error) {
            if (!(error instanceof CertificateInputError)) broken(`${what} threw ${describeError(error)}`, label);
            if (echoedSecret(error.reason, secrets)) broken(`a ${what} reason quotes a piece of its input`, label);
            recorder.largestReason = Math.max(recorder.largestReason, error.reason.length);
            recorder.keep(error.reason, `${what} reason`);
            continue;
        }
        if (parse(normalized) !== normalized) broken(`${what}'s output normalizes to something else`, label);
    }
}

function normalizeDomain(recorder: Recorder, label: string, input: string): void {
    let normalized: string;
    try {
        normalized = recorder.time(
            () => label,
            () => normalizeDomainName(input),
        );
    } catch (error) {
        if (!(error instanceof CertificateInputError)) broken(`normalizeDomainName threw ${describeError(error)}`, label);
        recorder.keep(error.reason, "normalizeDomainName reason");
        if (error.reason.length > 2_000) recorder.soft("a long domain reason", () => label, "a domain reason of thousands of characters", error.reason.length);
        return;
    }
    // A wildcard domain comes out as the API names it, with a leading dot (".example.com").
    if (normalized.length > 253 || !/^\.?([a-z0-9-]{1,63}\.)+[a-z0-9-]{1,63}$/.test(normalized))
        broken(`normalizeDomainName accepted and returned ${JSON.stringify(normalized.slice(0, 80))}`, label);
    if (
        normalized
            .replace(/^\./, "")
            .split(".")
            .some((l) => l.startsWith("-") || l.endsWith("-"))
    )
        broken("a normalized label starts or ends with a hyphen", label);
    if (normalizeDomainName(normalized) !== normalized) broken("normalizeDomainName is not idempotent", label);
    // The browser's reading of the same name (WHATWG URL), for a name without a wildcard: the domain deployed is the
    // one a user's browser connects to, so a homoglyph cannot be normalized into another site's name.
    if (!normalized.startsWith(".")) {
        let host: string | undefined;
        try {
            host = new URL(`https://${input.trim()}/`).hostname;
        } catch {
            host = undefined;
        }
        if (host !== normalized)
            recorder.soft(
                "normalized name differs from the browser's",
                () => `${label} → ${JSON.stringify(normalized)} vs URL ${JSON.stringify(host)}`,
                "normalizeDomainName and WHATWG URL disagree",
            );
    }
    // Not a defect when the browser reads it the same (above): a name with characters IDNA maps away (fullwidth
    // letters, invisible joiners) lands on the ASCII name, as it does in the address bar. Counted, to say so.
    if (!isAscii(input) && isAscii(normalized) && !normalized.includes("xn--") && coversDomain(["www.example.com", "example.com", "paypal.com"], normalized)) {
        recorder.soft(
            "info: non-ASCII lookalike mapped onto a covered ASCII name, as WHATWG URL maps it",
            () => label,
            "IDNA mapping (UTS #46), the browser's reading too",
        );
    }
}

async function runCheck(
    recorder: Recorder,
    provider: { check?: (olds: unknown, news: Record<string, unknown>) => Promise<{ inputs?: unknown; failures?: Failure[] }> },
    input: Materialized,
    headline?: string,
): Promise<{ inputs?: Record<string, unknown>; failures?: Failure[] }> {
    try {
        return (await recorder.timeAsync(
            () => headline ?? input.label,
            () => provider.check!({}, input.news),
        )) as { inputs?: Record<string, unknown>; failures?: Failure[] };
    } catch (error) {
        if (error instanceof PropertyBroken) throw error;
        return broken(`check threw ${describeError(error)}`, input.label);
    }
}

function groupCase(pool: Pool, huge = false) {
    const s = sources(pool, huge);
    const listItem = fc.oneof({ arbitrary: s.name, weight: 3 }, { arbitrary: s.domain, weight: 3 }, { arbitrary: s.value, weight: 1 });
    const domains = fc.oneof(
        { arbitrary: fc.record({ from: fc.constant("list" as const), items: fc.array(listItem, { maxLength: 30 }) }), weight: 4 },
        { arbitrary: fc.record({ from: fc.constant("covered" as const), count: fc.integer({ min: 1, max: 5000 }), duplicate: fc.boolean() }), weight: 1 },
        { arbitrary: fc.record({ from: fc.constant("value" as const), spec: valueSpec() }), weight: 1 },
        { arbitrary: fc.record({ from: fc.constant("unknown elements" as const), count: fc.integer({ min: 1, max: 5 }) }), weight: 1 },
    );
    return fc.record(
        {
            single: singleCase(pool, huge),
            domains,
            matchDomains: fc.oneof(
                fc.boolean(),
                s.value.map((v) => v.spec),
            ),
            excludeDomains: fc.oneof(
                fc.array(listItem, { maxLength: 5 }),
                s.value.map((v) => v.spec),
            ),
            retainRemovedDomains: fc.oneof(
                fc.boolean(),
                s.value.map((v) => v.spec),
            ),
            domainName: s.domainName,
        },
        { requiredKeys: ["single", "domains"] },
    );
}

type GroupCase = ReturnType<typeof groupCase> extends fc.Arbitrary<infer T> ? T : never;

function materializeGroup(pool: Pool, g: GroupCase): Materialized {
    const base = materializeFields(pool, g.single.pair, g.single.fields, false);
    const news = { ...base.news };
    const labels = [base.label];
    const item = (source: FieldSource) => fieldValue(pool, source);
    switch (g.domains.from) {
        case "list": {
            const items = g.domains.items.map(item);
            news.domains = items.map((i) => i.value);
            labels.push(`domains: ${items.length} (${[...new Set(items.map((i) => i.label.split(" ")[0]))].join(", ")})`);
            break;
        }
        case "covered": {
            // The wildcard certificate's names: n<i>.example.com, with every name twice in other case when `duplicate`.
            const names = Array.from({ length: g.domains.count }, (_, i) => `n${i}.example.com`);
            news.domains = g.domains.duplicate ? [...names, ...names.map((n) => n.toUpperCase())] : names;
            labels.push(`domains: ${g.domains.count} names${g.domains.duplicate ? " twice" : ""}`);
            break;
        }
        case "value":
            news.domains = materializeValue(g.domains.spec);
            labels.push(`domains: ${describeValue(g.domains.spec)}`);
            break;
        case "unknown elements":
            news.domains = Array.from({ length: g.domains.count }, (_, i) => (i % 2 === 0 ? UNKNOWN : `u${i}.example.com`));
            labels.push("domains with unknown elements");
            break;
    }
    if (g.matchDomains !== undefined) news.matchDomains = typeof g.matchDomains === "boolean" ? g.matchDomains : materializeValue(g.matchDomains);
    if (g.excludeDomains !== undefined)
        news.excludeDomains = Array.isArray(g.excludeDomains) ? g.excludeDomains.map((s) => item(s).value) : materializeValue(g.excludeDomains);
    if (g.retainRemovedDomains !== undefined)
        news.retainRemovedDomains = typeof g.retainRemovedDomains === "boolean" ? g.retainRemovedDomains : materializeValue(g.retainRemovedDomains);
    if (g.domainName !== undefined) {
        news.domainName = item(g.domainName).value;
        labels.push("domainName given to a group");
    }
    if (g.matchDomains !== undefined) labels.push(`matchDomains: ${typeof g.matchDomains === "boolean" ? g.matchDomains : "junk"}`);
    return { news, label: labels.join(", "), ...(base.headline ? { headline: base.headline } : {}), secrets: base.secrets };
}

// Diff: a valid combination, checked; then the same re-encoded, rotated, moved, turned off and unknown.
interface DiffCase {
    readonly product: "cdn" | "live";
    readonly index: number;
    readonly pick: number;
    readonly encodings: readonly [Encoding, Encoding];
    readonly traditional: readonly [boolean, boolean];
    readonly certName: string | undefined;
    readonly groupSize: number;
    readonly shuffle: number;
    readonly junkField: string;
    readonly junk: ValueSpec;
}

function diffCase(pool: Pool): fc.Arbitrary<DiffCase> {
    const acceptable = pool.certificates.map((c, i) => (c.acceptable ? i : -1)).filter((i) => i >= 0);
    const encoding = fc.constantFrom(...ENCODINGS);
    return fc.record({
        product: fc.constantFrom("cdn" as const, "live" as const),
        index: fc.constantFrom(...acceptable),
        pick: fc.nat(9),
        encodings: fc.tuple(encoding, encoding),
        traditional: fc.tuple(fc.boolean(), fc.boolean()),
        certName: fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,40}$/), { nil: undefined }),
        groupSize: fc.integer({ min: 1, max: 60 }),
        shuffle: fc.nat(),
        junkField: fc.constantFrom(
            "domains",
            "served",
            "matchedDomains",
            "excludeDomains",
            "fingerprint",
            "status",
            "certType",
            "chainFingerprint",
            "domainName",
            "certName",
        ),
        junk: valueSpec().filter((v) => v.kind !== "huge string"),
    });
}

export function definitions(pool: Pool): PropertyDefinition[] {
    const texts = textSpec(pool);
    return [
        {
            name: "normalize-text",
            runs: 2500,
            make: (_pool, recorder, tick) =>
                fc.property(texts, (spec) =>
                    recorder.guard(() => {
                        const label = describeText(pool, spec);
                        tick(() => label);
                        const text = materializeText(pool, spec);
                        parseText(recorder, label, text, [text]);
                    }),
                ),
        },
        {
            name: "normalize-domain",
            runs: 3000,
            make: (_pool, recorder, tick) =>
                fc.property(domainSpec(), (spec) =>
                    recorder.guard(() => {
                        const label = describeDomain(spec);
                        tick(() => label);
                        normalizeDomain(recorder, label, materializeDomain(spec));
                    }),
                ),
        },
        {
            name: "check-single",
            runs: 2500,
            make: (_pool, recorder, tick) => {
                const all = providers(recorder);
                return fc.asyncProperty(singleCase(pool), (c) =>
                    recorder.guardAsync(async () => {
                        const input = materializeFields(pool, c.pair, c.fields, true);
                        const label = `${c.product}: ${input.label}`;
                        tick(() => label);
                        const result = await runCheck(recorder, all[c.product].single, { ...input, label }, `${c.product} check: ${input.headline}`);
                        checkFailures(result.failures, SINGLE_FIELDS, { ...input, label }, recorder);
                        if (!result.inputs) broken("check returned no inputs", label);
                        if (!result.failures) checkNormalized(result.inputs, label);
                    }),
                );
            },
        },
        {
            name: "check-group",
            runs: 1200,
            make: (_pool, recorder, tick) => {
                const all = providers(recorder);
                return fc.asyncProperty(groupCase(pool), (g) =>
                    recorder.guardAsync(async () => {
                        const input = materializeGroup(pool, g);
                        const label = `${g.single.product} group: ${input.label}`;
                        tick(() => label);
                        const result = await runCheck(
                            recorder,
                            all[g.single.product].group,
                            { ...input, label },
                            `${g.single.product} group check: ${input.headline}`,
                        );
                        checkFailures(result.failures, GROUP_FIELDS, { ...input, label }, recorder);
                        if (!result.inputs) broken("check returned no inputs", label);
                        if (!result.failures) {
                            const user = fromEngine(result.inputs as { domains?: unknown });
                            const domains = (user as { domains?: unknown }).domains;
                            if (Array.isArray(domains)) {
                                const known = domains.filter((d) => !isUnknown(d));
                                if (new Set(known).size !== known.length) broken("an accepted group lists a domain twice", label);
                                for (const d of known)
                                    if (normalizeDomainName(d as string) !== d) broken("an accepted group holds a domain that is not normalized", label);
                            }
                        }
                    }),
                );
            },
        },
        {
            name: "diff",
            runs: 800,
            make: (_pool, recorder, tick) => {
                const all = providers(recorder);
                return fc.asyncProperty(diffCase(pool), (d) =>
                    recorder.guardAsync(async () => {
                        const c = pool.certificates[d.index]!;
                        const label = `${d.product} diff of ${c.label} (${d.encodings.join(" then ")})`;
                        tick(() => label);
                        await diffProperties(recorder, all[d.product], pool, d, label);
                    }),
                );
            },
        },
        {
            name: "huge",
            runs: 48,
            make: (_pool, recorder, tick) => {
                const all = providers(recorder);
                const huge = hugeSpec();
                const field = fc.constantFrom("certificate", "privateKey", "domainName", "certName", "status", "certId", "domains");
                return fc.asyncProperty(huge, field, fc.constantFrom("cdn" as const, "live" as const), (spec, where, product) =>
                    recorder.guardAsync(async () => {
                        const text = materializeText(pool, spec);
                        const what = describeText(pool, spec);
                        const label = `${what} as ${where}`;
                        tick(() => label);
                        if (where === "certificate" || where === "privateKey") parseText(recorder, what, text, [text]);
                        const valid = pool.certificates[1]!;
                        const base: Record<string, unknown> = { domainName: "a.example.com", certificate: valid.chainPem, privateKey: valid.keyPkcs8 };
                        const secret = where === "certificate" || where === "privateKey";
                        const target = where === "domains" ? "domainName" : where;
                        const single: Materialized = {
                            news: { ...base, [target]: text },
                            label: `${product}: ${label}`,
                            secrets: [...(secret ? [text] : []), valid.chainPem, valid.keyPkcs8],
                            given: { [target]: what },
                        };
                        const one = await runCheck(recorder, all[product].single, single, `${product} check: ${label}`);
                        checkFailures(one.failures, SINGLE_FIELDS, single, recorder);
                        const { domainName: _d, ...shared } = base;
                        const group: Materialized = {
                            news:
                                where === "domains" || where === "domainName"
                                    ? { ...shared, domains: [text, "a.example.com"] }
                                    : { ...shared, domains: ["a.example.com"], [where]: text },
                            label: `${product} group: ${label}`,
                            secrets: single.secrets,
                            given: { [where === "domainName" ? "domains" : where]: what },
                        };
                        const many = await runCheck(recorder, all[product].group, group, `${product} group check: ${label}`);
                        checkFailures(many.failures, GROUP_FIELDS, group, recorder);
                    }),
                );
            },
        },
    ];
}

type Providers = ReturnType<typeof providers>["cdn"];

async function diffProperties(recorder: Recorder, p: Providers, pool: Pool, d: DiffCase, label: string): Promise<void> {
    const c = pool.certificates[d.index]!;
    const domain = c.domains[d.pick % c.domains.length]!;
    const check = async (news: Record<string, unknown>, what: string) => {
        const result = await runCheck(recorder, p.single, { news, label: `${label}: ${what}`, secrets: [] });
        if (result.failures) broken(`check refused a valid combination (${what}): ${result.failures.map((f) => f.reason.slice(0, 120)).join("; ")}`, label);
        return result.inputs!;
    };
    const diff = async (olds: Record<string, unknown>, news: Record<string, unknown>, what: string) => {
        try {
            return await recorder.timeAsync(
                () => `${label}: ${what}`,
                () => p.single.diff!("id", olds, news),
            );
        } catch (error) {
            return broken(`diff threw ${describeError(error)} (${what})`, label);
        }
    };
    const key = (traditional: boolean) => (traditional ? c.keyTraditional : c.keyPkcs8);
    const declared = {
        domainName: domain,
        certificate: reencode(c.chainPem, d.encodings[0]),
        privateKey: reencode(key(d.traditional[0]), d.encodings[0]),
        ...(d.certName ? { certName: d.certName } : {}),
    };
    const news = await check(declared, "as declared");
    const olds = { ...news, chainFingerprint: parseCertificateChain(news.certificate as string).info.chainFingerprint };

    if ((await diff(olds, news, "unchanged")).changes) broken("diff of unchanged inputs shows a change", label);
    const again = await check(
        {
            ...declared,
            domainName: domain.toUpperCase(),
            certificate: reencode(c.chainPem, d.encodings[1]),
            privateKey: reencode(key(d.traditional[1]), d.encodings[1]),
        },
        "re-encoded",
    );
    const reencoded = await diff(olds, again, "re-encoded");
    if (reencoded.changes) broken(`re-encoding (${d.encodings[1]}, ${d.traditional[1] ? "PKCS#1/SEC1" : "PKCS#8"}) shows a change`, label);

    const rotation = pool.certificates.find((o) => o !== c && o.acceptable && coversDomain(o.domains, domain) && o.domains.includes(domain));
    if (rotation) {
        const rotated = await check({ ...declared, certificate: rotation.chainPem, privateKey: rotation.keyPkcs8 }, "rotated");
        const result = await diff(olds, rotated, "rotated");
        if (!result.changes || (result.replaces ?? []).length > 0) broken("a rotation is not an in-place change", label);
    }
    const other = c.domains.find((n) => n !== domain);
    if (other) {
        const moved = await diff(olds, await check({ ...declared, domainName: other }, "moved"), "moved");
        if (!(moved.replaces ?? []).includes("domainName")) broken("a domain change does not replace", label);
    }
    if (!(await diff(olds, { ...news, status: "off" }, "off")).changes) broken("turning HTTPS off shows no change", label);
    if (!(await diff(olds, { ...news, certificate: UNKNOWN, fingerprint: UNKNOWN }, "unknown")).changes)
        broken("an unknown certificate shows no change", label);

    // The group: the same certificate on some of the names it covers, then the same re-encoded and reordered.
    const names = c.domains.some((n) => n.startsWith("*.")) ? Array.from({ length: d.groupSize }, (_, i) => `g${i}.example.com`) : [...c.domains];
    const groupDeclared = { ...declared, domainName: undefined, domains: names };
    delete (groupDeclared as Record<string, unknown>).domainName;
    const groupChecked = await runCheck(recorder, p.group, { news: groupDeclared, label: `${label}: group`, secrets: [] });
    if (groupChecked.failures) broken(`group check refused a valid combination: ${groupChecked.failures.map((f) => f.reason.slice(0, 120)).join("; ")}`, label);
    const engineNews = groupChecked.inputs!;
    const user = fromEngine(engineNews as { domains?: string[] }) as Record<string, unknown> & { domains: string[] };
    const served = Object.fromEntries(user.domains.map((n) => [n, { status: "on", fingerprint: user.fingerprint }]));
    const groupOlds = { ...user, domainNames: user.domains, served, chainFingerprint: olds.chainFingerprint };
    const groupDiff = async (o: Record<string, unknown>, n: Record<string, unknown>, what: string) => {
        try {
            return await recorder.timeAsync(
                () => `${label}: group ${what}`,
                () => p.group.diff!("id", o, n),
            );
        } catch (error) {
            return broken(`group diff threw ${describeError(error)} (${what})`, label);
        }
    };
    if ((await groupDiff(groupOlds, engineNews, "unchanged")).changes) broken("group diff of unchanged inputs shows a change", label);
    const reordered = [...names].reverse().map((n, i) => (i % 2 === 0 ? n.toUpperCase() : n));
    const regrouped = await runCheck(recorder, p.group, {
        news: {
            ...groupDeclared,
            domains: reordered,
            certificate: reencode(c.chainPem, d.encodings[1]),
            privateKey: reencode(key(d.traditional[1]), d.encodings[1]),
        },
        label: `${label}: group re-encoded`,
        secrets: [],
    });
    if (regrouped.failures) broken("group check refused the re-encoded, reordered combination", label);
    if ((await groupDiff(groupOlds, regrouped.inputs!, "re-encoded")).changes) broken("group diff of re-encoded, reordered inputs shows a change", label);
    const drifted = { ...groupOlds, served: { ...served, [user.domains[0]!]: { status: "on", fingerprint: "0".repeat(64) } } };
    if (!(await groupDiff(drifted, engineNews, "drifted")).changes) broken("a drifted domain shows no change", label);

    // A state this provider did not write (an older version, a hand edit): a field holding something else. Not a
    // hard property (the engine hands back what the provider stored), but a throw here would stop every update.
    const junk = materializeValue(d.junk);
    try {
        await p.group.diff!("id", { ...groupOlds, [d.junkField]: junk }, engineNews);
        await p.single.diff!("id", { ...olds, [d.junkField]: junk }, news);
    } catch (error) {
        recorder.soft(
            `diff throws on a state whose ${d.junkField} is not what the provider writes`,
            () => `${label}, ${d.junkField}: ${describeValue(d.junk)}`,
            describeError(error),
        );
    }
}

/** Every character is ASCII (code point below 128). */
function isAscii(text: string): boolean {
    for (const c of text) if (c.codePointAt(0)! > 0x7f) return false;
    return true;
}
