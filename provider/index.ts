// pulumi-alicloud-certs: the HTTPS certificates of Alibaba Cloud CDN, DCDN and ApsaraVideo Live domains as code.
export { DomainCertificate, type DomainCertificateArgs } from "./resources/domainCertificate";
export { LiveDomainCertificate, type LiveDomainCertificateArgs } from "./resources/liveDomainCertificate";
export { DomainCertificateGroup, type DomainCertificateGroupArgs } from "./resources/domainCertificateGroup";
export { LiveDomainCertificateGroup, type LiveDomainCertificateGroupArgs } from "./resources/liveDomainCertificateGroup";
export { DcdnDomainCertificate, type DcdnDomainCertificateArgs } from "./resources/dcdnDomainCertificate";
export { DcdnDomainCertificateGroup, type DcdnDomainCertificateGroupArgs } from "./resources/dcdnDomainCertificateGroup";
export type { CertificateArgs } from "./resources/certificateResource";
export type { CertificateGroupArgs, ServedByDomain } from "./resources/certificateGroupResource";
export type { CertType } from "./products";
