// `module.exports` is the LiveDomainCertificateGroup stub itself, published as "pulumi-alicloud-certs/dynamic-provider/live-group":
// see ../serializedProvider.ts for why a stub gets a module of its own.
import { makeStub } from "./stub";

export = makeStub("live-group");
