// check(): what a user sees in `pulumi preview` before anything is called. Each case asserts the failing property
// and the words of the reason that tell the user what to do.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { CDN, LIVE } from "../../provider/products";
import { checkInputs } from "../../provider/lifecycle/check";
import { decodeBlock } from "../../provider/certificate/pem";
import { UNKNOWN } from "../../provider/lifecycle/model";
import { issueCertificate, issueChain, fingerprintOf, type Issued } from "../../harness/certs";

const DOMAIN = "www.example.com";
let good: Issued;
let chainLeaf: Issued;

before(async () => {
    good = await issueCertificate({ dnsNames: [DOMAIN, "example.com"], key: "rsa2048" });
    chainLeaf = (await issueChain({ dnsNames: ["*.example.com"], key: "ec256" })).leaf;
});

function failuresOf(result: ReturnType<typeof checkInputs>): Record<string, string> {
    return Object.fromEntries((result.failures ?? []).map((f) => [f.property, f.reason]));
}

describe("check: a valid upload", () => {
    it("normalizes the inputs and derives fingerprint, expiry and a certificate name", async () => {
        const result = checkInputs(CDN, {
            domainName: "  WWW.Example.COM ",
            certificate: good.chainPem.replace(/\n/g, "\r\n"),
            privateKey: good.key.traditional,
        });
        assert.deepEqual(result.failures, undefined);
        const inputs = result.inputs!;
        assert.equal(inputs.domainName, DOMAIN);
        assert.equal(inputs.status, "on");
        assert.equal(inputs.certType, "upload");
        assert.equal(inputs.forceSet, false);
        assert.equal(inputs.fingerprint, await fingerprintOf(good));
        // Certificates carry whole seconds.
        assert.equal(Math.floor(Date.parse(inputs.notAfter!) / 1000), Math.floor(good.cert.notAfter.getTime() / 1000));
        assert.ok(!inputs.certificate!.includes("\r"), "certificate is normalized to \\n line endings");
        assert.match(inputs.certName!, /^[A-Za-z0-9._-]{1,64}$/);
        assert.ok(inputs.certName!.includes((await fingerprintOf(good)).slice(0, 8)), "the default name carries the fingerprint");
    });

    it("treats PKCS#1 and PKCS#8 encodings of the same key alike", () => {
        const a = checkInputs(CDN, { domainName: DOMAIN, certificate: good.chainPem, privateKey: good.key.traditional });
        const b = checkInputs(CDN, { domainName: DOMAIN, certificate: good.chainPem, privateKey: good.key.pkcs8 });
        assert.equal(a.failures, undefined);
        assert.equal(b.failures, undefined);
        assert.equal(a.inputs!.fingerprint, b.inputs!.fingerprint);
    });

    it("accepts an EC key in SEC1 with a wildcard certificate covering one label, on Live too", () => {
        const result = checkInputs(LIVE, { domainName: "push.example.com", certificate: chainLeaf.chainPem, privateKey: chainLeaf.key.traditional });
        assert.equal(result.failures, undefined);
    });
});

