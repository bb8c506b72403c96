// A domain belongs to one resource: check refuses a domain that another resource of the stack already declares,
// whichever kinds the two are, and names the other one.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { CDN } from "../../provider/products";
import { DomainClaims, describeHolder } from "../../provider/lifecycle/claims";
import { groupProvider } from "../../provider/lifecycle/group/provider";
import { certificateProvider } from "../../provider/lifecycle/provider";
import type { CertificateService } from "../../provider/lifecycle/port";
import { issueCertificate, type Issued } from "../../harness/certs";

const URN = (type: string, name: string) => `urn:pulumi:dev::shop::pulumi-nodejs:dynamic/alicloud-certs:${type}::${name}`;

describe("DomainClaims", () => {
    it("GIVEN a domain held by one resource THEN another's claim is refused naming the holder; the holder may claim again", () => {
        const claims = new DomainClaims();
        const a = URN("DomainCertificate", "www");
        const b = URN("DomainCertificateGroup", "all");
        assert.deepEqual(claims.claim(a, ["www.example.com"]), []);
        assert.deepEqual(claims.claim(b, ["img.example.com", "www.example.com"]), [{ domain: "www.example.com", holder: a }]);
        assert.deepEqual(claims.claim(a, ["www.example.com"]), [], "checked again");
        // The holder lets go (its domain changed): the other may take it.
        assert.deepEqual(claims.claim(a, ["shop.example.com"]), []);
        assert.deepEqual(claims.claim(b, ["img.example.com", "www.example.com"]), []);
        assert.equal(describeHolder(b), "the DomainCertificateGroup `all`");
    });
});

describe("check refuses a domain two resources declare", () => {
    let cert: Issued;
    before(async () => {
        cert = await issueCertificate({ dnsNames: ["*.claims.test"], key: "ec256" });
    });
    const noService = (): CertificateService => {
        throw new Error("check makes no call");
    };

    it("GIVEN a DomainCertificate and then a group with its domain THEN the group's check fails on domains, naming the DomainCertificate", async () => {
        const single = certificateProvider({ product: CDN, service: noService });
        const group = groupProvider({ product: CDN, service: noService });
        const base = { certificate: cert.chainPem, privateKey: cert.key.pkcs8 };
        const first = await single.check!({}, { ...base, domainName: "www.claims.test", resourceUrn: URN("DomainCertificate", "www") });
        assert.equal(first.failures, undefined);
        const second = await group.check!({}, { ...base, domains: ["a.claims.test", "www.claims.test"], resourceUrn: URN("DomainCertificateGroup", "all") });
        assert.equal(second.failures?.length, 1);
        assert.match(
            second.failures![0]!.reason,
            /^domains: already declared by another resource of this stack: www\.claims\.test \(declared by the DomainCertificate `www`\)\. A domain belongs to one resource/,
        );
        // Two single resources for one domain are refused the same way.
        const third = await single.check!({}, { ...base, domainName: "www.claims.test", resourceUrn: URN("DomainCertificate", "www-again") });
        assert.match(third.failures?.[0]?.reason ?? "", /www\.claims\.test \(declared by the DomainCertificate `www`\)/);
        assert.equal(third.failures?.[0]?.property, "domainName");
    });
});
