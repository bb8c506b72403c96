// What R4 feeds check, normalization and diff: hostile texts, domains and values, drawn by fast-check as small
// descriptors and only then turned into the value itself. A descriptor shrinks cheaply (a 10 MB string is
// described by its shape and size, not held by fast-check), and names itself in a short label ("10 MB PEM junk"),
// which is what the report prints: an input is never printed, since it may hold a key.
import fc from "fast-check";
import { UNKNOWN } from "../../provider/lifecycle/model";
import { seededRandom } from "../../emulator/random";
import type { Pool } from "./pool";

// ---- Texts (certificate and key fields, and the parsers) -----------------------------------------------------------

export type Mutation =
    | { readonly op: "flip" | "delete" | "duplicate"; readonly at: number; readonly length: number }
    | { readonly op: "insert" | "replace"; readonly at: number; readonly text: string };

/** How a well-formed PEM is re-encoded before use: each is something users paste and check must take alike. */
export const ENCODINGS = ["as-is", "crlf", "literal-newlines", "bag-attributes", "blank-lines", "reversed", "indented"] as const;
export type Encoding = (typeof ENCODINGS)[number];

export const HUGE_SHAPES = [
    "PEM junk",
    "PEM junk on one line",
    "printable junk",
    "dashes",
    "BEGIN lines",
    "unterminated BEGIN markers",
    "literal \\n",
    "blank lines in a block",
    "spaces in a block",
    "one header line",
    "repeated key",
    // 10 MB of one certificate is 8,000 blocks. Check parsed each before it saw a copy (2.5 to 4.6 s a megabyte,
    // issue #13's R4 report), so this shape was left undrawn; copies are now found by hash before any parse.
    "repeated certificate",
] as const;
export type HugeShape = (typeof HUGE_SHAPES)[number];

export type TextSpec =
    | { readonly kind: "pool"; readonly base: number; readonly encoding: Encoding }
    | { readonly kind: "mutated"; readonly base: number; readonly mutations: readonly Mutation[] }
    | { readonly kind: "truncated"; readonly base: number; readonly at: number }
    /** Bytes of a block's DER changed, the base64 re-encoded: damage inside the structure that a text edit rarely makes. */
    | { readonly kind: "der"; readonly base: number; readonly flips: readonly { readonly at: number; readonly xor: number }[] }
    | { readonly kind: "bytes"; readonly bytes: Uint8Array; readonly decoding: "latin1" | "utf8" }
    | { readonly kind: "unicode"; readonly text: string }
    | { readonly kind: "repeated"; readonly base: number; readonly times: number; readonly nested: boolean }
    | {
          readonly kind: "chain";
          readonly length: 100 | 16;
          readonly order: "leaf first" | "reversed" | "shuffled" | "leaf missing" | "middle missing";
          readonly shuffle: number;
      }
    | { readonly kind: "huge"; readonly shape: HugeShape; readonly megabytes: number };

/** Positions are drawn as a fraction (0..9999 / 10000) of the text's length, so that one descriptor fits any base. */
const fraction = fc.integer({ min: 0, max: 9999 });

const PEM_FRAGMENTS = [
    "-----BEGIN CERTIFICATE-----",
    "-----END CERTIFICATE-----",
    "-----BEGIN PRIVATE KEY-----",
    "-----END PRIVATE KEY-----",
    "-----BEGIN ",
    "-----",
    "\n",
    "\r\n",
    "\\n",
    "=",
    "==",
    "Proc-Type: 4,ENCRYPTED\n",
    "DEK-Info: AES-256-CBC,00\n\n",
    "\u0000",
    "\u00ff",
    "\ud800",
    "💥",
    "MIIB",
    "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n",
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ op: fc.constantFrom("flip" as const, "delete" as const, "duplicate" as const), at: fraction, length: fc.integer({ min: 1, max: 200 }) }),
    fc.record({
        op: fc.constantFrom("insert" as const, "replace" as const),
        at: fraction,
        text: fc.oneof(fc.constantFrom(...PEM_FRAGMENTS), fc.string({ maxLength: 20 }), fc.string({ unit: "binary", maxLength: 8 })),
    }),
);

