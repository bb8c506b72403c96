// `module.exports` is the LiveDomainCertificate stub itself, published as
// "pulumi-alicloud-certs/dynamic-provider/live": see ../serializedProvider.ts for why a stub gets a module of its own.
import { makeStub } from "./stub";

export = makeStub("live");
