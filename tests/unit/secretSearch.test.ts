// The reliability suite's secret search (R5) is what backs its "0 leaks": it must find a key's pieces however they
// are wrapped, and must not report the public half every certificate of that key prints.
import assert from "node:assert/strict";
import { createPrivateKey } from "node:crypto";
import { describe, it } from "node:test";
import { searchSecrets } from "../../harness/secretSearch";
import { issueCertificate, type Issued } from "../../harness/certs";

function body(pem: string): string {
    return pem.replace(/-----[^-]+-----/g, "").replace(/\s/g, "");
}

/** 60 base64 characters of the key's body from where its private value starts (the EC scalar, the RSA private exponent). */
function privateStretch(pem: string): string {
    const jwk = createPrivateKey(pem).export({ format: "jwk" }) as { d: string };
    const der = Buffer.from(body(pem), "base64");
    const at = der.indexOf(Buffer.from(jwk.d, "base64url"));
    assert.ok(at > 0, "the private value is in the DER");
    const from = Math.ceil(at / 3) * 4;
    return body(pem).slice(from, from + 60);
}

describe("R5's secret search", () => {
    for (const key of ["ec256", "ec384", "rsa2048"] as const) {
        it(`GIVEN a ${key} key registered without its certificate WHEN only the certificate is printed THEN no hit`, async () => {
            const issued: Issued = await issueCertificate({ dnsNames: ["r5.example.com"], key });
            for (const value of [issued.key.pkcs8, issued.key.traditional]) {
                const { hits } = searchSecrets([{ source: "a certificate printed", text: issued.chainPem }], [{ label: "key", value }]);
                assert.deepEqual(hits, [], value.split("\n")[0]);
            }
        });

        it(`GIVEN a ${key} key WHEN 60 characters of its private half are printed, percent-encoded THEN one hit`, async () => {
            const issued = await issueCertificate({ dnsNames: ["r5.example.com"], key });
            const secretPart = privateStretch(issued.key.pkcs8);
            const { hits } = searchSecrets(
                [{ source: "a URL", text: `?SSLPri=${encodeURIComponent(secretPart)}` }],
                [{ label: "key", value: issued.key.pkcs8 }],
            );
            assert.deepEqual(
                hits.map((h) => h.source),
                ["a URL"],
            );
        });
    }

    it("GIVEN a key re-wrapped at 76 columns inside JSON THEN one hit", async () => {
        const issued = await issueCertificate({ dnsNames: ["r5.example.com"], key: "ec256" });
        const rewrapped = JSON.stringify({ key: body(issued.key.pkcs8).replace(/(.{76})/g, "$1\n") });
        const { hits } = searchSecrets([{ source: "json", text: rewrapped }], [{ label: "key", value: issued.key.pkcs8 }]);
        assert.equal(hits.length, 1);
    });
});
