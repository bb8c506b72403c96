// The real certificates and keys the fuzzing starts from: made fresh with harness/certs.ts, so that mutations
// start from PEM a CA would hand out, and a valid combination really is valid (the key belongs to the leaf, the
// names cover the domain). Made once per fuzzing run, before fast-check draws anything.
import { MAX_CHAIN_CERTIFICATES } from "../../provider/certificate/chain";
import { encryptedKeyOf, issueCertificate, issueChain, type Issued } from "../../harness/certs";

export interface PoolCertificate {
    /** What it is, for labels ("rsa2048 www.example.com"). */
    readonly label: string;
    readonly chainPem: string;
    readonly keyPkcs8: string;
    /** PKCS#1 (RSA) or SEC1 (EC). */
    readonly keyTraditional: string;
    /** Names a valid domain is drawn from (already in the normalized form). */
    readonly domains: readonly string[];
    /** Whether check must accept it with a matching key and a covered domain. */
    readonly acceptable: boolean;
}

export interface Pool {
    readonly certificates: readonly PoolCertificate[];
    /** An encrypted key (check must refuse it with the command that decrypts it). */
    readonly encryptedKey: string;
    /** 100 certificates, leaf first: a leaf under 99 CAs in a line (over check's limit of 16, so refused). */
    readonly chain100: readonly string[];
    /** The first 16 of them: the longest chain check takes, which it must still put in order. */
    readonly chain16: readonly string[];
    /** Every PEM text above, the starting points of mutation. */
    readonly texts: readonly { readonly label: string; readonly pem: string }[];
}

function entry(label: string, issued: Issued, domains: readonly string[], acceptable: boolean): PoolCertificate {
    return { label, chainPem: issued.chainPem, keyPkcs8: issued.key.pkcs8, keyTraditional: issued.key.traditional, domains, acceptable };
}

export async function makePool(): Promise<Pool> {
    const rsa = await issueCertificate({ dnsNames: ["www.example.com", "example.com"], key: "rsa2048" });
    const chained = (await issueChain({ dnsNames: ["*.example.com", "example.com"], key: "ec256" })).leaf;
    const idn = await issueCertificate({ dnsNames: ["xn--bcher-kva.example", "www.xn--bcher-kva.example"], key: "ec384" });
    // Same names as `rsa`, another key: a rotation.
    const rotated = await issueCertificate({ dnsNames: ["www.example.com", "example.com"], key: "ec256" });
    // Inside the expiry windows the check is given (fail within 10 days, warn within 30).
    const soon = await issueCertificate({ dnsNames: ["soon.example.com"], key: "ec256", notAfterDays: 5 });
    const warned = await issueCertificate({ dnsNames: ["warn.example.com"], key: "ec256", notAfterDays: 20 });
    const expired = await issueCertificate({ dnsNames: ["old.example.com"], key: "ec256", notBeforeDays: -30, notAfterDays: -1 });
    const future = await issueCertificate({ dnsNames: ["later.example.com"], key: "ec256", notBeforeDays: 2, notAfterDays: 60 });
    const weak = await issueCertificate({ dnsNames: ["weak.example.com"], key: "rsa1024" });

    // A line of 99 CAs: the root, 98 intermediates, then the leaf. Distinct names, so that ordering links them by
    // name and signature as it would a real chain.
    const line: Issued[] = [await issueCertificate({ dnsNames: [], commonName: "Fuzz CA 0", key: "ec256", isCa: true, notAfterDays: 3650 })];
    for (let i = 1; i < 99; i++) {
        line.push(await issueCertificate({ dnsNames: [], commonName: `Fuzz CA ${i}`, key: "ec256", isCa: true, issuer: line[i - 1], notAfterDays: 3650 }));
    }
    const leaf = await issueCertificate({ dnsNames: ["deep.example.com"], key: "ec256", issuer: line[98] });
    const chain100 = [
        leaf.leafPem,
        ...line
            .slice()
            .reverse()
            .map((ca) => ca.leafPem),
    ];
    const chain16 = chain100.slice(0, MAX_CHAIN_CERTIFICATES);

    const certificates = [
        entry("rsa2048 www.example.com", rsa, ["www.example.com", "example.com"], true),
        entry("ec256 *.example.com under an intermediate", chained, ["*.example.com", "example.com", "a.example.com", "static.example.com"], true),
        entry("ec384 IDN xn--bcher-kva.example", idn, ["xn--bcher-kva.example", "www.xn--bcher-kva.example"], true),
        entry("ec256 www.example.com (rotation)", rotated, ["www.example.com", "example.com"], true),
        entry("ec256 expiring in 5 days", soon, ["soon.example.com"], false),
        entry("ec256 expiring in 20 days", warned, ["warn.example.com"], true),
        entry("ec256 expired", expired, ["old.example.com"], false),
        entry("ec256 not yet valid", future, ["later.example.com"], false),
        entry("rsa1024 (too weak)", weak, ["weak.example.com"], false),
        {
            label: "ec256 leaf of a chain of 100",
            chainPem: chain100.join(""),
            keyPkcs8: leaf.key.pkcs8,
            keyTraditional: leaf.key.traditional,
            domains: ["deep.example.com"],
            acceptable: false,
        },
        {
            label: "ec256 leaf of a chain of 16",
            chainPem: chain16.join(""),
            keyPkcs8: leaf.key.pkcs8,
            keyTraditional: leaf.key.traditional,
            domains: ["deep.example.com"],
            acceptable: true,
        },
    ];
    const encryptedKey = encryptedKeyOf(rsa).traditional;
    const texts = [
        ...certificates.flatMap((c) => [
            { label: `chain ${c.label}`, pem: c.chainPem },
            { label: `PKCS#8 key ${c.label}`, pem: c.keyPkcs8 },
            { label: `PKCS#1/SEC1 key ${c.label}`, pem: c.keyTraditional },
        ]),
        { label: "encrypted PKCS#1 key", pem: encryptedKey },
        { label: "encrypted PKCS#8 key", pem: encryptedKeyOf(chained).pkcs8 },
    ];
    return { certificates, encryptedKey, chain100, chain16, texts };
}
