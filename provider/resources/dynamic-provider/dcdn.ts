// `module.exports` is the DcdnDomainCertificate stub itself, published as "pulumi-alicloud-certs/dynamic-provider/dcdn":
// see ../serializedProvider.ts for why a stub gets a module of its own.
import { makeStub } from "./stub";

export = makeStub("dcdn");
