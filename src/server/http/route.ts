import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { AuthOptions, Caller } from "./authenticate.js";
import { authenticate } from "./authenticate.js";
import type { ApiReply } from "./replies.js";
import { failed, refusal } from "./replies.js";
import type { Permission } from "./roles.js";
import { allows, roleNeeded } from "./roles.js";

/** One API route: who may call it, what its body (the query for GET and DELETE) holds, what it does. */
export interface RouteSpec<B> {
  method: "GET" | "POST" | "DELETE";
  url: string;
  permission: Permission;
  input: z.ZodType<B>;
  handle: (input: B, caller: Caller) => ApiReply | Promise<ApiReply>;
}

/** Registers routes that share the server's authentication. */
export type AddRoute = <B>(spec: RouteSpec<B>) => void;

/** Where a request's credentials are: the Authorization header unless told otherwise. */
export type Credentials = (request: FastifyRequest) => string | undefined;

const fromHeader: Credentials = (request) => request.headers.authorization;

/**
 * An onRequest hook that answers 401 or 403 unless the caller may `permission`, and hands
 * the caller to `admit` otherwise.
 */
export function guard(
  auth: AuthOptions,
  permission: Permission,
  what: string,
  admit: (request: FastifyRequest, caller: Caller) => void,
  credentials: Credentials = fromHeader,
) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const outcome = authenticate(auth, credentials(request));
    if (!outcome.ok) return reply.code(401).send(failed(outcome.msg));
    const { caller } = outcome;
    if (caller.role === undefined || !allows(caller.role, permission)) {
      const has = caller.role === undefined ? "no role" : `role '${caller.role}'`;
      return reply
        .code(403)
        .send(
          failed(
            `${what} needs role '${roleNeeded(permission)}' or higher; ${caller.principal} has ${has}`,
          ),
        );
    }
    admit(request, caller);
    return undefined;
  };
}

export function routeAdder(app: FastifyInstance, auth: AuthOptions): AddRoute {
  // Set in onRequest, before the body is read, so a refused caller costs no parsing.
  const callers = new WeakMap<FastifyRequest, Caller>();
  const admit = (request: FastifyRequest, caller: Caller) => callers.set(request, caller);
  return <B>(spec: RouteSpec<B>): void => {
    app.route({
      method: spec.method,
      url: spec.url,
      onRequest: guard(auth, spec.permission, `${spec.method} ${spec.url}`, admit),
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const raw: unknown = spec.method === "POST" ? (request.body ?? {}) : request.query;
        const parsed = spec.input.safeParse(raw);
        if (!parsed.success) {
          return reply.code(422).send(failed(`bad request: ${z.prettifyError(parsed.error)}`));
        }
        try {
          return reply.send(await spec.handle(parsed.data, callers.get(request)!));
        } catch (error) {
          const answer = refusal(error);
          if (answer) return reply.send(answer);
          request.log.error(error);
          const why = error instanceof Error ? error.message : String(error);
          return reply.code(500).send(failed(`internal error: ${why}`));
        }
      },
    });
  };
}
