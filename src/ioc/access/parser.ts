// The grammar of EPICS base 7's asLib (asLib.y), with its checks: groups are defined once
// (DEFAULT may be given rules once), a rule names only UAGs and HAGs defined above it, its
// access is NONE, READ or WRITE, its option TRAPWRITE or NOTRAPWRITE, and its CALC
// compiles and stores nothing. A syntax error ends the parse, as in asLib; the problems
// found before it are all reported.
import { CalcSyntaxError, compileCalc, type CalcExpression } from "../calc/index.js";
import type { DbProblemList, SourceLocation } from "../db/problems.js";
import type { AcfKeyword, AcfPunctuation, AcfToken } from "./lexer.js";
import {
  type AccessKind,
  type AcfConfig,
  type AcfGroup,
  type AcfInput,
  type AcfRule,
  DEFAULT_GROUP,
} from "./model.js";

type StringToken = Extract<AcfToken, { kind: "string" }>;

class SyntaxStop extends Error {}

const ACCESS_KINDS: readonly AccessKind[] = ["NONE", "READ", "WRITE"];

interface GroupDraft {
  readonly name: string;
  readonly inputs: AcfInput[];
  readonly rules: AcfRule[];
}

class AcfParser {
  private at = 0;
  private readonly uags = new Map<string, string[]>();
  private readonly hags = new Map<string, string[]>();
  private readonly groups = new Map<string, GroupDraft>([
    [DEFAULT_GROUP, { name: DEFAULT_GROUP, inputs: [], rules: [] }],
  ]);

  constructor(
    private readonly tokens: readonly AcfToken[],
    private readonly endAt: SourceLocation,
    private readonly problems: DbProblemList,
    private readonly warnings: DbProblemList,
  ) {}

  parse(): AcfConfig {
    try {
      // asLib's grammar wants at least one item: an empty file is a syntax error.
      do this.item();
      while (this.peek() !== undefined);
    } catch (e) {
      if (!(e instanceof SyntaxStop)) throw e;
    }
    const groups = new Map<string, AcfGroup>();
    for (const [name, group] of this.groups) groups.set(name, group);
    return { uags: this.uags, hags: this.hags, groups, warnings: this.warnings.problems() };
  }

  private item(): void {
    const token = this.peek();
    if (token?.kind !== "keyword" || token.keyword === "RULE" || token.keyword === "CALC") {
      this.syntaxError("expected UAG, HAG or ASG");
    }
    this.at++;
    if (token.keyword === "ASG") return this.group();
    const kind = token.keyword;
    const list = this.memberGroup(kind === "UAG" ? this.uags : this.hags, kind);
    if (!this.take("{")) return;
    const what = kind === "UAG" ? "user" : "host";
    do {
      const member = this.name(`a ${what} name`);
      if (list?.includes(member.value)) {
        this.warnings.add(member.at, `${what} '${member.value}' is listed twice in ${kind}`);
      }
      list?.push(member.value);
    } while (this.take(","));
    this.expect("}", `',' or '}' after a ${what} name`);
  }

  /** `(name)` of a UAG or HAG: its new member list, or undefined when the name is taken. */
  private memberGroup(groups: Map<string, string[]>, kind: "UAG" | "HAG"): string[] | undefined {
    const name = this.head(kind);
    if (groups.has(name.value)) {
      const what = kind === "UAG" ? "User" : "Host";
      this.problems.add(name.at, `duplicate ${what} Access Group named '${name.value}'`);
      return undefined;
    }
    const list: string[] = [];
    groups.set(name.value, list);
    return list;
  }

  private group(): void {
    const name = this.head("ASG");
    let group: GroupDraft | undefined = this.groups.get(name.value);
    // asLib makes an empty DEFAULT before reading the file; the file may fill it once.
    const isEmptyDefault =
      name.value === DEFAULT_GROUP && group?.inputs.length === 0 && group.rules.length === 0;
    if (group && !isEmptyDefault) {
      this.problems.add(name.at, `duplicate Access Security Group named '${name.value}'`);
      group = undefined;
    } else if (!group) {
      group = { name: name.value, inputs: [], rules: [] };
      this.groups.set(name.value, group);
    }
    if (!this.take("{")) return;
    do {
      const token = this.peek();
      if (token?.kind === "inp") {
        this.at++;
        this.input(token.input, token.at, group);
      } else if (token?.kind === "keyword" && token.keyword === "RULE") {
        this.at++;
        const rule = this.rule();
        if (rule) group?.rules.push(rule);
      } else this.syntaxError("expected INPA..INPL or RULE");
    } while (!this.take("}"));
  }

  private input(input: AcfInput["input"], at: SourceLocation, group?: GroupDraft): void {
    this.expect("(", `'(' after INP${input}`);
    const pv = this.name("a PV name");
    this.expect(")", `')' after INP${input}'s PV name`);
    if (!group) return;
    const earlier = group.inputs.findIndex((i) => i.input === input);
    if (earlier >= 0) {
      this.warnings.add(at, `INP${input} is given twice in ASG '${group.name}': this one is used`);
      group.inputs.splice(earlier, 1);
    }
    group.inputs.push({ input, pv: pv.value, at });
  }