export function textSpec(pool: Pool, options: { huge: boolean } = { huge: false }): fc.Arbitrary<TextSpec> {
    const base = fc.integer({ min: 0, max: pool.texts.length - 1 });
    // Weighted by what each finds per second: a chain of 16 costs check tens of milliseconds (every certificate
    // parsed and its issuer's signature verified), a mutation one.
    const arbitraries: fc.WeightedArbitrary<TextSpec>[] = [
        { arbitrary: fc.record({ kind: fc.constant("pool" as const), base, encoding: fc.constantFrom(...ENCODINGS) }), weight: 4 },
        { arbitrary: fc.record({ kind: fc.constant("mutated" as const), base, mutations: fc.array(mutation, { minLength: 1, maxLength: 6 }) }), weight: 8 },
        { arbitrary: fc.record({ kind: fc.constant("truncated" as const), base, at: fraction }), weight: 3 },
        {
            arbitrary: fc.record({
                kind: fc.constant("der" as const),
                base,
                flips: fc.array(fc.record({ at: fraction, xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 3 }),
            }),
            weight: 4,
        },
        {
            arbitrary: fc.record({
                kind: fc.constant("bytes" as const),
                bytes: fc.uint8Array({ maxLength: 4096 }),
                decoding: fc.constantFrom("latin1" as const, "utf8" as const),
            }),
            weight: 3,
        },
        { arbitrary: fc.record({ kind: fc.constant("unicode" as const), text: fc.string({ unit: "grapheme", maxLength: 200 }) }), weight: 2 },
        { arbitrary: fc.record({ kind: fc.constant("repeated" as const), base, times: fc.integer({ min: 2, max: 300 }), nested: fc.boolean() }), weight: 3 },
        {
            arbitrary: fc.record({
                kind: fc.constant("chain" as const),
                length: fc.constantFrom(100 as const, 16 as const),
                order: fc.constantFrom("leaf first" as const, "reversed" as const, "shuffled" as const, "leaf missing" as const, "middle missing" as const),
                shuffle: fc.integer({ min: 0, max: 1_000_000 }),
            }),
            weight: 1,
        },
    ];
    if (options.huge) arbitraries.push({ arbitrary: hugeSpec(), weight: 1 });
    return fc.oneof(...arbitraries);
}

export function hugeSpec(): fc.Arbitrary<TextSpec> {
    return fc.record({ kind: fc.constant("huge" as const), shape: fc.constantFrom(...HUGE_SHAPES), megabytes: fc.constantFrom(1, 5, 10, 10) });
}

function at(text: string, position: number): number {
    return Math.floor((position / 10000) * text.length);
}

export function reencode(pem: string, encoding: Encoding): string {
    switch (encoding) {
        case "as-is":
            return pem;
        case "crlf":
            return pem.replace(/\n/g, "\r\n");
        case "literal-newlines":
            return pem.replace(/\n/g, "\\n");
        case "bag-attributes":
            return pem.replace(/-----BEGIN ([A-Z0-9 ]+)-----/g, "Bag Attributes\n    localKeyID: 01 02 03\nsubject=/CN=pasted\n-----BEGIN $1-----");
        case "blank-lines":
            return `\n\n${pem.replace(/-----\n-----/g, "-----\n\n\n-----")}\n\n`;
        case "reversed": {
            const blocks = pem.match(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----\n?/g) ?? [pem];
            return blocks.reverse().join("");
        }
        case "indented":
            return pem.replace(/^/gm, "  ");
    }
}

function mutate(text: string, m: Mutation): string {
    const i = at(text, m.at);
    switch (m.op) {
        case "flip": {
            const chars = [...text.slice(i, i + m.length)].map((c) => String.fromCharCode(c.charCodeAt(0) ^ 0x20));
            return text.slice(0, i) + chars.join("") + text.slice(i + m.length);
        }
        case "delete":
            return text.slice(0, i) + text.slice(i + m.length);
        case "duplicate":
            return text.slice(0, i + m.length) + text.slice(i, i + m.length) + text.slice(i + m.length);
        case "insert":
            return text.slice(0, i) + m.text + text.slice(i);
        case "replace":
            return text.slice(0, i) + m.text + text.slice(i + m.text.length);
    }
}

/** The first block's DER with bytes changed, written back as PEM with the rest of the text as it was. */
function derMutated(pem: string, flips: readonly { readonly at: number; readonly xor: number }[]): string {
    const block = /-----BEGIN ([A-Z0-9 ]+)-----\n([A-Za-z0-9+/=\n]+)-----END \1-----\n/.exec(pem);
    if (!block) return pem;
    const der = Buffer.from(block[2]!.replace(/\n/g, ""), "base64");
    for (const flip of flips) {
        const i = Math.floor((flip.at / 10000) * der.length);
        der[i] = der[i]! ^ flip.xor;
    }
    const body = der
        .toString("base64")
        .replace(/(.{64})/g, "$1\n")
        .replace(/\n$/, "");
    return pem.replace(block[0], `-----BEGIN ${block[1]}-----\n${body}\n-----END ${block[1]}-----\n`);
}

function repeatTimes(pem: string, times: number): number {
    const blocks = Math.max(1, (pem.match(/-----BEGIN /g) ?? []).length);
    return Math.max(2, Math.min(times, Math.floor(64 / blocks)));
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
    const random = seededRandom(seed);
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
}

const MB = 1024 * 1024;
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const hugeCache = new Map<string, string>();

/** Base64-looking junk of `size` characters, in 64-character lines when `wrapped`. */
function base64Junk(size: number, wrapped: boolean, seed: number): string {
    const random = seededRandom(seed);
    const line = Array.from({ length: 4096 }, () => BASE64[Math.floor(random() * 64)]).join("");
    const body = line.repeat(Math.ceil(size / line.length)).slice(0, size - (size % 4));
    return wrapped ? body.replace(/(.{64})/g, "$1\n") : body;
}

function repeatTo(unit: string, size: number): string {
    return unit.repeat(Math.max(1, Math.ceil(size / unit.length)));
}

function hugeText(pool: Pool, shape: HugeShape, megabytes: number): string {
    const key = `${shape}/${megabytes}`;
    const known = hugeCache.get(key);
    if (known !== undefined) return known;
    const size = megabytes * MB;
    const block = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
    let text: string;
    switch (shape) {
        case "PEM junk":
            text = block("CERTIFICATE", base64Junk(size, true, megabytes));
            break;
        case "PEM junk on one line":
            text = block("CERTIFICATE", base64Junk(size, false, megabytes));
            break;
        case "printable junk":
            text = base64Junk(size, false, megabytes + 7).replace(/[+/]/g, " ");
            break;
        case "dashes":
            text = "-".repeat(size);
            break;
        case "BEGIN lines":
            text = repeatTo("-----BEGIN CERTIFICATE-----\n", size);
            break;
        case "unterminated BEGIN markers":
            text = repeatTo(`-----BEGIN ${"A".repeat(60)}`, size);
            break;
        case "literal \\n":
            text = block("CERTIFICATE", repeatTo("\\n", size));
            break;
        case "blank lines in a block":
            text = block("CERTIFICATE", "\n".repeat(size));
            break;
        case "spaces in a block":
            text = block("PRIVATE KEY", " ".repeat(size));
            break;
        case "one header line":
            text = block("RSA PRIVATE KEY", `Proc-Type: 4,${"X".repeat(size)}\n\nMIIB`);
            break;
        case "repeated certificate":
            text = repeatTo(pool.certificates[1]!.chainPem, size);
            break;
        case "repeated key":
            text = repeatTo(pool.certificates[1]!.keyPkcs8, size);
            break;
    }
    // A handful of shapes and sizes: kept, so that drawing one again costs nothing.
    hugeCache.set(key, text);
    return text;
}

export function materializeText(pool: Pool, spec: TextSpec): string {
    switch (spec.kind) {
        case "pool":
            return reencode(pool.texts[spec.base]!.pem, spec.encoding);
        case "mutated":
            return spec.mutations.reduce(mutate, pool.texts[spec.base]!.pem);
        case "truncated": {
            const pem = pool.texts[spec.base]!.pem;
            return pem.slice(0, at(pem, spec.at));
        }
        case "der":
            return derMutated(pool.texts[spec.base]!.pem, spec.flips);
        case "bytes":
            return Buffer.from(spec.bytes).toString(spec.decoding);
        case "unicode":
            return spec.text;
        case "repeated": {
            const pem = pool.texts[spec.base]!.pem;
            // At most 64 blocks side by side (nested BEGIN lines go as deep as drawn, up to 300); the "repeated
            // certificate" huge shape and the probe in fuzz.ts take it to megabytes.
            const times = repeatTimes(pem, spec.times);
            if (!spec.nested) return pem.repeat(times);
            // BEGIN lines opened inside one another, as deep as `times`, then as many END lines.
            const label = /-----BEGIN ([^-]+)-----/.exec(pem)?.[1] ?? "CERTIFICATE";
            return `-----BEGIN ${label}-----\n`.repeat(times) + pem + `-----END ${label}-----\n`.repeat(times);
        }
        case "chain": {
            const chain = spec.length === 100 ? pool.chain100 : pool.chain16;
            switch (spec.order) {
                case "leaf first":
                    return chain.join("");
                case "reversed":
                    return [...chain].reverse().join("");
                case "shuffled":
                    return shuffled(chain, spec.shuffle).join("");
                case "leaf missing":
                    return chain.slice(1).join("");
                case "middle missing":
                    return [...chain.slice(0, chain.length / 2), ...chain.slice(chain.length / 2 + 1)].join("");
            }
            // Every order is handled above; the compiler checks that spec.order has no other value.
            return spec.order satisfies never;
        }
        case "huge":
            return hugeText(pool, spec.shape, spec.megabytes);
    }
}

export function describeText(pool: Pool, spec: TextSpec): string {
    switch (spec.kind) {
        case "pool":
            return `${pool.texts[spec.base]!.label} (${spec.encoding})`;
        case "mutated":
            return `${pool.texts[spec.base]!.label} with ${spec.mutations.map((m) => m.op).join("+")}`;
        case "truncated":
            return `${pool.texts[spec.base]!.label} truncated at ${(spec.at / 100).toFixed(0)}%`;
        case "der":
            return `${pool.texts[spec.base]!.label} with ${spec.flips.length} DER byte${spec.flips.length === 1 ? "" : "s"} changed (first block)`;
        case "bytes":
            return `${spec.bytes.length} random bytes (${spec.decoding})`;
        case "unicode":
            return `${[...spec.text].length} random graphemes`;
        case "repeated":
            return `${pool.texts[spec.base]!.label} ${spec.nested ? "nested" : "repeated"} ${repeatTimes(pool.texts[spec.base]!.pem, spec.times)} times`;
        case "chain":
            return `chain of ${spec.length} certificates (${spec.order})`;
        case "huge":
            return `${spec.megabytes} MB ${spec.shape}`;
    }
}

// ---- Domains ------------------------------------------------------------------------------------------------------

/** Letters that look like ASCII ones, from other scripts and from Unicode's compatibility forms. */
const HOMOGLYPHS: Record<string, readonly string[]> = {
    a: ["\u0430", "\uff41", "\u{1d41a}", "\u00e0"],
    e: ["\u0435", "\uff45", "\u0117"],
    o: ["\u043e", "\u03bf", "\uff4f", "\u0585"],
    p: ["\u0440", "\uff50"],
    c: ["\u0441", "\u217d"],
    x: ["\u0445", "\u2179"],
    i: ["\u0456", "\u0131", "\u2170"],
    l: ["\u04cf", "\u217c", "\u0031"],
    m: ["\u217f", "\uff4d"],
    w: ["\u051d", "\uff57"],
    ".": ["\u3002", "\uff0e", "\ufe52", "\uff61"],
};
const INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u00ad", "\u2060", "\ufeff", "\u034f"];
const IDN_LABELS = ["bücher", "münchen", "中文", "日本語", "пример", "ελληνικά", "😀", "straße", "ﬁ", "ǅ", "ａｂｃ", "\u0301a", "مثال", "עברית"];
const STRUCTURAL = [
    "https://www.example.com",
    "www.example.com:443",
    "www.example.com/path",
    "www.example.com?q",
    "a.example.com,b.example.com",
    "www example.com",
    "192.0.2.1",
    "[::1]",
    "::1",
    "1.2",
    "0x7f.1",
    "www.example.com.",
    "www..example.com",
    ".example.com",
    "example",
    "*",
    "*.com",
    "*.*.example.com",
    "a.*.example.com",
    "*example.com",
    "under_score.example.com",
    "-lead.example.com",
    "trail-.example.com",
    "xn--.example.com",
    "xn--zzzz.example.com",
    "XN--BCHER-KVA.EXAMPLE",
    "xn--a.com",
    "a.123",
    "localhost",
    "\t",
    " ",
    "",
    "é",
    "\u0000.example.com",
    "www.example.com\n",
    "WWW.EXAMPLE.COM",
];

export type DomainSpec =
    | { readonly kind: "valid"; readonly name: string; readonly upper: number; readonly padded: boolean }
    | { readonly kind: "idn"; readonly labels: readonly string[] }
    | { readonly kind: "homoglyph"; readonly base: string; readonly swaps: readonly { readonly at: number; readonly pick: number }[] }
    | { readonly kind: "invisible"; readonly base: string; readonly at: number; readonly pick: number }
    | { readonly kind: "long"; readonly labelLength: number; readonly labels: number; readonly wildcard: boolean }
    | { readonly kind: "structural"; readonly index: number }
    | { readonly kind: "random"; readonly text: string };

const HOMOGLYPH_BASES = ["www.example.com", "paypal.com", "static.example.com", "example.com", "apple.com", "login.microsoft.com"];

export function domainSpec(): fc.Arbitrary<DomainSpec> {
    return fc.oneof(
        fc.record({ kind: fc.constant("valid" as const), name: fc.domain(), upper: fc.integer({ min: 0, max: 1_000_000 }), padded: fc.boolean() }),
        fc.record({
            kind: fc.constant("idn" as const),
            labels: fc.array(fc.oneof(fc.constantFrom(...IDN_LABELS), fc.string({ unit: "grapheme", minLength: 1, maxLength: 10 })), {
                minLength: 1,
                maxLength: 3,
            }),
        }),
        fc.record({
            kind: fc.constant("homoglyph" as const),
            base: fc.constantFrom(...HOMOGLYPH_BASES),
            swaps: fc.array(fc.record({ at: fraction, pick: fc.nat(10) }), { minLength: 1, maxLength: 4 }),
        }),
        fc.record({ kind: fc.constant("invisible" as const), base: fc.constantFrom(...HOMOGLYPH_BASES), at: fraction, pick: fc.nat(INVISIBLE.length - 1) }),
        fc.record({
            kind: fc.constant("long" as const),
            labelLength: fc.integer({ min: 1, max: 300 }),
            labels: fc.integer({ min: 2, max: 200 }),
            wildcard: fc.boolean(),
        }),
        fc.record({ kind: fc.constant("structural" as const), index: fc.nat(STRUCTURAL.length - 1) }),
        fc.record({ kind: fc.constant("random" as const), text: fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: "binary", maxLength: 80 })) }),
    );
}

