// The single place that loads @peculiar/x509, and only when a certificate is first parsed. The library needs
// `reflect-metadata` loaded before it (its ASN.1 schemas use decorators) and a WebCrypto provider registered for the
// operations that hash or verify; loading it through here guarantees both happen exactly once, before any use.
//
// Why on first use rather than at import: a refresh or a destroy whose domains still serve the certificate recorded
// in state never parses one (see operations.ts and diff.ts), and loading the library costs the provider process
// about 0.1 s and 4 MB before its first call, which every resource of a refresh waits on.
import type * as X509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";

export type { X509 };

let library: typeof X509 | undefined;

export function x509(): typeof X509 {
    if (!library) {
        require("reflect-metadata");
        const loaded = require("@peculiar/x509") as typeof X509;
        // The tsconfig has no DOM lib, so the WebCrypto `Crypto` type is named through the library's own signature.
        loaded.cryptoProvider.set(webcrypto as unknown as Parameters<typeof loaded.cryptoProvider.set>[0]);
        library = loaded;
    }
    return library;
}
