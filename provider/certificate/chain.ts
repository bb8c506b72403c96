// Parsing a certificate chain as a user pastes it, into one canonical form the provider deploys and compares.
//
// Ordering: certificates are linked child → issuer by distinguished name (the child's issuer DN equals the
// parent's subject DN), by key identifier when both carry one (the child's authority key identifier equals the
// parent's subject key identifier), and by signature (the parent's key verifies the child). Names alone are not
// enough: two CAs can share a name ("R3", "Test Root CA"), and a certificate of the wrong one would otherwise be
// deployed as part of the chain. This is not trust validation (no expiry, usage or root store): only the order.
//
// A self-signed root the user included is kept, at the end: Alibaba accepts it, and deploying exactly the
// certificates the user gave (only ordered) is the least surprising choice. It does change the chainFingerprint,
// which is right: the deployed bytes differ.
import { createHash, X509Certificate as NodeX509Certificate } from "node:crypto";
import { CertificateInputError } from "./errors";
import { decodeBlock, describeLabel, encodePem, splitPemBlocks, type PemBlock } from "./pem";
import { describeKeyObject, type KeyDescription } from "./public-key";
import { x509, type X509 } from "./x509";
import { rememberByContent } from "./memo";

export interface CertificateInfo {
    /** SHA-256 of the leaf DER, lowercase hex without colons (`openssl x509 -fingerprint -sha256`, reformatted). */
    fingerprint: string;
    /**
     * SHA-256 over the concatenated DER of every certificate of the normalized chain, leaf first. DER is
     * self-delimiting, so concatenation is unambiguous; for a chain of one it equals `fingerprint`.
     */
    chainFingerprint: string;
    /** ISO 8601 UTC, second precision (what a certificate holds), e.g. "2025-01-31T12:00:00Z". */
    notBefore: string;
    notAfter: string;
    /** RFC 4514-style text, e.g. "CN=www.example.com". */
    subject: string;
    issuer: string;
    /** Lowercase hex of the serial number as encoded. */
    serialNumber: string;
    /** SAN dNSName entries, lower case, in certificate order (punycode stays punycode). */
    dnsNames: string[];
    publicKey: KeyDescription;
}

export interface ParsedChain {
    /** Leaf first, each block wrapped at 64 columns, "\n" line endings, one trailing newline, nothing else. */
    pem: string;
    /** Of the leaf; `chainFingerprint` is of the whole normalized chain. */
    info: CertificateInfo;
    count: number;
    /** True when the input was not leaf-first and was put in order. */
    reordered: boolean;
}

/** One certificate of the input, parsed by both libraries: @peculiar/x509 for names and extensions, node:crypto for the key. */
interface ChainMember {
    readonly position: number;
    readonly der: Buffer;
    readonly cert: X509.X509Certificate;
    readonly nodeCert: NodeX509Certificate;
    readonly publicKey: KeyDescription;
    readonly fingerprint: string;
    readonly subjectKeyId?: string;
    readonly authorityKeyId?: string;
    readonly isCa: boolean;
    /** What a user reads of it, decoded here with the rest so that a damaged field fails as this certificate's. */
    readonly described: Omit<CertificateInfo, "chainFingerprint">;
}

const FIELD = "certificate";

/** The PEM labels a certificate of a chain comes under ("X509 CERTIFICATE" is the older name). */
const CERTIFICATE_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE"]);

// What a user most likely pasted instead of a certificate, with the fix for each.
const NOT_A_CERTIFICATE: Record<string, string> = {
    "PRIVATE KEY": "it is a private key: put it in privateKey, and only the certificate chain here",
    "RSA PRIVATE KEY": "it is a private key: put it in privateKey, and only the certificate chain here",
    "EC PRIVATE KEY": "it is a private key: put it in privateKey, and only the certificate chain here",
    "ENCRYPTED PRIVATE KEY": "it is an (encrypted) private key: it belongs, decrypted, in privateKey; put only the certificate chain here",
    "EC PARAMETERS": "it is the parameters of an EC private key: it belongs with the key, not here; put only the certificate chain here",
    "CERTIFICATE REQUEST": "it is a certificate signing request: submit it to your CA and paste the certificate it issues",
    "NEW CERTIFICATE REQUEST": "it is a certificate signing request: submit it to your CA and paste the certificate it issues",
    "PUBLIC KEY": "it is a bare public key: paste the certificate your CA issued for it",
    "TRUSTED CERTIFICATE": "it is OpenSSL's trusted-certificate format: convert it with `openssl x509 -in cert.pem -out plain.pem` and paste the result",
    "X509 CRL": "it is a certificate revocation list: paste the certificate chain instead",
};

