// The certificate service's two isolated centres (cas.aliyuncs.com and cas.ap-southeast-1.aliyuncs.com), each with
// its own entries and id space: named alike by a seed, the state file's entries and accounts, and the set actions'
// CertRegion and Region parameters.
export const CAS_REGIONS = ["cn-hangzhou", "ap-southeast-1"] as const;
export type CasRegion = (typeof CAS_REGIONS)[number];
export const DEFAULT_CAS_REGION: CasRegion = "cn-hangzhou";
