// `module.exports` is the DomainCertificate stub itself, published as "pulumi-alicloud-certs/dynamic-provider/cdn":
// see ../serializedProvider.ts for why a stub gets a module of its own.
import { makeStub } from "./stub";

export = makeStub("cdn");