export const parseCertificateChain: (pem: string) => ParsedChain = rememberByContent(parseChainOnce);

/**
 * The fingerprints of a chain taken exactly as written, without parsing a certificate: SHA-256 of the first block's
 * DER, and of every block's DER in the order given. When the text is already leaf first, which is how check() hands
 * it on and how the provider deploys it, they equal parseCertificateChain's `fingerprint` and `chainFingerprint`.
 * So a value equal to a recorded fingerprint proves the same certificates in the same order, and lets the caller
 * reuse what it recorded; a different value proves nothing (the chain may just be in another order), and the
 * caller parses. `undefined` when the text holds a block that is not a certificate or does not decode.
 */
export function fingerprintsAsWritten(pem: string): { fingerprint: string; chainFingerprint: string } | undefined {
    let ders: Buffer[];
    try {
        ders = splitPemBlocks(pem, FIELD).map(certificateDer);
    } catch {
        return undefined; // parseCertificateChain says why, where it matters
    }
    if (ders.length === 0) return undefined;
    return { fingerprint: sha256Hex(ders[0]), chainFingerprint: sha256Hex(Buffer.concat(ders)) };
}

function parseChainOnce(pem: string): ParsedChain {
    if (typeof pem !== "string" || pem.trim() === "") {
        throw new CertificateInputError(
            'the certificate is empty; paste the PEM certificate chain (blocks starting with "-----BEGIN CERTIFICATE-----"), the server certificate first',
        );
    }
    const blocks = splitPemBlocks(pem, FIELD);
    if (blocks.length === 0) {
        throw new CertificateInputError(
            'the certificate contains no PEM block; paste the certificate chain in PEM form (blocks from "-----BEGIN CERTIFICATE-----" to "-----END CERTIFICATE-----"); ' +
                "a DER or PKCS#12 file must be converted first, e.g. `openssl x509 -inform der -in cert.der -out cert.pem`",
        );
    }
    // Every block is framed, labelled and decoded before any is parsed: those steps cost microseconds, and a copy
    // or an oversized bundle found here costs nothing more. Parsing comes last (milliseconds a certificate), so a
    // megabyte of one certificate repeated is refused at once instead of parsed block by block (found by the
    // reliability suite's R4: 1 MB took 2.5 to 4.6 s before).
    const decoded = blocks.map((block) => {
        const der = certificateDer(block);
        return { der, position: block.position, fingerprint: sha256Hex(der) };
    });
    rejectDuplicates(decoded);
    rejectBundles(decoded.length);
    const members = decoded.map(({ der, position, fingerprint }) => parseMember(der, position, fingerprint));
    const ordered = orderLeafFirst(members);
    const chainFingerprint = sha256Hex(Buffer.concat(ordered.map((member) => member.der)));
    return {
        pem: ordered.map((member) => encodePem("CERTIFICATE", member.der)).join(""),
        info: { ...describeMember(ordered[0]), chainFingerprint },
        count: ordered.length,
        reordered: ordered.some((member, index) => member !== members[index]),
    };
}

/** A block's DER, once its label says certificate and its body is exact base64; else why not, on `certificate`. */
function certificateDer(block: PemBlock): Buffer {
    if (!CERTIFICATE_LABELS.has(block.label)) {
        const why = NOT_A_CERTIFICATE[block.label] ?? 'it is not a certificate: only "-----BEGIN CERTIFICATE-----" blocks belong here';
        throw new CertificateInputError(`block #${block.position} of the certificate is a ${describeLabel(block.label)} block; ${why}`);
    }
    const der = decodeBlock(block);
    if (!der) {
        throw new CertificateInputError(
            `certificate #${block.position} is not valid base64 (a character was changed, or a line is missing); ` +
                "copy the block again, unedited, from the file your CA gave you",
        );
    }
    return der;
}

