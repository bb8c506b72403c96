// diff(): decisions by fingerprint and status. The state (`olds`) is what create/read produced; `news` is what
// check produced from the program. Each case is one situation a user meets.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { CDN } from "../../provider/products";
import { checkInputs } from "../../provider/lifecycle/check";
import { diffCertificate, changedProperties } from "../../provider/lifecycle/diff";
import { UNKNOWN, type CertificateInputs, type CertificateOutputs } from "../../provider/lifecycle/model";
import { outputsFrom } from "../../provider/lifecycle/outputs";
import { issueCertificate, issueChain, type Issued } from "../../harness/certs";

const DOMAIN = "www.example.com";

function checked(raw: Record<string, unknown>): CertificateInputs {
    const result = checkInputs(CDN, raw);
    assert.equal(result.failures, undefined, JSON.stringify(result.failures));
    return result.inputs!;
}

/** The state after a successful deploy of `inputs`: the cloud serves exactly that certificate. */
function deployed(inputs: CertificateInputs): CertificateOutputs {
    return outputsFrom(inputs, {
        domainName: inputs.domainName,
        status: inputs.status,
        certificatePem: inputs.certificate,
        certType: inputs.certType,
        domainStatus: "online",
    });
}

let current: Issued;
let renewed: Issued;

before(async () => {
    current = await issueCertificate({ dnsNames: [DOMAIN], key: "rsa2048" });
    renewed = await issueCertificate({ dnsNames: [DOMAIN], key: "rsa2048" });
});

describe("diff", () => {
    it("GIVEN the same certificate re-encoded (CRLF, PKCS#8 key) THEN nothing changes", () => {
        const olds = deployed(checked({ domainName: DOMAIN, certificate: current.chainPem, privateKey: current.key.traditional }));
        const news = checked({
            domainName: DOMAIN,
            certificate: `subject=CN = www.example.com\r\n${current.chainPem.replace(/\n/g, "\r\n")}\r\n\r\n`,
            privateKey: current.key.pkcs8,
        });
        assert.deepEqual(diffCertificate(olds, news), { changes: false, replaces: [], deleteBeforeReplace: false });
    });

    it("GIVEN a renewed certificate THEN it is an update on the fingerprint, not a replacement", () => {
        const olds = deployed(checked({ domainName: DOMAIN, certificate: current.chainPem, privateKey: current.key.pkcs8 }));
        const news = checked({ domainName: DOMAIN, certificate: renewed.chainPem, privateKey: renewed.key.pkcs8 });
        assert.deepEqual(changedProperties(olds, news), ["fingerprint", "certName"]);
        assert.deepEqual(diffCertificate(olds, news), { changes: true, replaces: [], deleteBeforeReplace: false });
    });

    it("GIVEN status on -> off THEN it is an update of status only", () => {
        const olds = deployed(checked({ domainName: DOMAIN, certificate: current.chainPem, privateKey: current.key.pkcs8 }));
        const news = checked({ domainName: DOMAIN, status: "off" });
        assert.deepEqual(changedProperties(olds, news), ["status"]);
    });

    it("GIVEN another domain THEN the resource is replaced", () => {
        const olds = deployed(checked({ domainName: DOMAIN, certificate: current.chainPem, privateKey: current.key.pkcs8 }));
        const news = checked({ domainName: "WWW.EXAMPLE.COM", certificate: current.chainPem, privateKey: current.key.pkcs8 });
        assert.equal(diffCertificate(olds, news).changes, false, "case differences are the same domain");
        const other = { ...news, domainName: "api.example.com" };
        assert.deepEqual(diffCertificate(olds, other).replaces, ["domainName"]);
    });

    it("GIVEN a certificate unknown during preview THEN an update is expected", () => {
        const olds = deployed(checked({ domainName: DOMAIN, certificate: current.chainPem, privateKey: current.key.pkcs8 }));
        const news = { ...olds, certificate: UNKNOWN, fingerprint: undefined } as unknown as CertificateInputs;
        assert.deepEqual(changedProperties(olds, news), ["certificate"]);
    });

    it("GIVEN the same leaf with a new intermediate THEN the chain is updated", async () => {
        const first = await issueChain({ dnsNames: [DOMAIN], key: "ec256" });
        const otherCa = await issueChain({ dnsNames: [DOMAIN], key: "ec256" });
        const olds = deployed(checked({ domainName: DOMAIN, certificate: first.leaf.chainPem, privateKey: first.leaf.key.pkcs8 }));
        const sameLeafNewIntermediate = first.leaf.leafPem + otherCa.intermediate.leafPem;
        const news = { ...olds, certificate: sameLeafNewIntermediate } as CertificateInputs;
        assert.deepEqual(changedProperties(olds, news), ["certificate"]);
    });

    it("GIVEN drift seen by refresh (the cloud serves another certificate) THEN the declared one is restored", () => {
        const declared = checked({ domainName: DOMAIN, certificate: current.chainPem, privateKey: current.key.pkcs8 });
        const refreshed = outputsFrom(declared, {
            domainName: DOMAIN,
            status: "on",
            certificatePem: renewed.chainPem,
            certType: "upload",
            domainStatus: "online",
        });
        assert.deepEqual(changedProperties(refreshed, declared), ["fingerprint"]);
    });

    it("GIVEN HTTPS turned off out of band THEN status is restored", () => {
        const declared = checked({ domainName: DOMAIN, certificate: current.chainPem, privateKey: current.key.pkcs8 });
        const refreshed = outputsFrom(declared, { domainName: DOMAIN, status: "off", domainStatus: "online" });
        // Nothing is served, so the declared fingerprint is missing too.
        assert.deepEqual(changedProperties(refreshed, declared), ["status", "fingerprint"]);
    });

    it("GIVEN a cas certificate id change THEN it is an update", () => {
        const olds = deployed(checked({ domainName: DOMAIN, certType: "cas", certId: "100" }));
        const news = checked({ domainName: DOMAIN, certType: "cas", certId: "200" });
        assert.deepEqual(changedProperties({ ...olds, certId: "100" }, news), ["certId"]);
    });
});
