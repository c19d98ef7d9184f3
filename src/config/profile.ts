import { z } from "zod";

/** "sim" builds each device's `sim:` twin; "real" (or none) builds its own driver. */
export const profileSchema = z.enum(["sim", "real"]);

export type Profile = z.infer<typeof profileSchema>;
