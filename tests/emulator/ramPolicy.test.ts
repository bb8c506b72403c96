// RAM policies in the emulator: a seed account limited to a policy answers Forbidden.RAM (400) for every action the
// policy does not allow, through the official SDK; Allow with wildcards, an explicit Deny wins; bad documents are
// refused at seed time naming the field.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { validateSeed } from "../../emulator";
import { actionMatches, policyAllows } from "../../emulator/ramPolicy";
import { issueCertificate } from "../../harness/certs";
import { expectApiError } from "./support/assertions";
import { $Cdn, cdnClient, liveClient } from "./support/clients";
import { account, emulatorFor, keysOf } from "./support/fixtures";

describe("RAM policy", () => {
    test("Allow with wildcards, case-insensitive; an explicit Deny wins; nothing allowed without a statement", () => {
        assert.equal(actionMatches("cdn:Describe*", "cdn:DescribeUserDomains"), true);
        assert.equal(actionMatches("cdn:describe*", "cdn:DescribeUserDomains"), true);
        assert.equal(actionMatches("cdn:Describe*", "live:DescribeLiveDomainDetail"), false);
        assert.equal(actionMatches("*", "live:SetLiveDomainCertificate"), true);
        const policy = {
            Statement: [
                { Effect: "Allow" as const, Action: ["cdn:*"] },
                { Effect: "Deny" as const, Action: "cdn:Set*" },
            ],
        };
        assert.equal(policyAllows(policy, "cdn:DescribeDomainCertificateInfo"), true);
        assert.equal(policyAllows(policy, "cdn:SetCdnDomainSSLCertificate"), false);
        assert.equal(policyAllows(policy, "live:DescribeLiveDomainDetail"), false);
    });

    test("a call outside the account's policy answers 400 Forbidden.RAM; the allowed ones work", async (t) => {
        const limited = account(
            "Ram",
            { cdn: ["ram.cdn.test"], live: ["ram.live.test"] },
            { ramPolicy: { Statement: [{ Effect: "Allow", Action: ["cdn:Describe*"] }] } },
        );
        const emulator = await emulatorFor(t, { accounts: [limited] });
        const cdn = cdnClient(emulator, keysOf(limited));
        await cdn.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: "ram.cdn.test" }));
        const leaf = await issueCertificate({ dnsNames: ["ram.cdn.test"] });
        await expectApiError(
            cdn.setCdnDomainSSLCertificate(
                new $Cdn.SetCdnDomainSSLCertificateRequest({
                    domainName: "ram.cdn.test",
                    SSLProtocol: "on",
                    certName: "n",
                    SSLPub: leaf.chainPem,
                    SSLPri: leaf.key.pkcs8,
                }),
            ),
            "Forbidden.RAM",
            400,
        );
        await expectApiError(liveClient(emulator, keysOf(limited))("DescribeLiveDomainDetail", { DomainName: "ram.live.test" }), "Forbidden.RAM", 400);
    });

    test("a seed's policy that is not a policy document is refused, naming the field", () => {
        const bad = (ramPolicy: unknown) => () => validateSeed({ accounts: [{ accessKeyId: "LTAIx", accessKeySecret: "s", domains: [], ramPolicy }] });
        assert.throws(bad({}), /accounts\[0\]\.ramPolicy must be a policy document/);
        assert.throws(bad({ Statement: [{ Effect: "Maybe", Action: "cdn:*" }] }), /Statement\[0\]\.Effect must be "Allow" or "Deny"/);
        assert.throws(bad({ Statement: [{ Effect: "Allow", Action: [] }] }), /Statement\[0\]\.Action/);
    });
});
