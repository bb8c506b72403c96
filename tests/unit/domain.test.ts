// Unit tests of domain name normalization and SAN coverage. Pure functions: plain tables, no certificates needed
// except for the last test, which reads the SAN of a real one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CertificateInputError, coversDomain, normalizeDomainName, parseCertificateChain } from "../../provider/certificate";
import { issueCertificate } from "../../harness/certs";

describe("normalizeDomainName: accepted spellings", () => {
    const cases: [input: string, expected: string][] = [
        ["www.example.com", "www.example.com"],
        ["WWW.Example.COM", "www.example.com"],
        ["  cdn.example.com \n", "cdn.example.com"],
        // A wildcard domain, written as certificates name it or as the API does, comes out as the API names it.
        ["*.example.com", ".example.com"],
        ["*.Example.com", ".example.com"],
        [".example.com", ".example.com"],
        [".Example.COM", ".example.com"],
        [".bücher.example", ".xn--bcher-kva.example"],
        ["bücher.example", "xn--bcher-kva.example"],
        ["BÜCHER.example", "xn--bcher-kva.example"],
        ["*.bücher.example", ".xn--bcher-kva.example"],
        ["xn--bcher-kva.example", "xn--bcher-kva.example"],
        ["例え.テスト", "xn--r8jz45g.xn--zckzah"],
        ["a-b.c-d.example", "a-b.c-d.example"],
        ["1.example.com", "1.example.com"],
        ["live.example.co.uk", "live.example.co.uk"],
        [`${"a".repeat(63)}.example.com`, `${"a".repeat(63)}.example.com`],
        [`${"a.".repeat(125)}com`, `${"a.".repeat(125)}com`], // 253 characters, the maximum
    ];
    for (const [input, expected] of cases) {
        it(`GIVEN ${JSON.stringify(input)} WHEN normalized THEN it is ${JSON.stringify(expected)}`, () => {
            assert.equal(normalizeDomainName(input), expected);
        });
    }
});

describe("normalizeDomainName: refused spellings", () => {
    const cases: [given: string, input: string, words: string[]][] = [
        ["empty", "", ["the domain name is empty", "set domainName"]],
        ["blank", "   ", ["the domain name is empty"]],
        ["a comma-separated list", "a.example.com,b.example.com", ["contains a comma", "batch API", "one resource per domain"]],
        ["a list with a space after the comma", "a.example.com, b.example.com", ["contains a comma"]],
        ["an https URL", "https://www.example.com", ["starts with a scheme", "bare host name"]],
        ["an http URL with a path", "http://www.example.com/index.html", ["starts with a scheme"]],
        ["a space inside", "www example.com", ["contains a space"]],
        ["a path", "www.example.com/images", ["contains a path", "host name only"]],
        ["a query", "www.example.com?x=1", ["contains a path or query"]],
        ["a port", "www.example.com:443", ["contains a port", 'without ":port"']],
        ["a trailing dot", "www.example.com.", ["ends with a dot", 'write "www.example.com"']],
        ["an empty label", "www..example.com", ["has an empty label", "one dot between labels"]],
        ["two leading dots", "..example.com", ["has an empty label", "*.example.com or .example.com"]],
        ["a wildcard and a dot", "*..example.com", ["has an empty label"]],
        ["a wildcard domain over a single label", ".com", ["is a single label"]],
        ["a label of 64 characters", `${"a".repeat(64)}.example.com`, ["label of 64 characters", "at most 63"]],
        ["254 characters", `${"a.".repeat(125)}comx`, ["is 254 characters long", "at most 253"]],
        ["an underscore", "my_site.example.com", ['contains the character "_"', "underscore is not allowed"]],
        ["an exclamation mark", "hi!.example.com", ['contains the character "!"', "letters, digits, hyphens and dots"]],
        ["a leading hyphen in a label", "-www.example.com", ["starts or ends with a hyphen", '"-www"']],
        ["a trailing hyphen in a label", "www-.example.com", ["starts or ends with a hyphen"]],
        ["an IPv4 address", "192.0.2.10", ["is an IP address", "domain names only"]],
        ["an IPv6 address", "2001:db8::1", ["is an IP address"]],
        ["a bracketed IPv6 address", "[2001:db8::1]", ["is an IP address"]],
        ["a numeric last label", "www.example.123", ["ends with a numeric label", "IP address"]],
        ["a hex IPv4 spelling", "0x7f.1", ["ends with a numeric label"]],
        ["a single label", "localhost", ["is a single label", "fully qualified"]],
        ["a wildcard over a single label", "*.com", ["is a single label"]],
        ["a wildcard not in the first label", "www.*.example.com", ['"*" in the wrong place', "*.example.com", ".example.com"]],
        ["a partial wildcard", "w*.example.com", ['"*" in the wrong place']],
        ["two wildcards", "*.*.example.com", ['"*" in the wrong place']],
        ["an invalid punycode label", "xn--zz.example.com", ["not a valid domain name", "punycode"]],
    ];
    for (const [given, input, words] of cases) {
        it(`GIVEN ${given} (${JSON.stringify(input)}) WHEN normalized THEN it is refused with a reason that says how to write it`, () => {
            assert.throws(
                () => normalizeDomainName(input),
                (error: unknown) => {
                    assert.ok(error instanceof CertificateInputError);
                    for (const word of words) assert.ok(error.reason.includes(word), `${JSON.stringify(error.reason)} should mention ${JSON.stringify(word)}`);
                    return true;
                },
            );
        });
    }

    it("GIVEN names in capitals WHEN normalized THEN the result is the browser's (WHATWG URL), and a name the browser refuses is refused", () => {
        for (const name of ["WWW.Example.COM", "BÜCHER.example", "İstanbul.example", "ΣΊΣΥΦΟΣ.example", "*.Straße.example"]) {
            const host = name.replace(/^\*\./, "");
            const browser = new URL(`http://${host}`).hostname;
            assert.equal(normalizeDomainName(name), name.startsWith("*.") ? `.${browser}` : browser, name);
        }
        // U+10BD, a Georgian capital UTS #46 disallows; JavaScript lower-cases it to U+2D1D, which it allows.
        assert.throws(() => new URL("http://\u10bd.example"));
        assert.throws(
            () => normalizeDomainName("\u10bd.example"),
            (error: unknown) => error instanceof CertificateInputError && /is not a valid domain name/.test(error.reason),
        );
    });

    it("GIVEN a very long refused input WHEN normalized THEN the reason quotes its first 60 characters and its length", () => {
        const long = `${"ab-c.".repeat(60)},y.example.com`;
        assert.throws(
            () => normalizeDomainName(long),
            (error: unknown) => {
                assert.ok(error instanceof CertificateInputError);
                assert.ok(error.reason.includes(`${JSON.stringify(long).slice(0, 60)}… (a string of ${long.length} characters)`), error.reason);
                assert.ok(error.reason.length < 300, `${error.reason.length} characters`);
                return true;
            },
        );
    });

    it("GIVEN a key pasted as a domain WHEN normalized THEN the reason shows none of it", async () => {
        const { issueCertificate } = await import("../../harness/certs");
        const key = (await issueCertificate({ dnsNames: ["a.example.com"], key: "ec256" })).key.pkcs8;
        for (const given of [key, key.split("\n")[1]!]) {
            assert.throws(
                () => normalizeDomainName(given),
                (error: unknown) => {
                    assert.ok(error instanceof CertificateInputError);
                    assert.match(error.reason, /looks like PEM or base64 \(not shown\)/);
                    for (const line of key.split("\n").filter((l) => l.length > 16 && !l.startsWith("-----")))
                        assert.ok(!error.reason.includes(line.slice(0, 16)));
                    return true;
                },
            );
        }
    });
});