function parseMember(der: Buffer, position: number, fingerprint: string): ChainMember {
    const { X509Certificate, SubjectKeyIdentifierExtension, AuthorityKeyIdentifierExtension, BasicConstraintsExtension, SubjectAlternativeNameExtension } =
        x509();
    // Everything is decoded here, inside one try: a DER that frames but whose insides do not decode (a damaged key,
    // extension or name) throws from OpenSSL or the ASN.1 schema at the first field read, and that must be this
    // certificate's failure on `certificate`, not a raw error out of check (found by the reliability suite's fuzzing).
    try {
        const cert = new X509Certificate(der);
        const nodeCert = new NodeX509Certificate(der);
        const subjectKeyId = cert.getExtension(SubjectKeyIdentifierExtension)?.keyId;
        const authorityKeyId = cert.getExtension(AuthorityKeyIdentifierExtension)?.keyId;
        const publicKey = describeKeyObject(nodeCert.publicKey);
        const san = cert.getExtension(SubjectAlternativeNameExtension);
        const dnsNames = (san?.names.items ?? []).filter((name) => name.type === "dns").map((name) => name.value.toLowerCase());
        return {
            position,
            der,
            cert,
            nodeCert,
            publicKey,
            fingerprint,
            subjectKeyId: subjectKeyId?.toLowerCase(),
            authorityKeyId: authorityKeyId?.toLowerCase(),
            isCa: cert.getExtension(BasicConstraintsExtension)?.ca === true,
            described: {
                fingerprint,
                notBefore: isoSeconds(cert.notBefore),
                notAfter: isoSeconds(cert.notAfter),
                subject: cert.subject,
                issuer: cert.issuer,
                serialNumber: cert.serialNumber.toLowerCase(),
                dnsNames,
                publicKey,
            },
        };
    } catch (error) {
        if (error instanceof CertificateInputError) throw error;
        throw new CertificateInputError(
            `certificate #${position} is valid base64 but not a valid X.509 certificate (its content could not be decoded); ` +
                "copy the block again, unedited, from the file your CA gave you",
        );
    }
}

function describeMember(member: ChainMember): Omit<CertificateInfo, "chainFingerprint"> {
    return member.described;
}

/** Byte-identical blocks, told apart by their DER's hash before either is parsed. */
function rejectDuplicates(blocks: readonly { readonly position: number; readonly fingerprint: string }[]): void {
    const seen = new Map<string, number>();
    const copies: { first: number; copy: number }[] = [];
    for (const block of blocks) {
        const first = seen.get(block.fingerprint);
        if (first === undefined) seen.set(block.fingerprint, block.position);
        else copies.push({ first, copy: block.position });
    }
    if (copies.length === 0) return;
    if (copies.length === 1) {
        throw new CertificateInputError(`certificates #${copies[0]!.first} and #${copies[0]!.copy} are the same certificate; remove the copy`);
    }
    const named = copies.slice(0, 5).map(({ first, copy }) => `#${copy} is a copy of #${first}`);
    const more = copies.length > 5 ? ` and ${copies.length - 5} more` : "";
    throw new CertificateInputError(
        `the certificate repeats blocks: ${named.join(", ")}${more}; remove the copies, keeping each certificate of the chain once`,
    );
}

/**
 * The most certificates one chain may hold. A server sends its certificate and the intermediates that link it to
 * a root: two to four blocks in practice, one or two more on a cross-signed path. A list of dozens is a CA bundle
 * pasted by mistake (a system's ca-bundle.crt holds over a hundred roots), and ordering it costs a signature check
 * per pair. 16 leaves room for any chain a CA issues; the CDN's own limit is not documented.
 */
export const MAX_CHAIN_CERTIFICATES = 16;

function rejectBundles(count: number): void {
    if (count <= MAX_CHAIN_CERTIFICATES) return;
    throw new CertificateInputError(
        `the certificate holds ${count} certificates, more than the ${MAX_CHAIN_CERTIFICATES} a chain can need; it looks like a CA bundle: ` +
            "paste only the server certificate and the intermediate certificates your CA issued with it (usually two to four blocks)",
    );
}

