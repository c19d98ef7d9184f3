import type { QueueStore } from "../queue/index.js";
import { apiKeyBody, apiKeyDeleteQuery } from "./bodies.js";
import { failed, ok } from "./replies.js";
import type { AddRoute } from "./route.js";

/** API keys, for admins: the secret is in the creation reply and nowhere else. */
export function addKeyRoutes(route: AddRoute, store: QueueStore): void {
  route({
    method: "POST",
    url: "/api/auth/apikey",
    permission: "keys",
    input: apiKeyBody,
    handle: ({ principal, role, scopes = [], note, expires_in }) => {
      const { secret, info } = store.apiKeys.create({
        principal,
        role,
        scopes,
        note,
        expiresIn: expires_in,
      });
      return ok({ secret, ...info });
    },
  });

  route({
    method: "DELETE",
    url: "/api/auth/apikey",
    permission: "keys",
    input: apiKeyDeleteQuery,
    handle: ({ first_eight }) => {
      const revoked = store.apiKeys.revoke(first_eight);
      return revoked > 0 ? ok({ revoked }) : failed(`no API key starts with '${first_eight}'`);
    },
  });
}
