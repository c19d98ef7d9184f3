import { z } from "zod";

/**
 * "sim" builds each device's `sim:` twin; "real" (or none) builds its own driver; "mock"
 * builds its own driver but connects it with {mock: true}, so no transport is opened.
 */
export const profileSchema = z.enum(["sim", "real", "mock"]);

export type Profile = z.infer<typeof profileSchema>;