/** Whether `parent` issued `child`: names link, key identifiers do not contradict it, and the signature verifies. */
function issued(parent: ChainMember, child: ChainMember): boolean {
    if (parent.cert.subject !== child.cert.issuer) return false;
    if (parent.subjectKeyId && child.authorityKeyId && parent.subjectKeyId !== child.authorityKeyId) return false;
    try {
        return child.nodeCert.verify(parent.nodeCert.publicKey);
    } catch {
        // A signature scheme this Node cannot check: trust the names rather than refuse a chain the CDN may accept.
        return true;
    }
}

/**
 * Put the chain in the order servers must send it: the leaf, then the certificate that issued it, and so on.
 * Refuses anything that does not form one unambiguous line, because deploying a wrong order breaks clients
 * silently (some browsers repair it, many other clients do not).
 */
function orderLeafFirst(members: readonly ChainMember[]): ChainMember[] {
    if (members.length === 1) return [...members];
    // The leaf issued nothing in the list. Of several such, the one that is neither a CA nor self-signed (a root)
    // is the leaf; the others are then reported as not belonging to its chain, which is the more useful message.
    const issuedNothing = members.filter((candidate) => !members.some((other) => other !== candidate && issued(candidate, other)));
    const endEntities = issuedNothing.filter((member) => !member.isCa && !issued(member, member));
    if (endEntities.length > 1) {
        throw new CertificateInputError(
            `the certificate contains ${endEntities.length} server certificates (${endEntities.map(describeShort).join(", ")}); ` +
                "a chain holds exactly one server certificate followed by the CA certificates that issued it: keep the one for this domain and remove the others",
        );
    }
    const leaf = endEntities[0] ?? issuedNothing[0];
    if (!leaf) {
        throw new CertificateInputError(
            "the certificates in the certificate field issue each other in a loop, so none of them can be the server certificate; " +
                "paste only the server certificate and the intermediate certificates your CA gave you",
        );
    }
    const ordered = [leaf];
    for (let current = leaf; ; ) {
        const issuers = members.filter((candidate) => !ordered.includes(candidate) && issued(candidate, current));
        if (issuers.length > 1) {
            throw new CertificateInputError(
                `certificates ${issuers.map(describeShort).join(" and ")} could each be the issuer of ${describeShort(current)}, ` +
                    "so the chain has no single order; keep only the issuer certificate your CA gave you with this certificate",
            );
        }
        if (issuers.length === 0) break;
        current = issuers[0];
        ordered.push(current);
    }
    const strays = members.filter((member) => !ordered.includes(member));
    if (strays.length > 0) {
        const last = ordered[ordered.length - 1];
        const namesake = strays.find((stray) => stray.cert.subject === last.cert.issuer);
        const end = issued(last, last)
            ? `${describeShort(last)}, which is self-signed`
            : namesake
              ? `${describeShort(last)}: ${describeShort(namesake)} has the name of its issuer but did not sign it (another CA of the same name)`
              : `${describeShort(last)}, whose issuer ${quote(last.cert.issuer)} is not in the list`;
        throw new CertificateInputError(
            `${strays.map(describeShort).join(", ")} ${strays.length === 1 ? "does" : "do"} not belong to the chain of ${describeShort(leaf)}: ` +
                `the chain ${ordered.length > 1 ? `runs ${ordered.map((member) => `#${member.position}`).join(" → ")} and ` : ""}stops at ${end}. ` +
                "Remove the certificates that do not belong, or add the missing intermediate certificate that links them",
        );
    }
    return ordered;
}

function describeShort(member: ChainMember): string {
    return `#${member.position} ${quote(member.cert.subject)}`;
}

function quote(text: string): string {
    return JSON.stringify(text);
}

function sha256Hex(data: Uint8Array): string {
    return createHash("sha256").update(data).digest("hex");
}

/** Certificates hold whole seconds; the milliseconds of Date#toISOString would only be noise. */
function isoSeconds(date: Date): string {
    return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