describe("coversDomain", () => {
    const san = ["www.example.com", "*.example.com", "xn--bcher-kva.example", "*.cdn.example.net", "Shop.Example.Org"];
    const cases: [domain: string, covered: boolean, why: string][] = [
        ["www.example.com", true, "exact match"],
        ["a.example.com", true, "one label under the wildcard"],
        ["example.com", false, "the wildcard does not cover the bare parent"],
        ["a.b.example.com", false, "the wildcard covers exactly one label"],
        [".example.com", true, "a wildcard domain (as the API names it) is covered by the same wildcard"],
        ["*.example.com", true, "a wildcard domain written as a certificate names it: the same"],
        [".www.example.com", false, "a wildcard domain is not covered by a name or by a broader wildcard"],
        ["*.www.example.com", false, "the same, written with a star"],
        [".cdn.example.net", true, "the same wildcard"],
        [".example.org", false, "a wildcard domain is not covered by a name under it"],
        ["img.cdn.example.net", true, "one label under the second wildcard"],
        ["cdn.example.net", false, "no name for the bare parent"],
        ["xn--bcher-kva.example", true, "IDN compared in punycode"],
        ["shop.example.org", true, "SAN compared case-insensitively"],
        ["SHOP.EXAMPLE.ORG", true, "domain compared case-insensitively"],
        ["www.example.co", false, "a different name"],
        ["wwwexample.com", false, "no label boundary"],
        ["aexample.com", false, "the wildcard's dot is a label boundary"],
    ];
    for (const [domain, covered, why] of cases) {
        it(`GIVEN the SAN names WHEN asked about ${domain} THEN ${covered ? "covered" : "not covered"} (${why})`, () => {
            assert.equal(coversDomain(san, domain), covered);
        });
    }

    it("GIVEN a SAN written as a U-label by a lax CA WHEN asked about the punycode domain THEN covered", () => {
        assert.equal(coversDomain(["bücher.example", "*.bücher.example"], "xn--bcher-kva.example"), true);
        assert.equal(coversDomain(["*.bücher.example"], "www.xn--bcher-kva.example"), true);
    });

    it("GIVEN no SAN names WHEN asked THEN nothing is covered (the CN is not used)", () => {
        assert.equal(coversDomain([], "www.example.com"), false);
    });

    it("GIVEN a real certificate whose CN is not in its SAN WHEN asked about the CN THEN not covered", async () => {
        const issued = await issueCertificate({ dnsNames: ["api.example.com"], commonName: "www.example.com" });
        const { info } = parseCertificateChain(issued.leafPem);
        assert.equal(info.subject, "CN=www.example.com");
        assert.equal(coversDomain(info.dnsNames, "www.example.com"), false);
        assert.equal(coversDomain(info.dnsNames, normalizeDomainName("API.Example.com")), true);
    });

    it("GIVEN a real certificate for an IDN WHEN asked about the normalized U-label domain THEN covered", async () => {
        const issued = await issueCertificate({ dnsNames: ["xn--bcher-kva.example", "*.xn--bcher-kva.example"] });
        const { info } = parseCertificateChain(issued.leafPem);
        assert.deepEqual(info.dnsNames, ["xn--bcher-kva.example", "*.xn--bcher-kva.example"]);
        assert.equal(coversDomain(info.dnsNames, normalizeDomainName("bücher.example")), true);
        assert.equal(coversDomain(info.dnsNames, normalizeDomainName("www.bücher.example")), true);
        assert.equal(coversDomain(info.dnsNames, normalizeDomainName("a.www.bücher.example")), false);
    });
});
