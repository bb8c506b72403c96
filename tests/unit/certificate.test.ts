// Unit tests of the certificate module's chain and key parsing, with real certificates made by harness/certs.ts.
// Style: GIVEN (the table row) / WHEN (the call) / THEN (exact results, and the words of a reason that say what to fix).
import assert from "node:assert/strict";
import { createHash, webcrypto, X509Certificate } from "node:crypto";
import { before, describe, it } from "node:test";
import {
    CertificateInputError,
    fingerprintsAsWritten,
    keyMatchesCertificate,
    keyStrengthProblem,
    parseCertificateChain,
    parsePrivateKey,
    validityProblem,
    type CertificateInfo,
} from "../../provider/certificate";
import { x509 as loadX509 } from "../../provider/certificate/x509";
import { fingerprintOf, leafFingerprint } from "../../harness/certs";
import { certificateFixtures, pemBlocks, type CertificateFixtures } from "./certificate-fixtures";

const x509 = loadX509();

let f: CertificateFixtures;
before(async () => {
    f = await certificateFixtures();
});

/** Run `action`, expect a CertificateInputError, and return its reason. */
function reasonOf(action: () => unknown): string {
    try {
        action();
    } catch (error) {
        assert.ok(error instanceof CertificateInputError, `expected a CertificateInputError, got ${String(error)}`);
        assert.equal(error.message, error.reason);
        return error.reason;
    }
    assert.fail("expected a CertificateInputError, but the call succeeded");
}

function assertMentions(reason: string, words: readonly (string | RegExp)[]): void {
    for (const word of words) {
        if (typeof word === "string") assert.ok(reason.includes(word), `reason ${JSON.stringify(reason)} should mention ${JSON.stringify(word)}`);
        else assert.match(reason, word);
    }
}

/** A wrong input and what its refusal must say. */
interface Refusal<Input> {
    readonly given: string;
    readonly input: () => Input;
    readonly words: readonly (string | RegExp)[];
}

/** One test per case: `parse` refuses the input with a reason that mentions each of its words. */
function itRefusesEach<Input>(what: string, parse: (input: Input) => unknown, cases: readonly Refusal<Input>[]): void {
    for (const { given, input, words } of cases) {
        it(`GIVEN ${given} WHEN parsed as ${what} THEN it is refused with a reason that says what to change`, () => {
            assertMentions(
                reasonOf(() => parse(input())),
                words,
            );
        });
    }
}

/** The chain a user normally deploys: leaf, intermediate, root (as harness/certs.ts issues it). */
function fullChain(): string {
    return f.rsa.leaf.leafPem + f.rsa.intermediate.leafPem + f.rsa.root.leafPem;
}

function derOf(pem: string): Buffer {
    return new X509Certificate(pem).raw;
}

describe("parseCertificateChain: normalization", () => {
    // Every way a correct chain gets mangled on its way to a Pulumi config; all must give the canonical chain.
    const cases: { name: string; mangle: (chain: string) => string }[] = [
        { name: "already canonical", mangle: (chain) => chain },
        { name: "CRLF line endings", mangle: (chain) => chain.replace(/\n/g, "\r\n") },
        { name: "blank lines before, between and after blocks", mangle: (chain) => `\n\n${pemBlocks(chain).join("\n\n\n")}\n\n` },
        {
            name: "text before, between and after the blocks",
            mangle: (chain) => `Your certificate is below.\n${pemBlocks(chain).join("-- next --\n")}Thank you for your order.\n`,
        },
        {
            name: "openssl pkcs12 Bag Attributes / subject= / issuer= lines",
            mangle: (chain) =>
                pemBlocks(chain)
                    .map((block) => `Bag Attributes\n    localKeyID: 01 00 00 00\nsubject=CN = x\n\nissuer=CN = y\n\n${block}`)
                    .join(""),
        },
        {
            name: "re-wrapped at 76 columns",
            mangle: (chain) =>
                pemBlocks(chain)
                    .map((block) => {
                        const body = block.split("\n").slice(1, -2).join("");
                        return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,76}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
                    })
                    .join(""),
        },
        {
            name: "one line per block (newlines lost)",
            mangle: (chain) =>
                pemBlocks(chain)
                    .map((block) => block.replace(/\n/g, ""))
                    .join(" "),
        },
        { name: 'literal "\\n" escapes from a JSON string', mangle: (chain) => chain.replace(/\n/g, "\\n") },
        { name: "indented with trailing spaces and tabs (YAML block)", mangle: (chain) => chain.replace(/^/gm, "    ").replace(/\n/g, " \t\n") },
        { name: "no trailing newline", mangle: (chain) => chain.trimEnd() },
    ];
    for (const { name, mangle } of cases) {
        it(`GIVEN a chain with ${name} WHEN parsed THEN it gives the canonical PEM and the same fingerprints`, () => {
            const canonical = fullChain();
            const parsed = parseCertificateChain(mangle(canonical));
            assert.equal(parsed.pem, canonical);
            assert.equal(parsed.count, 3);
            assert.equal(parsed.reordered, false);
            assert.deepEqual(parsed.info, parseCertificateChain(canonical).info);
        });
    }

    it("GIVEN the canonical PEM WHEN checked THEN it is leaf first, wrapped at 64, LF only, one trailing newline, no text around", () => {
        const { pem } = parseCertificateChain(`junk\r\n${fullChain().replace(/\n/g, "\r\n")}junk`);
        assert.doesNotMatch(pem, /\r/);
        assert.ok(pem.startsWith("-----BEGIN CERTIFICATE-----\n"));
        assert.ok(pem.endsWith("-----END CERTIFICATE-----\n") && !pem.endsWith("\n\n"));
        for (const line of pem.split("\n").filter((line) => !line.startsWith("-----") && line !== "")) {
            assert.ok(line.length <= 64, `line of ${line.length} characters`);
        }
        assert.equal(leafFingerprint(pemBlocks(pem)[0]), leafFingerprint(f.rsa.leaf.leafPem));
    });
});

