// A refresh of a domain that still serves the certificate recorded in state restates the state without parsing a
// certificate: the X.509 parser is not even loaded (it costs the provider process about 0.1 s and 4 MB before the
// first read of a refresh). A domain that drifted is parsed and reported as it is.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { CDN } from "../../provider/products";
import { checkInputs } from "../../provider/lifecycle/check";
import type { CertificateInputs, CertificateOutputs } from "../../provider/lifecycle/model";
import { outputsFrom } from "../../provider/lifecycle/outputs";
import type { DeployedCertificate } from "../../provider/lifecycle/port";
import { fingerprintOf, issueChain, issueCertificate, type Issued } from "../../harness/certs";

const DOMAIN = "www.refresh.test";
const PROBE = path.join(__dirname, "..", "support", "refreshProbe.ts");

interface ProbeResult {
    props: CertificateOutputs;
    changes: boolean;
    parserLoaded: boolean;
}

/** One refresh in a fresh process (see tests/support/refreshProbe.ts). */
function refreshInFreshProcess(state: CertificateOutputs, inputs: CertificateInputs, served: DeployedCertificate): ProbeResult {
    const run = spawnSync(process.execPath, ["--import", "tsx", PROBE], {
        input: JSON.stringify({ state, inputs, served }),
        encoding: "utf8",
        timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as ProbeResult;
}

let chain: { leaf: Issued; intermediate: Issued };
let other: Issued;
let inputs: CertificateInputs;
let state: CertificateOutputs;

before(async () => {
    const issued = await issueChain({ dnsNames: [DOMAIN], key: "ec256" });
    chain = { leaf: issued.leaf, intermediate: issued.intermediate };
    other = await issueCertificate({ dnsNames: [DOMAIN], key: "ec256" });
    // The intermediate first: check puts the chain in order, as it is deployed and recorded.
    const checked = checkInputs(CDN, { domainName: DOMAIN, certificate: chain.intermediate.leafPem + chain.leaf.leafPem, privateKey: chain.leaf.key.pkcs8 });
    inputs = checked.inputs!;
    state = outputsFrom(inputs, { domainName: DOMAIN, status: "on", certificatePem: inputs.certificate, certType: "upload" });
});

describe("refresh", () => {
    it("GIVEN the domain still serves the recorded chain THEN the state is restated, no change, and no certificate is parsed", () => {
        const result = refreshInFreshProcess(state, inputs, { domainName: DOMAIN, status: "on", certificatePem: inputs.certificate, certType: "upload" });
        assert.deepEqual(result.props, state);
        assert.equal(result.changes, false);
        assert.equal(result.parserLoaded, false);
    });

    it("GIVEN the domain serves another certificate THEN it is parsed and reported, and the diff says so", async () => {
        const result = refreshInFreshProcess(state, inputs, { domainName: DOMAIN, status: "on", certificatePem: other.chainPem, certType: "upload" });
        assert.equal(result.props.fingerprint, await fingerprintOf(other));
        assert.equal(result.props.serialNumber, other.cert.serialNumber.toLowerCase());
        assert.equal(result.changes, true);
        assert.equal(result.parserLoaded, true);
    });

    it("GIVEN the domain serves the recorded chain in another order THEN the leaf is still found, and nothing changed", async () => {
        const reversed = chain.intermediate.leafPem + chain.leaf.leafPem;
        const result = refreshInFreshProcess(state, inputs, { domainName: DOMAIN, status: "on", certificatePem: reversed, certType: "upload" });
        assert.equal(result.props.fingerprint, await fingerprintOf(chain.leaf));
        assert.deepEqual(result.props, state);
        assert.equal(result.changes, false);
    });

    it("GIVEN state written without the leaf details THEN they are parsed back", () => {
        const { notBefore: _n, subject: _s, issuer: _i, serialNumber: _sn, dnsNames: _d, ...older } = state;
        const result = refreshInFreshProcess(older, inputs, { domainName: DOMAIN, status: "on", certificatePem: inputs.certificate, certType: "upload" });
        assert.deepEqual(result.props, state);
    });
});
