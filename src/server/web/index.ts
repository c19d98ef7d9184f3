export type { WebPageOptions } from "./web-page.js";
export { defaultWebDirectory, webPage } from "./web-page.js";
