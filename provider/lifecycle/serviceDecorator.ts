// A CertificateService that wraps another and changes how sets go out: the batching window (batching.ts) and a
// group's gathering (group/gathering.ts) are both one. The reads pass through unchanged; a wrapper overrides `set`.
import type { ProductSpec } from "../products";
import type { CertificateService, DeployedCertificate, SetCertificateRequest, SetCertificateResult } from "./port";

export abstract class SetDecorator implements CertificateService {
    readonly product: ProductSpec;

    protected constructor(protected readonly inner: CertificateService) {
        this.product = inner.product;
    }

    describe(domainName: string): Promise<DeployedCertificate | undefined> {
        return this.inner.describe(domainName);
    }

    domainStatus(domainName: string): Promise<string | undefined> {
        return this.inner.domainStatus(domainName);
    }

    listDomains(): Promise<{ domainName: string; domainStatus: string }[]> {
        return this.inner.listDomains();
    }

    get setsPerCall(): number | undefined {
        return this.inner.setsPerCall;
    }

    abstract set(request: SetCertificateRequest): Promise<SetCertificateResult>;
}
