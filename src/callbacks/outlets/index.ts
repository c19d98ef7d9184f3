export type { OutletStatus, OutletsConfig, OutletsOptions } from "./document-outlets.js";
export { DocumentOutlets } from "./document-outlets.js";
