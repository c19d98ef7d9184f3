import { isScalar, visit } from "yaml";
import type { ProblemList } from "./problem-list.js";
import { type SourceFile, pathOf } from "./source-file.js";

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in `text` (the default applies when NAME is
 * unset or empty, as in a shell); `$${` writes a literal `${`. Returns the text and the
 * problems found, e.g. a variable that is unset and has no default.
 */
export function substituteEnv(text: string, env: Environment): { text: string; errors: string[] } {
  const errors: string[] = [];
  let out = "";
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf("$", i);
    if (at < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, at);
    if (text.startsWith("$${", at)) {
      out += "${";
      i = at + 3;
      continue;
    }
    if (!text.startsWith("${", at)) {
      out += "$";
      i = at + 1;
      continue;
    }
    const end = text.indexOf("}", at + 2);
    if (end < 0) {
      errors.push(`unterminated "\${" (write "$\${" for a literal "\${")`);
      out += text.slice(at);
      break;
    }
    const reference = text.slice(at + 2, end);
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/.exec(reference);
    i = end + 1;
    if (!match) {
      errors.push(
        `bad variable reference "\${${reference}}": expected \${NAME} or \${NAME:-default}`,
      );
      continue;
    }
    const [, name, fallback] = match;
    const value = env[name!];
    if (value !== undefined && (value !== "" || fallback === undefined)) out += value;
    else if (fallback !== undefined) out += fallback;
    else errors.push(`environment variable ${name} is not set and has no default`);
  }
  return { text: out, errors };
}

/**
 * Substitutes the environment into every string value of a parsed file, in place and
 * before validation. Keys are left alone. Results stay strings: numeric fields accept
 * numeric strings (configNumber), text fields keep text such as "0012" intact.
 */
export function substituteEnvInDocument(
  source: SourceFile,
  env: Environment,
  problems: ProblemList,
): void {
  visit(source.doc, {
    Scalar(key, node, ancestors) {
      if (key === "key" || typeof node.value !== "string" || !node.value.includes("$")) return;
      const { text, errors } = substituteEnv(node.value, env);
      if (errors.length > 0) {
        problems.add(source, pathOf(ancestors, node), errors.join("; "));
      } else if (isScalar(node)) node.value = text;
    },
  });
}