export function materializeDomain(spec: DomainSpec): string {
    switch (spec.kind) {
        case "valid": {
            const random = seededRandom(spec.upper);
            const cased = [...spec.name].map((c) => (random() < 0.3 ? c.toUpperCase() : c)).join("");
            return spec.padded ? `  ${cased} ` : cased;
        }
        case "idn":
            return [...spec.labels, "example"].join(".");
        case "homoglyph": {
            const chars = [...spec.base];
            for (const swap of spec.swaps) {
                const i = Math.floor((swap.at / 10000) * chars.length);
                const options = HOMOGLYPHS[chars[i]!];
                if (options) chars[i] = options[swap.pick % options.length]!;
            }
            return chars.join("");
        }
        case "invisible": {
            const i = Math.floor((spec.at / 10000) * spec.base.length);
            return spec.base.slice(0, i) + INVISIBLE[spec.pick]! + spec.base.slice(i);
        }
        case "long": {
            const label = "a".repeat(spec.labelLength);
            const name = `${Array.from({ length: spec.labels }, () => label).join(".")}.com`;
            return spec.wildcard ? `*.${name}` : name;
        }
        case "structural":
            return STRUCTURAL[spec.index]!;
        case "random":
            return spec.text;
    }
}

export function describeDomain(spec: DomainSpec): string {
    switch (spec.kind) {
        case "long":
            return `over-long domain (${spec.labels} labels of ${spec.labelLength})`;
        case "random":
            return `random domain text (${spec.text.length} chars)`;
        default:
            return `${spec.kind} domain ${JSON.stringify(materializeDomain(spec).slice(0, 60))}`;
    }
}

