// Dispatch from an action's kind (handlers/actions.ts) to its one implementation.
import type { ActionKind } from "./actions";
import { casDelete, casDetail, casList, casQuota, casUpload } from "./cas";
import type { HandlerContext, ResponseBody } from "./context";
import { describeCertificate, describeDomain } from "./describe";
import { listDomains } from "./listDomains";
import { setCertificate } from "./setCertificate";

export type Handler = (ctx: HandlerContext) => ResponseBody | Promise<ResponseBody>;

export const HANDLERS: Readonly<Record<ActionKind, Handler>> = {
    set: setCertificate,
    describeCertificate,
    describeDomain,
    listDomains,
    casUpload,
    casDetail,
    casList,
    casDelete,
    casQuota,
};

export { resolveAction, ACTIONS, PRODUCTS, DEFAULT_BATCH_LIMIT } from "./actions";
export type { ActionSpec } from "./actions";
export type { HandlerContext } from "./context";
export { requestedDomains } from "./setCertificate";
