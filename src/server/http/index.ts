export type { AuthOptions, Caller } from "./authenticate.js";
export type { ApiReply } from "./replies.js";
export type { Permission, Role } from "./roles.js";
export { roleSchema } from "./roles.js";
export type { QueueHttpServer, QueueHttpServerOptions } from "./server.js";
export { createQueueHttpServer, defaultQueueHttpPort, singleUserApiKey } from "./server.js";