describe("check: rejected before any call", () => {
    const cases: Array<{ name: string; make: () => Promise<Record<string, unknown>>; property: string; words: RegExp }> = [
        {
            name: "certificate missing while status is on",
            make: async () => ({ domainName: DOMAIN, privateKey: good.key.pkcs8 }),
            property: "certificate",
            words: /required when status is "on"/,
        },
        {
            name: "private key missing while status is on",
            make: async () => ({ domainName: DOMAIN, certificate: good.chainPem }),
            property: "privateKey",
            words: /required when status is "on"/,
        },
        {
            name: "a key that belongs to another certificate",
            make: async () => {
                const other = await issueCertificate({ dnsNames: [DOMAIN], key: "rsa2048" });
                return { domainName: DOMAIN, certificate: good.chainPem, privateKey: other.key.pkcs8 };
            },
            property: "privateKey",
            words: /does not belong to the certificate/,
        },
        {
            name: "an expired certificate",
            make: async () => {
                const old = await issueCertificate({ dnsNames: [DOMAIN], notBeforeDays: -100, notAfterDays: -1 });
                return { domainName: DOMAIN, certificate: old.chainPem, privateKey: old.key.pkcs8 };
            },
            property: "certificate",
            words: /expired/i,
        },
        {
            name: "a certificate not valid yet",
            make: async () => {
                const future = await issueCertificate({ dnsNames: [DOMAIN], notBeforeDays: 3, notAfterDays: 90 });
                return { domainName: DOMAIN, certificate: future.chainPem, privateKey: future.key.pkcs8 };
            },
            property: "certificate",
            words: /not valid until/i,
        },
        {
            name: "a certificate that does not cover the domain",
            make: async () => ({ domainName: "api.example.org", certificate: good.chainPem, privateKey: good.key.pkcs8 }),
            property: "certificate",
            words: /does not cover api\.example\.org/,
        },
        {
            name: "a wildcard asked to cover two labels",
            make: async () => ({ domainName: "a.b.example.com", certificate: chainLeaf.chainPem, privateKey: chainLeaf.key.pkcs8 }),
            property: "certificate",
            words: /does not cover a\.b\.example\.com.*one label/,
        },
        {
            name: "an RSA key below 2048 bits",
            make: async () => {
                const weak = await issueCertificate({ dnsNames: [DOMAIN], key: "rsa1024" });
                return { domainName: DOMAIN, certificate: weak.chainPem, privateKey: weak.key.pkcs8 };
            },
            property: "certificate",
            words: /2048/,
        },
        {
            name: "a domain list with a comma",
            make: async () => ({ domainName: "a.example.com,b.example.com", certificate: good.chainPem, privateKey: good.key.pkcs8 }),
            property: "domainName",
            words: /comma/i,
        },
        {
            name: "a URL instead of a domain",
            make: async () => ({ domainName: "https://www.example.com/", certificate: good.chainPem, privateKey: good.key.pkcs8 }),
            property: "domainName",
            words: /scheme|https:\/\//i,
        },
        {
            name: "a certificate name over 64 characters",
            make: async () => ({ domainName: DOMAIN, certificate: good.chainPem, privateKey: good.key.pkcs8, certName: "n".repeat(65) }),
            property: "certName",
            words: /at most 64/,
        },
        {
            name: "an unknown status",
            make: async () => ({ domainName: DOMAIN, status: "enabled", certificate: good.chainPem, privateKey: good.key.pkcs8 }),
            property: "status",
            words: /"on", "off"/,
        },
        {
            name: "cas without its certificate id",
            make: async () => ({ domainName: DOMAIN, certType: "cas" }),
            property: "certId",
            words: /required with certType "cas"/,
        },
        {
            name: "cas with a PEM that would be ignored",
            make: async () => ({ domainName: DOMAIN, certType: "cas", certId: "123", certificate: good.chainPem }),
            property: "certificate",
            words: /not used with certType "cas"/,
        },
        {
            name: "cas with a region the certificate service does not have",
            make: async () => ({ domainName: DOMAIN, certType: "cas", certId: "123", certRegion: "us-east-1" }),
            property: "certRegion",
            words: /cn-hangzhou, ap-southeast-1/,
        },
        {
            name: "a private key pasted into the certificate field",
            make: async () => ({ domainName: DOMAIN, certificate: good.key.pkcs8, privateKey: good.key.pkcs8 }),
            property: "certificate",
            words: /private key/i,
        },
    ];
    for (const c of cases) {
        it(`GIVEN ${c.name} THEN ${c.property} fails`, async () => {
            const failures = failuresOf(checkInputs(CDN, await c.make()));
            assert.ok(failures[c.property], `expected a failure on ${c.property}, got ${JSON.stringify(failures)}`);
            assert.match(failures[c.property]!, c.words);
        });
    }

    for (const [given, words] of [
        ["8089870-cn-hangzhou", /certificate identifier.*certId: "8089870" and certRegion: "cn-hangzhou"/],
        ["197028-ap-southeast-1", /certId: "197028" and certRegion: "ap-southeast-1"/],
        ["abc", /numeric id .* got "abc"/],
        ["0", /positive whole number/],
        ["-5", /positive whole number/],
        ["12.5", /positive whole number/],
        [12.5, /got 12\.5/],
        [{ id: 1 }, /got \{"id":1\}/],
    ] as const) {
        it(`GIVEN certId ${JSON.stringify(given)} THEN certId fails before any call, saying what to send`, () => {
            const failures = failuresOf(checkInputs(CDN, { domainName: DOMAIN, certType: "cas", certId: given }));
            assert.match(failures.certId ?? "", words);
        });
    }

    it("takes certId as a whole number or its digits, and sends its digits", () => {
        assert.equal(checkInputs(CDN, { domainName: DOMAIN, certType: "cas", certId: 8089870 }).inputs!.certId, "8089870");
        assert.equal(checkInputs(CDN, { domainName: DOMAIN, certType: "cas", certId: " 8089870 " }).inputs!.certId, "8089870");
        assert.equal(checkInputs(CDN, { domainName: DOMAIN, certType: "cas", certId: "8089870" }).failures, undefined);
    });

    it("takes cas on Live by certId (the lifecycle names it by CertName, which Live's set takes), and requires the id", () => {
        const result = checkInputs(LIVE, { domainName: DOMAIN, certType: "cas", certId: "8089870" });
        assert.deepEqual(result.failures ?? [], []);
        assert.deepEqual([result.inputs!.certId, result.inputs!.certRegion], ["8089870", "cn-hangzhou"]);
        assert.match(failuresOf(checkInputs(LIVE, { domainName: DOMAIN, certType: "cas" })).certId!, /required with certType "cas"/);
    });

    it("takes certRegion with an uploaded certificate (the certificate service's centre), and refuses another region", () => {
        const result = checkInputs(CDN, { domainName: DOMAIN, certificate: good.chainPem, privateKey: good.key.pkcs8, certRegion: "ap-southeast-1" });
        assert.deepEqual(result.failures ?? [], []);
        assert.equal(result.inputs!.certRegion, "ap-southeast-1");
        assert.match(
            failuresOf(checkInputs(CDN, { domainName: DOMAIN, certificate: good.chainPem, privateKey: good.key.pkcs8, certRegion: "eu-west-1" })).certRegion!,
            /ap-southeast-1 for international accounts/,
        );
    });

    it("never takes the lifecycle's own records from a program", () => {
        const result = checkInputs(CDN, {
            domainName: DOMAIN,
            certificate: good.chainPem,
            privateKey: good.key.pkcs8,
            storedCertificate: { certId: "1" },
            pendingCleanup: [],
        });
        assert.equal("storedCertificate" in result.inputs!, false);
        assert.equal("pendingCleanup" in result.inputs!, false);
    });

    it("never quotes key material in a reason", async () => {
        const other = await issueCertificate({ dnsNames: ["other.example.net"], key: "rsa2048" });
        const results = [
            checkInputs(CDN, { domainName: DOMAIN, certificate: good.chainPem, privateKey: other.key.pkcs8 }),
            checkInputs(CDN, { domainName: DOMAIN, certificate: other.key.traditional, privateKey: "garbage" }),
            checkInputs(CDN, { domainName: DOMAIN, certificate: good.chainPem, privateKey: other.key.traditional.replace("MII", "XXX") }),
        ];
        const keyLines = [...other.key.pkcs8.split("\n"), ...other.key.traditional.split("\n")].filter((l) => l.length > 20 && !l.startsWith("-----"));
        for (const result of results) {
            for (const failure of result.failures ?? []) {
                for (const line of keyLines) assert.ok(!failure.reason.includes(line.slice(0, 24)), `reason on ${failure.property} quotes the key`);
            }
        }
    });
});

