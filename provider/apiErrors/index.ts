// What Alibaba Cloud's answers mean, for every layer that meets them: the lifecycle decides what to wait out, the
// adapters make the errors (../alicloud/sdkErrors.ts converts what the SDK threw). One file a job:
//   codes.ts       the local codes and the kinds of call (read, set, delete)
//   transience.ts  whether an answer is worth waiting out (one decision, for every caller)
//   hints.ts       what to do about each code, worded for the kind of call
//   redaction.ts   no secret in any message
//   apiError.ts    the error type
export { ACTION_KINDS, LOCAL_ERROR_CODES, type ActionKind } from "./codes";
export { isOutcomeUnknown, isTransient, isTransientAnswer, VERDICT_CODES } from "./transience";
export { HINTED_CODES, RUN_AGAIN, hintFor } from "./hints";
export { redact } from "./redaction";
export { AlicloudApiError, asDeleteFailure, isDomainNotFound, type ApiErrorFields } from "./apiError";