// ---- Values where a string (or a boolean, a number, a list) goes ------------------------------------------------

export type ValueSpec =
    | { readonly kind: "json"; readonly value: unknown }
    | { readonly kind: "nested"; readonly depth: number; readonly asObject: boolean }
    | { readonly kind: "number"; readonly value: number }
    | { readonly kind: "unknown" }
    | { readonly kind: "huge string"; readonly megabytes: number };

export function valueSpec(): fc.Arbitrary<ValueSpec> {
    return fc.oneof(
        { arbitrary: fc.record({ kind: fc.constant("json" as const), value: fc.jsonValue({ maxDepth: 3 }) }), weight: 4 },
        {
            arbitrary: fc.record({
                kind: fc.constant("json" as const),
                value: fc.oneof(
                    fc.constant(null),
                    fc.constant({}),
                    fc.constant([]),
                    fc.boolean(),
                    fc.array(fc.string(), { maxLength: 3 }),
                    fc.object({ maxDepth: 2 }),
                ),
            }),
            weight: 4,
        },
        // Pulumi's values arrive through protobuf Structs: any double (NaN and the infinities included) and lists or
        // maps nested a few hundred deep are possible; deeper ones stop in the engine's own decoder.
        { arbitrary: fc.record({ kind: fc.constant("nested" as const), depth: fc.integer({ min: 1, max: 500 }), asObject: fc.boolean() }), weight: 2 },
        {
            arbitrary: fc.record({
                kind: fc.constant("number" as const),
                value: fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -0, 1e308, -1, Number.MAX_SAFE_INTEGER + 2)),
            }),
            weight: 3,
        },
        { arbitrary: fc.record({ kind: fc.constant("unknown" as const) }), weight: 2 },
        // Rare here: the `huge` property puts 10 MB into every field on purpose.
        { arbitrary: fc.record({ kind: fc.constant("huge string" as const), megabytes: fc.constantFrom(1, 10) }), weight: 1 },
    );
}

export function materializeValue(spec: ValueSpec): unknown {
    switch (spec.kind) {
        case "json":
            return spec.value;
        case "nested": {
            let value: unknown = "x";
            for (let i = 0; i < spec.depth; i++) value = spec.asObject ? { a: value } : [value];
            return value;
        }
        case "number":
            return spec.value;
        case "unknown":
            return UNKNOWN;
        case "huge string":
            return "x".repeat(spec.megabytes * MB);
    }
}

export function describeValue(spec: ValueSpec): string {
    switch (spec.kind) {
        case "json":
            return `JSON ${typeof spec.value === "object" ? (Array.isArray(spec.value) ? "list" : spec.value === null ? "null" : "object") : typeof spec.value}`;
        case "nested":
            return `${spec.asObject ? "object" : "list"} nested ${spec.depth} deep`;
        case "number":
            return `number ${spec.value}`;
        case "unknown":
            return "unknown (preview)";
        case "huge string":
            return `${spec.megabytes} MB string`;
    }
}