describe("check: values unknown during preview", () => {
    it("passes unknown values through without failing", () => {
        const result = checkInputs(CDN, { domainName: UNKNOWN, certificate: UNKNOWN, privateKey: UNKNOWN });
        assert.equal(result.failures, undefined);
        assert.equal(result.inputs!.domainName, UNKNOWN);
        assert.equal(result.inputs!.certificate, UNKNOWN);
    });
});

describe("check: hostile sizes", () => {
    it("GIVEN a 5 MB PEM block of junk as the certificate THEN a failure names certificate (no stack overflow)", () => {
        const junk = `-----BEGIN CERTIFICATE-----\n${"QUJD".repeat((5 * 1024 * 1024) / 4)}\n-----END CERTIFICATE-----\n`;
        const result = checkInputs(CDN, { domainName: DOMAIN, certificate: junk, privateKey: good.key.pkcs8 });
        const failures = failuresOf(result);
        assert.ok(failures.certificate, JSON.stringify(result.failures));
    });

    it("GIVEN a 5 MB PEM block of junk as the key THEN a failure names privateKey", () => {
        const junk = `-----BEGIN PRIVATE KEY-----\n${"QUJD".repeat((5 * 1024 * 1024) / 4)}\n-----END PRIVATE KEY-----\n`;
        const failures = failuresOf(checkInputs(CDN, { domainName: DOMAIN, certificate: good.chainPem, privateKey: junk }));
        assert.ok(failures.privateKey, JSON.stringify(failures));
    });
});