  private rule(): AcfRule | undefined {
    const at = this.previous().at;
    this.expect("(", "'(' after RULE");
    const level = this.peek();
    if (level?.kind !== "integer") this.syntaxError("expected the rule's level, 0 or 1");
    this.at++;
    this.expect(",", "',' after the rule's level");
    const accessToken = this.name("NONE, READ or WRITE");
    const access = ACCESS_KINDS.find((k) => k === accessToken.value);
    let ok = true;
    if (!access) {
      this.problems.add(accessToken.at, "access rights must be NONE, READ or WRITE");
      ok = false;
    }
    let trapWrite = false;
    if (this.take(",")) {
      const option = this.name("TRAPWRITE or NOTRAPWRITE");
      trapWrite = option.value === "TRAPWRITE";
      if (!trapWrite && option.value !== "NOTRAPWRITE") {
        this.problems.add(option.at, "log options must be TRAPWRITE or NOTRAPWRITE");
        ok = false;
      }
    }
    this.expect(")", "')' after the rule's access (or ', TRAPWRITE')");
    const conditions = this.take("{") ? this.conditions() : { uags: [], hags: [], ok: true };
    if (!ok || !conditions.ok || !access) return undefined;
    const { uags, hags, calc } = conditions;
    return { level: level.value, access, trapWrite, uags, hags, ...(calc ? { calc } : {}), at };
  }

  private conditions(): { uags: string[]; hags: string[]; calc?: CalcExpression; ok: boolean } {
    const uags: string[] = [];
    const hags: string[] = [];
    let calc: CalcExpression | undefined;
    let ok = true;
    do {
      const token = this.peek();
      if (token?.kind !== "keyword" || token.keyword === "ASG" || token.keyword === "RULE") {
        this.syntaxError("expected UAG, HAG or CALC in the rule's body");
      }
      this.at++;
      this.expect("(", `'(' after ${token.keyword}`);
      if (token.keyword === "CALC") {
        // A second CALC replaces the first, as in asLib.
        const compiled = this.calc(this.name("a quoted CALC expression"));
        calc = compiled;
        ok &&= compiled !== undefined;
        this.expect(")", "')' after the CALC expression");
        continue;
      }
      const defined = token.keyword === "UAG" ? this.uags : this.hags;
      const into = token.keyword === "UAG" ? uags : hags;
      do {
        const name = this.name(`a ${token.keyword} name`);
        if (defined.has(name.value)) into.push(name.value);
        else {
          const what = token.keyword === "UAG" ? "User" : "Host";
          this.problems.add(name.at, `no ${what} Access Group named '${name.value}' defined`);
          ok = false;
        }
      } while (this.take(","));
      this.expect(")", `',' or ')' after a ${token.keyword} name`);
    } while (!this.take("}"));
    return { uags, hags, ...(calc ? { calc } : {}), ok };
  }

  private calc(token: StringToken): CalcExpression | undefined {
    try {
      const calc = compileCalc(token.value);
      if (calc.writes.length === 0) return calc;
      this.problems.add(token.at, `assignment operator used in CALC expression '${token.value}'`);
    } catch (e) {
      if (!(e instanceof CalcSyntaxError)) throw e;
      const shift = e.offset + (token.quoted ? 1 : 0);
      this.problems.add(
        { ...token.at, col: token.at.col + shift },
        `${e.reason} in CALC expression '${token.value}'`,
      );
    }
    return undefined;
  }

  /** `(name)` after UAG, HAG or ASG. */
  private head(keyword: AcfKeyword): StringToken {
    this.expect("(", `'(' after ${keyword}`);
    const name = this.name(`the ${keyword}'s name`);
    this.expect(")", `')' after the ${keyword}'s name`);
    return name;
  }

  private name(what: string): StringToken {
    const token = this.peek();
    if (token?.kind !== "string") this.syntaxError(`expected ${what}`);
    this.at++;
    return token;
  }

  private take(kind: AcfPunctuation): boolean {
    if (this.peek()?.kind !== kind) return false;
    this.at++;
    return true;
  }

  private expect(kind: AcfPunctuation, what: string): void {
    if (!this.take(kind)) this.syntaxError(`expected ${what}`);
  }

  private peek(): AcfToken | undefined {
    return this.tokens[this.at];
  }

  private previous(): AcfToken {
    return this.tokens[this.at - 1]!;
  }

  private syntaxError(expected: string): never {
    const token = this.peek();
    const found = token ? `'${token.text}'` : "the end of the file";
    this.problems.add(token?.at ?? this.endAt, `syntax error: ${expected}, found ${found}`);
    throw new SyntaxStop();
  }
}

/** The configuration the tokens state; what is wrong goes to `problems`. */
export function parseAcfTokens(
  tokens: readonly AcfToken[],
  endAt: SourceLocation,
  problems: DbProblemList,
  warnings: DbProblemList,
): AcfConfig {
  return new AcfParser(tokens, endAt, problems, warnings).parse();
}
