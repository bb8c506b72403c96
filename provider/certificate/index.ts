// The certificate module: pure functions over PEM text and certificate facts, used by the lifecycle's check
// (validate before any API call), diff (compare fingerprints, never PEM text) and outputs. Nothing here performs
// I/O or holds state; every user error is a CertificateInputError whose reason says how to fix it and never
// contains key material.
export { CertificateInputError } from "./errors";
export { fingerprintsAsWritten, parseCertificateChain, type CertificateInfo, type ParsedChain } from "./chain";
export { parsePrivateKey, keyMatchesCertificate, type ParsedKey } from "./key";
export { keyStrengthProblem, validityProblem, ACCEPTED_CURVES, MINIMUM_RSA_BITS } from "./policy";
export { canonicalDomainName, coversDomain, normalizeDomainName } from "./domain";
export { defaultCertName, certNameProblem, MAX_CERT_NAME_LENGTH } from "./names";
export { canonicalSerial } from "./serial";
