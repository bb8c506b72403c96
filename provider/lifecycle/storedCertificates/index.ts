// The account's certificate service: what the package uploads, reuses and deletes there. Every certificate uploaded
// to a CDN domain lands in the service, where names are unique per account (the CDN guide; 0xJacky/cdn_cert #1;
// netcccyun/dnsmgr #165), so sending the key with every set call under one name fails at the second call on the real
// cloud, and every rotation would leave another certificate behind. So:
// - a certificate reaches the service once per account and region: found there by its leaf's fingerprint (reused,
//   however it got there), else uploaded, once, whichever resource of the run asks first; every domain is then set
//   by reference, and the key travels in the upload alone;
// - after a rotation, a replacement or a delete, a certificate the package uploaded that no resource of the run
//   still uses is deleted; one still in use elsewhere (the service refuses) is kept, in the resource's state, and
//   tried again at its next `pulumi up`. A certificate the package found there and did not upload is never deleted.
// The decisions are here; the adapter (../alicloud/certificateStore.ts) only carries them.
//
// One file a job:
//   references.ts    what a resource's state records of a stored certificate, and what a change replaced
//   lookup.ts        found in the service or uploaded, once per process
//   aroundChange.ts  the declaration set by reference before a change; the preview's note
//   cleanup.ts       deleting what a change replaced, when nothing of the run still uses it
//   registry.ts      the process-wide registry the others share
export * from "./references";
export * from "./lookup";
export * from "./aroundChange";
export * from "./cleanup";
