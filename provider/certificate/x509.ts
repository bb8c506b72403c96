// The single place that loads @peculiar/x509. The library needs `reflect-metadata` loaded before it (its ASN.1
// schemas use decorators), and a WebCrypto provider registered for the operations that hash or verify. Importing
// x509 from here, never directly, guarantees both happen exactly once, before any use.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";

// The tsconfig has no DOM lib, so the WebCrypto `Crypto` type is named through the library's own signature.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
