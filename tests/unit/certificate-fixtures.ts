// Real certificates and keys shared by the certificate module's unit tests, made once per test process.
import { encryptedKeyOf, issueCertificate, issueChain, type Issued, type KeyPems } from "../../harness/certs";
import { x509 as loadX509 } from "../../provider/certificate/x509";

const x509 = loadX509();

export interface CertificateFixtures {
    /** root (EC) → intermediate (EC) → leaf (RSA 2048) for www.example.com and *.example.com. */
    readonly rsa: { root: Issued; intermediate: Issued; leaf: Issued };
    /** root → intermediate → leaf (EC P-256) for shop.example.org, under a different CA of the same names. */
    readonly ec: { root: Issued; intermediate: Issued; leaf: Issued };
    /** The rsa chain's intermediate re-issued by the same root with the same key: the leaf still chains to it. */
    readonly reissuedIntermediate: Issued;
    /** A second leaf under the rsa chain's intermediate: another server certificate of the same CA. */
    readonly siblingLeaf: Issued;
    /** Self-signed leaves. */
    readonly rsa1024: Issued;
    readonly ec384: Issued;
    readonly encrypted: { rsa: KeyPems; ec: KeyPems };
    /** A certificate signing request for www.example.com, PEM. */
    readonly csrPem: string;
}

let created: Promise<CertificateFixtures> | undefined;

export function certificateFixtures(): Promise<CertificateFixtures> {
    created ??= create();
    return created;
}

async function create(): Promise<CertificateFixtures> {
    const rsa = await issueChain({ dnsNames: ["www.example.com", "*.example.com"], key: "rsa2048" });
    const ec = await issueChain({ dnsNames: ["shop.example.org"], key: "ec256" });
    const reissuedIntermediate = await issueCertificate({
        dnsNames: [],
        commonName: "Test Intermediate CA",
        key: rsa.intermediate.kind,
        keys: rsa.intermediate.keys,
        isCa: true,
        issuer: rsa.root,
        notAfterDays: 1000,
    });
    const siblingLeaf = await issueCertificate({ dnsNames: ["api.example.com"], key: "ec256", issuer: rsa.intermediate });
    const rsa1024 = await issueCertificate({ dnsNames: ["weak.example.com"], key: "rsa1024" });
    const ec384 = await issueCertificate({ dnsNames: ["p384.example.com"], key: "ec384" });
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
        name: "CN=www.example.com",
        keys: rsa.leaf.keys,
        signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    });
    return {
        rsa,
        ec,
        reissuedIntermediate,
        siblingLeaf,
        rsa1024,
        ec384,
        encrypted: { rsa: encryptedKeyOf(rsa.leaf), ec: encryptedKeyOf(ec.leaf) },
        csrPem: csr.toString("pem"),
    };
}

/** The PEM blocks of a text, each with its trailing newline, in order. */
export function pemBlocks(pem: string): string[] {
    return pem.match(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----\n?/g) ?? [];
}
