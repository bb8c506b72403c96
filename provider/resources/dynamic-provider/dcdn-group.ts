// `module.exports` is the DcdnDomainCertificateGroup stub itself, published as "pulumi-alicloud-certs/dynamic-provider/dcdn-group":
// see ../serializedProvider.ts for why a stub gets a module of its own.
import { makeStub } from "./stub";

export = makeStub("dcdn-group");
