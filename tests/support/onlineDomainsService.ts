// A certificate service for the tests of what stands between the lifecycle and the wire (batching, a group's
// gathering): every domain exists and is online, nothing is deployed, and only the sets matter. A test extends it with
// the set it records.
import { CDN } from "../../provider/products";
import type { CertificateService, SetCertificateRequest, SetCertificateResult } from "../../provider/lifecycle/port";

export abstract class OnlineDomainsService implements CertificateService {
    readonly product = CDN;
    async describe() {
        return undefined;
    }
    async domainStatus(): Promise<string | undefined> {
        return "online";
    }
    async listDomains() {
        return [];
    }
    abstract set(request: SetCertificateRequest): Promise<SetCertificateResult>;
}