describe("PEM body validation", () => {
    it("accepts exactly the strings strict base64 does (every string up to 6 characters over an alphabet with the edge cases)", () => {
        const strict = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
        const alphabet = ["A", "z", "+", "/", "=", "-"];
        let compared = 0;
        const visit = (prefix: string) => {
            const ours = decodeBlock({ label: "CERTIFICATE", headers: new Map(), base64: prefix, position: 1 }) !== undefined;
            assert.equal(ours, prefix !== "" && strict.test(prefix), JSON.stringify(prefix));
            compared++;
            if (prefix.length < 6) for (const c of alphabet) visit(prefix + c);
        };
        visit("");
        assert.equal(compared, (6 ** 7 - 1) / 5);
    });
});

// Found by the reliability suite (R4's fuzzing, R5's secret search): check must fail, naming the field, on a
// certificate damaged inside its DER; quote no value whole; and never echo a key given in the wrong input.
describe("hostile input found by the reliability suite", () => {
    it("GIVEN a certificate whose DER frames but whose public key does not decode THEN a failure on certificate, not a raw OpenSSL error", async () => {
        const issued = await issueCertificate({ dnsNames: ["www.example.com"], key: "rsa2048" });
        const der = Buffer.from(issued.cert.rawData);
        const spki = Buffer.from(issued.cert.publicKey.rawData);
        // SPKI = SEQUENCE { AlgorithmIdentifier, BIT STRING { 00, RSAPublicKey SEQUENCE } }: turn that inner SEQUENCE
        // into a SET. The outer structure still decodes; the key does not.
        const inner = der.indexOf(spki) + spki.indexOf(Buffer.from([0x03, 0x82]), 2) + 5;
        assert.equal(der[inner], 0x30);
        der[inner] = 0x31;
        const pem = `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n`;
        const result = checkInputs(CDN, { domainName: "www.example.com", certificate: pem, privateKey: issued.key.pkcs8 });
        assert.match(failuresOf(result).certificate ?? "", /^certificate #1 is valid base64 but not a valid X\.509 certificate/);
    });

    it("GIVEN a 10 MB value where a word goes THEN the reason stays short; GIVEN a key there THEN none of it is shown", async () => {
        const huge = "y".repeat(10 << 20);
        const reason = failuresOf(checkInputs(CDN, { domainName: "www.example.com", status: huge })).status ?? "";
        assert.ok(reason.startsWith('must be one of "on", "off"; got'), reason.slice(0, 200));
        assert.ok(reason.length < 200, `${reason.length} characters`);
        const key = (await issueCertificate({ dnsNames: ["www.example.com"], key: "ec256" })).key.pkcs8;
        for (const property of ["status", "certType", "forceSet", "confirmTimeoutSeconds", "certId"]) {
            const given = property === "certId" ? { certType: "cas", certId: key } : { [property]: key };
            const shown = failuresOf(checkInputs(CDN, { domainName: "www.example.com", ...given }))[property] ?? "";
            assert.match(shown, /looks like PEM or base64 \(not shown\)/, property);
            assert.ok(!shown.includes(key.split("\n")[1]!.slice(0, 16)), property);
        }
    });
});

describe("the single resource's check", () => {
    it("GIVEN no domainName (missing, null or empty) THEN it fails naming domainName, before any call", async () => {
        const { certificateProvider } = await import("../../provider/lifecycle/provider");
        const provider = certificateProvider({
            product: CDN,
            service: () => {
                throw new Error("check calls nothing");
            },
        });
        for (const domainName of [undefined, null, ""]) {
            const result = await provider.check!({}, { status: "off", ...(domainName === undefined ? {} : { domainName }) });
            assert.deepEqual(
                result.failures?.map((f) => [f.property, f.reason]),
                [["domainName", "required: the domain the certificate goes on, e.g. www.example.com"]],
                JSON.stringify(domainName),
            );
        }
        const blank = await provider.check!({}, { status: "off", domainName: "  " });
        assert.deepEqual(
            blank.failures?.map((f) => f.property),
            ["domainName"],
        );
    });
});
