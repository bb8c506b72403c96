// Parsing is remembered by content: N resources sharing a certificate cost one parse, and no caller can change the
// shared result under another.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { keyMatchesCertificate, parseCertificateChain, parsePrivateKey } from "../../provider/certificate";
import { issueCertificate } from "../../harness/certs";

describe("remembered parsing", () => {
    it("returns the same frozen result for the same text, and another for other text", async () => {
        const a = await issueCertificate({ dnsNames: ["a.example.com"] });
        const b = await issueCertificate({ dnsNames: ["b.example.com"] });
        const first = parseCertificateChain(a.chainPem);
        assert.equal(parseCertificateChain(a.chainPem), first);
        assert.notEqual(parseCertificateChain(b.chainPem), first);
        assert.ok(Object.isFrozen(first) && Object.isFrozen(first.info) && Object.isFrozen(first.info.dnsNames));
        assert.throws(() => (first.info.dnsNames as string[]).push("evil.example.com"));
        assert.equal(parsePrivateKey(a.key.pkcs8), parsePrivateKey(a.key.pkcs8));
    });

    it("keeps answering key matches per pair, not per certificate", async () => {
        const a = await issueCertificate({ dnsNames: ["a.example.com"] });
        const b = await issueCertificate({ dnsNames: ["a.example.com"] });
        const chain = parseCertificateChain(a.chainPem);
        assert.equal(keyMatchesCertificate(parsePrivateKey(a.key.pkcs8), chain), true);
        assert.equal(keyMatchesCertificate(parsePrivateKey(b.key.pkcs8), chain), false);
        assert.equal(keyMatchesCertificate(parsePrivateKey(a.key.pkcs8), chain), true);
    });
});
