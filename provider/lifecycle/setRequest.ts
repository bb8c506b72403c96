// What a set call asks for, from what is declared: the lifecycle's side of building a set call. The adapter turns it
// into the action's query (../alicloud/wire.ts buildSetQuery, with the parameter names of ../products.ts).
import type { CertificateInputs } from "./model";
import type { SetCertificateRequest } from "./port";

/**
 * The full parameter set for one set call: never only the changed fields. A certificate the certificate service holds
 * (`storedCertificate`) is set by reference, `cas` with its id, region and own name, and no key: the key travelled
 * once, in its upload. Otherwise (no certificate service to use, `forceSet`, `free`) as declared.
 */
export function setRequestFor(desired: CertificateInputs): SetCertificateRequest {
    if (desired.status === "off") {
        return { domainName: desired.domainName, status: "off", certType: desired.certType };
    }
    const stored = desired.storedCertificate;
    if (stored && desired.certType !== "free") {
        return {
            domainName: desired.domainName,
            status: "on",
            certType: "cas",
            certId: stored.certId,
            certRegion: stored.region,
            certName: stored.name,
            namesStoredCertificate: true,
        };
    }
    return {
        domainName: desired.domainName,
        status: "on",
        certType: desired.certType,
        certificate: desired.certType === "upload" ? desired.certificate : undefined,
        privateKey: desired.certType === "upload" ? desired.privateKey : undefined,
        certName: desired.certName,
        certId: desired.certType === "cas" ? desired.certId : undefined,
        certRegion: desired.certType === "cas" ? desired.certRegion : undefined,
        forceSet: desired.forceSet,
    };
}
