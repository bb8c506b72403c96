// `module.exports` is the DomainCertificateGroup stub itself, published as "pulumi-alicloud-certs/dynamic-provider/cdn-group":
// see ../serializedProvider.ts for why a stub gets a module of its own.
import { makeStub } from "./stub";

export = makeStub("cdn-group");
