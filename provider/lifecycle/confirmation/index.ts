// Getting a domain to serve what is declared, and seeing that it does: the decision is a pure function of what was
// read (`decide`), and the loop around it (`converge`) only reads, sleeps and sets as the decision says.
//
// What the cloud does, and so what the decision allows for (../../README.md, "On the real cloud"):
// - A change configures for minutes. The certificate read may show the new certificate at once, or only once the
//   change is in effect: no public source says which. So "done" is the domain ONLINE again and its certificate
//   read then showing the declared certificate, which holds under both.
// - The domain's state is polled first, and the certificate is read only once the domain is online: the state comes
//   in bulk (CDN: 50 domains a call), the certificate one domain a call. A rollout then spends about one
//   certificate read per domain, however long its changes take.
// - A state no waiting changes (configure_failed, check_failed, offline, stopping, deleting), or a free
//   certificate's failed issuance, ends the wait at once.
// - A set refused as ServiceBusy (another change configuring), or with any other answer that is no verdict, or whose
//   answer was lost, is not sent again until the domain is online, and then only if it does not already serve the
//   declared certificate.
//
// One file a job:
//   decide.ts       the pure decision: given the phase, the declaration and what was read, the next step
//   setFailure.ts   the pure classifier of a refused set: busy, maybe applied, state, transient or fatal
//   pace.ts         the polling pace, and reading through transient answers until a deadline
//   converge.ts     the loop: it reads, sleeps and sets as the decision says
export * from "./decide";
export * from "./setFailure";
export * from "./pace";
export * from "./converge";