describe("parseCertificateChain: certificate facts", () => {
    it("GIVEN a leaf WHEN parsed THEN fingerprint is node's fingerprint256 without colons, lowercase, and the SHA-256 of the DER", async () => {
        const { info } = parseCertificateChain(f.rsa.leaf.leafPem);
        assert.match(info.fingerprint, /^[0-9a-f]{64}$/);
        assert.equal(info.fingerprint, leafFingerprint(f.rsa.leaf.leafPem));
        assert.equal(info.fingerprint, await fingerprintOf(f.rsa.leaf));
        assert.equal(info.fingerprint, createHash("sha256").update(derOf(f.rsa.leaf.leafPem)).digest("hex"));
    });

    it("GIVEN a leaf alone WHEN parsed THEN chainFingerprint equals fingerprint", () => {
        const { info, count } = parseCertificateChain(f.rsa.leaf.leafPem);
        assert.equal(count, 1);
        assert.equal(info.chainFingerprint, info.fingerprint);
    });

    it("GIVEN a chain WHEN parsed THEN chainFingerprint is the SHA-256 of every DER, leaf first", () => {
        const { info } = parseCertificateChain(fullChain());
        const expected = createHash("sha256")
            .update(Buffer.concat([f.rsa.leaf.leafPem, f.rsa.intermediate.leafPem, f.rsa.root.leafPem].map(derOf)))
            .digest("hex");
        assert.equal(info.chainFingerprint, expected);
    });

    it("GIVEN the same leaf with a re-issued intermediate WHEN parsed THEN fingerprint is equal and chainFingerprint differs", () => {
        const before = parseCertificateChain(f.rsa.leaf.leafPem + f.rsa.intermediate.leafPem).info;
        const after = parseCertificateChain(f.rsa.leaf.leafPem + f.reissuedIntermediate.leafPem).info;
        assert.equal(after.fingerprint, before.fingerprint);
        assert.notEqual(after.chainFingerprint, before.chainFingerprint);
    });

    it("GIVEN the same chain with and without the root WHEN parsed THEN the root is kept at the end and changes chainFingerprint", () => {
        const withoutRoot = parseCertificateChain(f.rsa.leaf.leafPem + f.rsa.intermediate.leafPem);
        const withRoot = parseCertificateChain(fullChain());
        assert.equal(withRoot.count, 3);
        assert.equal(withRoot.pem, fullChain());
        assert.equal(withRoot.info.fingerprint, withoutRoot.info.fingerprint);
        assert.notEqual(withRoot.info.chainFingerprint, withoutRoot.info.chainFingerprint);
    });

    it("GIVEN an RSA leaf WHEN parsed THEN every fact is read from the certificate", () => {
        const node = new X509Certificate(f.rsa.leaf.leafPem);
        const { info } = parseCertificateChain(fullChain());
        const expected: Omit<CertificateInfo, "fingerprint" | "chainFingerprint"> = {
            notBefore: new Date(node.validFrom).toISOString().replace(".000Z", "Z"),
            notAfter: new Date(node.validTo).toISOString().replace(".000Z", "Z"),
            subject: "CN=www.example.com",
            issuer: "CN=Test Intermediate CA",
            serialNumber: node.serialNumber.toLowerCase(),
            dnsNames: ["www.example.com", "*.example.com"],
            publicKey: { algorithm: "RSA", bits: 2048 },
        };
        const { fingerprint: _fingerprint, chainFingerprint: _chainFingerprint, ...facts } = info;
        assert.deepEqual(facts, expected);
        assert.match(info.notAfter, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it("GIVEN EC leaves WHEN parsed THEN the public key names the curve", () => {
        assert.deepEqual(parseCertificateChain(f.ec.leaf.leafPem).info.publicKey, { algorithm: "EC", bits: 256, curve: "P-256" });
        assert.deepEqual(parseCertificateChain(f.ec384.leafPem).info.publicKey, { algorithm: "EC", bits: 384, curve: "P-384" });
    });
});

describe("parseCertificateChain: leaf-first ordering", () => {
    const L = () => f.rsa.leaf.leafPem;
    const I = () => f.rsa.intermediate.leafPem;
    const R = () => f.rsa.root.leafPem;
    const cases: { given: string; input: () => string[]; expected: () => string[]; reordered: boolean }[] = [
        { given: "leaf, intermediate, root", input: () => [L(), I(), R()], expected: () => [L(), I(), R()], reordered: false },
        { given: "root, intermediate, leaf (reversed)", input: () => [R(), I(), L()], expected: () => [L(), I(), R()], reordered: true },
        { given: "intermediate, leaf, root", input: () => [I(), L(), R()], expected: () => [L(), I(), R()], reordered: true },
        { given: "leaf, root, intermediate", input: () => [L(), R(), I()], expected: () => [L(), I(), R()], reordered: true },
        { given: "intermediate, leaf", input: () => [I(), L()], expected: () => [L(), I()], reordered: true },
        { given: "leaf, intermediate", input: () => [L(), I()], expected: () => [L(), I()], reordered: false },
        { given: "the leaf alone", input: () => [L()], expected: () => [L()], reordered: false },
        { given: "a self-signed certificate alone", input: () => [f.ec384.leafPem], expected: () => [f.ec384.leafPem], reordered: false },
    ];
    for (const { given, input, expected, reordered } of cases) {
        it(`GIVEN ${given} WHEN parsed THEN the chain is leaf first${reordered ? " and marked reordered" : ""}`, () => {
            const parsed = parseCertificateChain(input().join(""));
            assert.equal(parsed.pem, expected().join(""));
            assert.equal(parsed.count, expected().length);
            assert.equal(parsed.reordered, reordered);
            assert.equal(parsed.info.fingerprint, leafFingerprint(expected()[0]));
        });
    }

    const rejections: Refusal<string[]>[] = [
        {
            given: "two server certificates of the same CA",
            input: () => [L(), f.siblingLeaf.leafPem, I()],
            words: ["2 server certificates", '"CN=www.example.com"', '"CN=api.example.com"', "keep the one for this domain"],
        },
        {
            given: "the leaf and the root without the intermediate (a gap)",
            input: () => [L(), R()],
            words: ['#2 "CN=Test Root CA" does not belong', '"CN=Test Intermediate CA" is not in the list', "add the missing intermediate"],
        },
        {
            given: "a chain plus an unrelated self-signed certificate",
            input: () => [L(), I(), f.ec384.leafPem],
            words: ['"CN=p384.example.com" does not belong', "Remove the certificates that do not belong"],
        },
        {
            given: "an intermediate of another CA with the same name",
            input: () => [L(), f.ec.intermediate.leafPem],
            words: ['#2 "CN=Test Intermediate CA" has the name of its issuer but did not sign it', "does not belong"],
        },
        {
            given: "a chain plus the root of another CA with the same name",
            input: () => [L(), I(), f.ec.root.leafPem],
            words: ["#3", "did not sign it", "does not belong"],
        },
        { given: "the same certificate twice", input: () => [L(), I(), L()], words: ["#1 and #3 are the same certificate", "remove the copy"] },
        {
            given: "one certificate pasted 600 times",
            input: () => Array.from({ length: 600 }, L),
            words: ["repeats blocks: #2 is a copy of #1, #3 is a copy of #1", "and 594 more", "keeping each certificate of the chain once"],
        },
        {
            // The copy is found before either block is parsed: a block that is not X.509 at all, twice, is reported
            // as a copy (one hash each), not decoded as a certificate 600 times first.
            given: "a block that does not decode as X.509, twice",
            input: () => [notX509(1), notX509(1)],
            words: ["#1 and #2 are the same certificate"],
        },
        {
            given: "a CA bundle of 17 blocks",
            input: () => Array.from({ length: 17 }, (_, index) => notX509(index)),
            words: ["holds 17 certificates, more than the 16", "looks like a CA bundle", "the intermediate certificates your CA issued"],
        },
    ];
    itRefusesEach("a chain", (blocks: string[]) => parseCertificateChain(blocks.join("")), rejections);
});

/** A block that frames and decodes as base64 but is not a certificate; `n` makes each one distinct. */
function notX509(n: number): string {
    return `-----BEGIN CERTIFICATE-----\n${Buffer.from(`not a certificate, block ${n}`).toString("base64")}\n-----END CERTIFICATE-----\n`;
}

describe("parseCertificateChain: what is not a certificate chain", () => {
    const cases: Refusal<string>[] = [
        { given: "an empty string", input: () => "", words: ["the certificate is empty", "BEGIN CERTIFICATE"] },
        { given: "only whitespace", input: () => " \r\n\t\n", words: ["the certificate is empty"] },
        { given: "text without any PEM block", input: () => "please find my certificate attached", words: ["no PEM block", "openssl x509"] },
        {
            given: "a PKCS#8 private key",
            input: () => f.rsa.leaf.key.pkcs8,
            words: ['block #1 of the certificate is a "BEGIN PRIVATE KEY" block', "put it in privateKey"],
        },
        {
            given: "a PKCS#1 private key after the chain",
            input: () => fullChain() + f.rsa.leaf.key.traditional,
            words: ["block #4", '"BEGIN RSA PRIVATE KEY"', "privateKey"],
        },
        { given: "a SEC1 private key", input: () => f.ec.leaf.key.traditional, words: ['"BEGIN EC PRIVATE KEY"', "privateKey"] },
        { given: "an encrypted private key", input: () => f.encrypted.rsa.pkcs8, words: ['"BEGIN ENCRYPTED PRIVATE KEY"', "privateKey"] },
        { given: "a certificate signing request", input: () => f.csrPem, words: ['"BEGIN CERTIFICATE REQUEST"', "submit it to your CA"] },
        {
            given: "a block with an invalid base64 character",
            input: () => f.rsa.leaf.leafPem.replace(/\n(.)/, "\n!"),
            words: ["certificate #1 is not valid base64", "copy the block again"],
        },
        {
            given: "a block with a line missing",
            input: () =>
                f.rsa.leaf.leafPem
                    .split("\n")
                    .filter((_, index) => index !== 3)
                    .join("\n"),
            words: [/certificate #1 is (not valid base64|valid base64 but not a valid X\.509 certificate)/, "copy the block again"],
        },
        {
            given: "valid base64 that is not a certificate",
            input: () => `-----BEGIN CERTIFICATE-----\n${Buffer.from("this is not DER at all").toString("base64")}\n-----END CERTIFICATE-----\n`,
            words: ["certificate #1 is valid base64 but not a valid X.509 certificate"],
        },
        {
            given: "a block without its END line (truncated)",
            input: () => f.rsa.leaf.leafPem.replace("-----END CERTIFICATE-----", ""),
            words: ['"BEGIN CERTIFICATE" block without its END line', "truncated"],
        },
        {
            given: "an END line without BEGIN",
            input: () => f.rsa.leaf.leafPem.replace("-----BEGIN CERTIFICATE-----", ""),
            words: ["without a BEGIN line", "paste the block whole"],
        },
        {
            given: "mismatched BEGIN and END labels",
            input: () => f.rsa.leaf.leafPem.replace("-----END CERTIFICATE-----", "-----END PUBLIC KEY-----"),
            words: ['ends with "-----END PUBLIC KEY-----"', "must be the same"],
        },
    ];
    itRefusesEach("a certificate", parseCertificateChain, cases);
});

describe("fingerprintsAsWritten", () => {
    it("GIVEN a chain already leaf first THEN it gives parseCertificateChain's fingerprints, without parsing", () => {
        const pem = f.rsa.leaf.leafPem + f.rsa.intermediate.leafPem;
        const { fingerprint, chainFingerprint } = parseCertificateChain(pem).info;
        assert.deepEqual(fingerprintsAsWritten(pem), { fingerprint, chainFingerprint });
    });

    it("GIVEN the same chain out of order THEN its fingerprints differ from the parsed ones (the caller then parses)", () => {
        const pem = f.rsa.intermediate.leafPem + f.rsa.leaf.leafPem;
        const asWritten = fingerprintsAsWritten(pem)!;
        const parsed = parseCertificateChain(pem).info;
        assert.equal(asWritten.fingerprint, leafFingerprint(f.rsa.intermediate.leafPem));
        assert.notEqual(asWritten.fingerprint, parsed.fingerprint);
        assert.notEqual(asWritten.chainFingerprint, parsed.chainFingerprint);
    });

    it("GIVEN text that is not a certificate chain THEN there is nothing to compare", () => {
        assert.equal(fingerprintsAsWritten(f.rsa.leaf.key.pkcs8), undefined);
        assert.equal(fingerprintsAsWritten(f.rsa.leaf.leafPem + f.rsa.leaf.key.pkcs8), undefined);
        assert.equal(fingerprintsAsWritten("no PEM here"), undefined);
        const pem = f.rsa.leaf.leafPem;
        const inBody = pem.indexOf("\n") + 10;
        assert.equal(fingerprintsAsWritten(`${pem.slice(0, inBody)}!${pem.slice(inBody + 1)}`), undefined, "a block that does not decode");
    });
});

describe("parsePrivateKey and keyMatchesCertificate", () => {
    // The EC PARAMETERS block `openssl ecparam -genkey` writes before the key: the DER of the P-256 curve OID.
    const p256Parameters = () =>
        `-----BEGIN EC PARAMETERS-----\n${Buffer.from("06082a8648ce3d030107", "hex").toString("base64")}\n-----END EC PARAMETERS-----\n`;

    /** The leaf key of the RSA chain and of the P-256 chain: each matches its own chain and neither the other's. */
    const rsaLeaf = { algorithm: "RSA", bits: 2048, ownChain: fullChain, otherChains: () => [f.rsa1024.leafPem, f.ec.leaf.chainPem] };
    const p256Leaf = { algorithm: "EC", bits: 256, ownChain: () => f.ec.leaf.chainPem, otherChains: () => [f.siblingLeaf.leafPem, fullChain()] };
    const cases: {
        given: string;
        key: () => string;
        format: "pkcs1" | "pkcs8" | "sec1";
        algorithm: string;
        bits: number;
        ownChain: () => string;
        otherChains: () => string[];
    }[] = [
        { given: "an RSA key in PKCS#8", key: () => f.rsa.leaf.key.pkcs8, format: "pkcs8", ...rsaLeaf },
        { given: "an RSA key in PKCS#1", key: () => f.rsa.leaf.key.traditional, format: "pkcs1", ...rsaLeaf },
        { given: "an EC key in PKCS#8", key: () => f.ec.leaf.key.pkcs8, format: "pkcs8", ...p256Leaf },
        { given: "an EC key in SEC1", key: () => f.ec.leaf.key.traditional, format: "sec1", ...p256Leaf },
        {
            given: "an EC key in SEC1 after an EC PARAMETERS block",
            key: () => p256Parameters() + f.ec.leaf.key.traditional,
            format: "sec1",
            ...p256Leaf,
            otherChains: () => [f.siblingLeaf.leafPem],
        },
        {
            given: "a P-384 key in SEC1",
            key: () => f.ec384.key.traditional,
            format: "sec1",
            algorithm: "EC",
            bits: 384,
            ownChain: () => f.ec384.leafPem,
            otherChains: () => [f.ec.leaf.chainPem],
        },
    ];
    for (const { given, key, format, algorithm, bits, ownChain, otherChains } of cases) {
        it(`GIVEN ${given} WHEN parsed THEN format, algorithm and size are read and the block is normalized`, () => {
            const expectedPem = pemBlocks(key()).at(-1);
            const parsed = parsePrivateKey(`Bag Attributes\r\n${key().replace(/\n/g, "\r\n")}\r\n\r\n`);
            assert.deepEqual(parsed, { pem: expectedPem, format, algorithm, bits });
        });
        it(`GIVEN ${given} WHEN matched THEN it matches its own certificate and no other`, () => {
            const parsed = parsePrivateKey(key());
            assert.equal(keyMatchesCertificate(parsed, parseCertificateChain(ownChain())), true);
            for (const other of otherChains()) {
                assert.equal(keyMatchesCertificate(parsed, parseCertificateChain(other)), false);
            }
        });
    }

    it("GIVEN a chain pasted in reverse order WHEN matched THEN the key is checked against the leaf", () => {
        const reversed = parseCertificateChain([f.rsa.root.leafPem, f.rsa.intermediate.leafPem, f.rsa.leaf.leafPem].join(""));
        assert.equal(keyMatchesCertificate(parsePrivateKey(f.rsa.leaf.key.pkcs8), reversed), true);
        assert.equal(keyMatchesCertificate(parsePrivateKey(f.rsa.intermediate.key.pkcs8), reversed), false);
    });

    it("GIVEN a PKCS#8 RSA body under an RSA PRIVATE KEY label WHEN parsed THEN it is re-encoded as the PKCS#1 its label announces", () => {
        const mislabelled = f.rsa.leaf.key.pkcs8.replace(/PRIVATE KEY/g, "RSA PRIVATE KEY");
        assert.deepEqual(parsePrivateKey(mislabelled), { pem: f.rsa.leaf.key.traditional, format: "pkcs1", algorithm: "RSA", bits: 2048 });
    });

    it("GIVEN an EC key in PKCS#8 under an RSA PRIVATE KEY label WHEN parsed THEN it is refused: the label does not match", () => {
        const mislabelled = f.ec.leaf.key.pkcs8.replace(/PRIVATE KEY/g, "RSA PRIVATE KEY");
        assertMentions(
            reasonOf(() => parsePrivateKey(mislabelled)),
            ['"BEGIN RSA PRIVATE KEY" block could not be read as a PKCS#1 RSA private key', "label may not match"],
        );
    });

    const encryptedWords = ["the private key is encrypted", "decrypt it first", "openssl pkey -in key.pem -out key.dec.pem"];
    const rejections: Refusal<string>[] = [
        { given: "an encrypted PKCS#8 RSA key", input: () => f.encrypted.rsa.pkcs8, words: encryptedWords },
        { given: "a legacy encrypted PKCS#1 key (Proc-Type: 4,ENCRYPTED)", input: () => f.encrypted.rsa.traditional, words: encryptedWords },
        { given: "a legacy encrypted SEC1 key", input: () => f.encrypted.ec.traditional, words: encryptedWords },
        { given: "an encrypted PKCS#8 EC key", input: () => f.encrypted.ec.pkcs8, words: encryptedWords },
        { given: "an empty string", input: () => "", words: ["the private key is empty", "BEGIN PRIVATE KEY"] },
        { given: "text without a PEM block", input: () => "my key", words: ["contains no PEM block", "openssl pkey"] },
        {
            given: "a certificate instead of the key",
            input: () => f.rsa.leaf.leafPem,
            words: ["holds a certificate, not a private key", "put the certificate chain in certificate"],
        },
        {
            given: "the key followed by its chain (a combined file)",
            input: () => f.rsa.leaf.key.pkcs8 + fullChain(),
            words: ["holds 3 certificate block(s) besides the key", "keep only the private key block here"],
        },
        {
            given: "two keys",
            input: () => f.rsa.leaf.key.pkcs8 + f.ec.leaf.key.traditional,
            words: ["holds 2 private keys", "keep only the one that belongs to the certificate"],
        },
        {
            given: "an RSA key under an EC PRIVATE KEY label",
            input: () => f.rsa.leaf.key.traditional.replace(/RSA PRIVATE KEY/g, "EC PRIVATE KEY"),
            words: ["could not be read as a SEC1 EC private key"],
        },
        {
            given: "a key with an invalid base64 character",
            input: () => f.rsa.leaf.key.pkcs8.replace(/\n(.)/, "\n*"),
            words: ["the private key is not valid base64", "copy it again"],
        },
        {
            given: "an OpenSSH key",
            input: () => `-----BEGIN OPENSSH PRIVATE KEY-----\n${Buffer.from("openssh-key-v1").toString("base64")}\n-----END OPENSSH PRIVATE KEY-----\n`,
            words: ['"BEGIN OPENSSH PRIVATE KEY" block, which is not a private key this provider reads', "openssl pkey"],
        },
        {
            given: "a truncated key",
            input: () => f.rsa.leaf.key.pkcs8.replace("-----END PRIVATE KEY-----", ""),
            words: ["without its END line", "truncated"],
        },
    ];
    itRefusesEach("a key", parsePrivateKey, rejections);
});

describe("no reason ever contains key material", () => {
    it("GIVEN every wrong use of a key WHEN rejected THEN no reason contains a line or a fragment of the key", () => {
        const keys = [f.rsa.leaf.key.pkcs8, f.rsa.leaf.key.traditional, f.ec.leaf.key.pkcs8, f.ec.leaf.key.traditional];
        const encrypted = [f.encrypted.rsa.pkcs8, f.encrypted.rsa.traditional, f.encrypted.ec.pkcs8, f.encrypted.ec.traditional];
        const attempts: (() => unknown)[] = [];
        for (const key of [...keys, ...encrypted]) {
            const body = key.split("\n").filter((line) => line !== "" && !line.startsWith("-----"));
            attempts.push(
                () => parseCertificateChain(key),
                () => parseCertificateChain(fullChain() + key),
                () => parseCertificateChain(body.join("\n")),
                () => parsePrivateKey(key),
                () => parsePrivateKey(key + fullChain()),
                () => parsePrivateKey(key + key),
                () => parsePrivateKey(key.replace(/PRIVATE KEY/g, "PUBLIC KEY")),
                () => parsePrivateKey(key.replace(/PRIVATE KEY-----\n/, "PRIVATE KEY-----\n%")),
                () => parsePrivateKey(key.replace(/-----END [A-Z ]+-----/, "")),
                () => parsePrivateKey(key.replace(/-----BEGIN [A-Z ]+-----/, "")),
                () => parsePrivateKey(body.join("\n")),
                () => parsePrivateKey(key.replace(/^(-----BEGIN [A-Z ]+-----\n)(.)/, "$1A$2")),
            );
        }
        const reasons = attempts.map((attempt) => {
            try {
                attempt();
                return undefined;
            } catch (error) {
                assert.ok(error instanceof CertificateInputError, String(error));
                return error.reason;
            }
        });
        const thrown = reasons.filter((reason): reason is string => reason !== undefined);
        // Most attempts are errors; the encrypted ones and the well-formed keys in the key field are the exceptions.
        assert.ok(thrown.length >= attempts.length - keys.length, `${thrown.length} of ${attempts.length} threw`);
        for (const key of [...keys, ...encrypted]) {
            const lines = key.split("\n").filter((line) => line !== "" && !line.startsWith("-----") && !line.includes(":"));
            const base64 = lines.join("");
            for (const reason of thrown) {
                for (const line of lines) assert.ok(!reason.includes(line), "a reason contains a line of a key");
                // Any 12 characters of the key's base64 in a row would be a leak, whatever the line breaks.
                const compact = reason.replace(/\s+/g, "");
                for (let start = 0; start + 12 <= base64.length; start += 6) {
                    assert.ok(!compact.includes(base64.slice(start, start + 12)), "a reason contains a fragment of a key");
                }
            }
        }
    });
});

describe("keyStrengthProblem", () => {
    const override = (publicKey: CertificateInfo["publicKey"]) => ({ ...parseCertificateChain(f.ec.leaf.leafPem).info, publicKey });
    const cases: { given: string; info: () => CertificateInfo; words?: string[] }[] = [
        { given: "RSA 2048", info: () => parseCertificateChain(f.rsa.leaf.leafPem).info },
        { given: "EC P-256", info: () => parseCertificateChain(f.ec.leaf.leafPem).info },
        { given: "EC P-384", info: () => parseCertificateChain(f.ec384.leafPem).info },
        { given: "EC P-521", info: () => override({ algorithm: "EC", bits: 521, curve: "P-521" }) },
        { given: "RSA 4096", info: () => override({ algorithm: "RSA", bits: 4096 }) },
        {
            given: "RSA 1024",
            info: () => parseCertificateChain(f.rsa1024.leafPem).info,
            words: ["RSA key has 1024 bits", "minimum of 2048", "issue a new certificate"],
        },
        {
            given: "EC secp256k1",
            info: () => override({ algorithm: "EC", bits: 256, curve: "secp256k1" }),
            words: ["curve secp256k1", "not accepted", "P-256, P-384, P-521"],
        },
        {
            given: "Ed25519",
            info: () => override({ algorithm: "Ed25519", bits: 256 }),
            words: ["key is Ed25519", "issue a new certificate with an RSA key of at least 2048 bits or an EC key on P-256, P-384, P-521"],
        },
    ];
    for (const { given, info, words } of cases) {
        it(`GIVEN a ${given} certificate WHEN judged THEN it is ${words ? "refused with the accepted keys named" : "accepted"}`, () => {
            const problem = keyStrengthProblem(info());
            if (!words) assert.equal(problem, undefined);
            else assertMentions(problem ?? "", words);
        });
    }
});

describe("validityProblem", () => {
    const second = 1000;
    const cases: { given: string; now: (info: CertificateInfo) => Date; expected: (info: CertificateInfo) => string | undefined }[] = [
        { given: "now", now: () => new Date(), expected: () => undefined },
        { given: "exactly notBefore", now: (info) => new Date(info.notBefore), expected: () => undefined },
        { given: "exactly notAfter (still valid, RFC 5280)", now: (info) => new Date(info.notAfter), expected: () => undefined },
        {
            given: "one second after notAfter",
            now: (info) => new Date(Date.parse(info.notAfter) + second),
            expected: (info) => `the certificate expired on ${info.notAfter}; renew it with your CA and deploy the new certificate and its key`,
        },
        {
            given: "one second before notBefore",
            now: (info) => new Date(Date.parse(info.notBefore) - second),
            expected: (info) =>
                `the certificate is not valid until ${info.notBefore}; wait until then to deploy it, or fix the clock of this machine if it is wrong ` +
                `(it reads ${new Date(Date.parse(info.notBefore) - second).toISOString()})`,
        },
    ];
    for (const { given, now, expected } of cases) {
        it(`GIVEN a certificate checked at ${given} WHEN judged THEN the reason is exact`, () => {
            const { info } = parseCertificateChain(f.rsa.leaf.leafPem);
            assert.equal(validityProblem(info, now(info)), expected(info));
        });
    }
});

describe("parseCertificateChain: key identifiers", () => {
    // harness/certs.ts issues certificates without key identifiers; these are made here with explicit ones.
    const day = 24 * 60 * 60 * 1000;
    const ecdsa = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
    let leafPem: string;
    let caPem: string;
    let sameKeyOtherIdPem: string;

    before(async () => {
        const generate = async () => (await webcrypto.subtle.generateKey(ecdsa, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
        const caKeys = await generate();
        const leafKeys = await generate();
        const validity = { notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + 30 * day) };
        const makeCa = (serialNumber: string, keyId: string) =>
            x509.X509CertificateGenerator.createSelfSigned({
                ...validity,
                serialNumber,
                name: "CN=Key Id CA",
                keys: caKeys,
                signingAlgorithm: ecdsa,
                extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.SubjectKeyIdentifierExtension(keyId)],
            });
        const ca = await makeCa("01", "aa".repeat(20));
        const sameKeyOtherId = await makeCa("02", "bb".repeat(20));
        const leaf = await x509.X509CertificateGenerator.create({
            ...validity,
            serialNumber: "03",
            subject: "CN=keyid.example.com",
            issuer: ca.subject,
            publicKey: leafKeys.publicKey,
            signingKey: caKeys.privateKey,
            signingAlgorithm: ecdsa,
            extensions: [
                new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "keyid.example.com" }]),
                new x509.AuthorityKeyIdentifierExtension("aa".repeat(20)),
            ],
        });
        [leafPem, caPem, sameKeyOtherIdPem] = [leaf, ca, sameKeyOtherId].map((cert) => `${cert.toString("pem").replace(/\r\n/g, "\n")}\n`);
    });

    it("GIVEN a CA whose subject key id is the leaf's authority key id WHEN pasted first THEN the chain is reordered leaf first", () => {
        const parsed = parseCertificateChain(caPem + leafPem);
        assert.equal(parsed.reordered, true);
        assert.equal(parsed.pem, leafPem + caPem);
    });

    it("GIVEN a CA of the same name and key but another key id WHEN chained THEN it is refused: the key ids contradict the link", () => {
        assertMentions(
            reasonOf(() => parseCertificateChain(leafPem + sameKeyOtherIdPem)),
            ['#2 "CN=Key Id CA"', "does not belong"],
        );
    });
});
