// Unit tests of certificate names: the default derived from a certificate, and the rule for a given name.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { certNameProblem, defaultCertName, parseCertificateChain, type CertificateInfo } from "../../provider/certificate";
import { issueCertificate, type Issued } from "../../harness/certs";

describe("defaultCertName", () => {
    let current: Issued;
    let renewal: Issued;
    let sameDayRenewal: Issued;
    before(async () => {
        current = await issueCertificate({ dnsNames: ["*.example.com", "example.com"], notAfterDays: 30 });
        renewal = await issueCertificate({ dnsNames: ["*.example.com", "example.com"], notAfterDays: 120 });
        // Same names, same key, same validity: only the fingerprint tells the two certificates apart.
        sameDayRenewal = await issueCertificate({ dnsNames: ["*.example.com", "example.com"], notAfterDays: 30, keys: current.keys });
    });
    const infoOf = (issued: Issued) => parseCertificateChain(issued.leafPem).info;
    const withInfo = (changes: Partial<CertificateInfo>) => ({ ...infoOf(current), ...changes });
    const dateOf = (info: CertificateInfo) => info.notAfter.slice(0, 10).replace(/-/g, "");

    it("GIVEN a wildcard certificate WHEN named THEN <first SAN with * as wildcard>-<notAfter YYYYMMDD>-<8 hex of fingerprint>", () => {
        const info = infoOf(current);
        assert.equal(defaultCertName(info), `wildcard.example.com-${dateOf(info)}-${info.fingerprint.slice(0, 8)}`);
        assert.equal(certNameProblem(defaultCertName(info)), undefined);
    });

    it("GIVEN a renewal with the same names WHEN named THEN the name differs from the old one", () => {
        assert.notEqual(defaultCertName(infoOf(renewal)), defaultCertName(infoOf(current)));
    });

    it("GIVEN two renewals expiring the same day WHEN named THEN the fingerprint suffix still sets them apart", () => {
        const [a, b] = [infoOf(current), infoOf(sameDayRenewal)];
        assert.equal(a.notAfter.slice(0, 10), b.notAfter.slice(0, 10));
        assert.notEqual(defaultCertName(a), defaultCertName(b));
    });

    const cases: [given: string, changes: Partial<CertificateInfo>, readable: string][] = [
        ["no SAN: the CN is used", { dnsNames: [], subject: "CN=legacy.example.com, O=Example" }, "legacy.example.com"],
        ["no SAN and a CN that is not a host name", { dnsNames: [], subject: "O=Example, CN=My Server (prod)" }, "My-Server-prod"],
        ["no SAN and no CN", { dnsNames: [], subject: "O=Example" }, "certificate"],
        ["a SAN that would start with a dot or hyphen", { dnsNames: ["-odd.example.com"] }, "odd.example.com"],
        ["an IDN in punycode", { dnsNames: ["xn--bcher-kva.example"] }, "xn--bcher-kva.example"],
    ];
    for (const [given, changes, readable] of cases) {
        it(`GIVEN ${given} WHEN named THEN the readable part is ${JSON.stringify(readable)}`, () => {
            const info = withInfo(changes);
            const name = defaultCertName(info);
            assert.equal(name, `${readable}-${dateOf(info)}-${info.fingerprint.slice(0, 8)}`);
            assert.equal(certNameProblem(name), undefined);
        });
    }

    it("GIVEN a very long first SAN WHEN named THEN the name is 64 characters (the certificate service's limit) and keeps its unique suffix", () => {
        const long = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.example.com`;
        const info = withInfo({ dnsNames: [long] });
        const name = defaultCertName(info);
        const suffix = `-${dateOf(info)}-${info.fingerprint.slice(0, 8)}`;
        assert.equal(name.length, 64);
        assert.ok(name.endsWith(suffix));
        assert.equal(name, long.slice(0, 64 - suffix.length).replace(/\.$/, "") + suffix);
        assert.equal(certNameProblem(name), undefined);
    });
});

describe("certNameProblem", () => {
    const accepted = ["a", "www.example.com-20250131-1a2b3c4d", "My_Cert-2025.v2", "0cert", "x".repeat(64)];
    for (const name of accepted) {
        it(`GIVEN ${JSON.stringify(name.length > 40 ? `${name.slice(0, 20)}… (${name.length})` : name)} WHEN checked THEN accepted`, () => {
            assert.equal(certNameProblem(name), undefined);
        });
    }

    const refused: [given: string, name: string, words: string[]][] = [
        ["empty", "", ["the certificate name is empty", "leave certName unset"]],
        ["65 characters", "x".repeat(65), ["is 65 characters long", "the certificate service takes at most 64", "shorten it"]],
        ["a space", "my cert", ['contains " "', 'only letters, digits, ".", "_" and "-"']],
        ["a slash", "certs/www", ['contains "/"']],
        ["a comma", "a,b", ['contains ","']],
        ["non-ASCII letters", "证书", ['contains "证"']],
        ["a leading dot", ".hidden", ['starts with "."', "starting with a letter or digit"]],
        ["a leading hyphen", "-cert", ['starts with "-"']],
    ];
    for (const [given, name, words] of refused) {
        it(`GIVEN a name with ${given} WHEN checked THEN refused with the rule named`, () => {
            const problem = certNameProblem(name) ?? "";
            for (const word of words) assert.ok(problem.includes(word), `${JSON.stringify(problem)} should mention ${JSON.stringify(word)}`);
        });
    }
});
