// A small Containerfile parser and the lint rules deploy/images must pass (pure; used by the lint test).

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly image: string;
  readonly name?: string;
  readonly instructions: ReadonlyArray<Instruction>;
}

/** Joins `\` continuations, drops comments and blank lines, and splits into build stages. */
export const parseContainerfile = (text: string): Stage[] => {
  const instructions: Instruction[] = [];
  let pending = "";
  let start = 0;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) return;
    if (pending === "") start = index + 1;
    pending += `${line.replace(/\\$/, "").trim()} `;
    if (line.endsWith("\\")) return;
    const [keyword = "", ...rest] = pending.trim().split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(" "), line: start });
    pending = "";
  });
  const stages: Array<{ image: string; name?: string; instructions: Instruction[] }> = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const [image = "", as, name] = instruction.args.split(" ").filter((a) => !a.startsWith("--"));
      stages.push({ image, ...(as?.toUpperCase() === "AS" && name ? { name } : {}), instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== "ARG")
        throw new Error(`line ${instruction.line}: ${instruction.keyword} before FROM`);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  if (stages.length === 0) throw new Error("no FROM instruction");
  return stages;
};

/** Tag of an image reference ("" when untagged); a digest counts as a pin. */
const tagOf = (image: string): string => {
  if (image.includes("@sha256:")) return "digest";
  const lastPart = image.split("/").at(-1) ?? "";
  return lastPart.includes(":") ? lastPart.split(":").at(-1)! : "";
};

const isRootUser = (user: string): boolean => {
  const name = user.split(":")[0] ?? "";
  return name === "" || name === "0" || name === "root";
};

/** Every rule deploy/images must pass; returns the violations (empty when clean). */
export const lintContainerfile = (text: string): string[] => {
  const stages = parseContainerfile(text);
  const stageNames = new Set(stages.flatMap((s) => (s.name ? [s.name] : [])));
  const problems: string[] = [];
  for (const stage of stages) {
    if (stageNames.has(stage.image)) continue;
    const tag = tagOf(stage.image);
    if (tag === "") problems.push(`${stage.image}: base image without a tag`);
    else if (/^latest/.test(tag))
      problems.push(`${stage.image}: base image tag "${tag}" is not a pinned version`);
  }
  for (const stage of stages) {
    for (const i of stage.instructions) {
      if (i.keyword === "ADD" && /https?:\/\//.test(i.args))
        problems.push(`line ${i.line}: ADD of a URL; use COPY`);
      const from = /--from=(\S+)/.exec(i.args)?.[1];
      if (i.keyword === "COPY" && from !== undefined && !stageNames.has(from)) {
        problems.push(`line ${i.line}: COPY --from=${from} names no build stage`);
      }
    }
  }
  const final = stages.at(-1)!;
  const user = final.instructions.filter((i) => i.keyword === "USER").at(-1);
  if (user === undefined) problems.push("final stage sets no USER (it would run as root)");
  else if (isRootUser(user.args)) problems.push(`final stage runs as root (USER ${user.args})`);
  const entrypoint = final.instructions.filter((i) => i.keyword === "ENTRYPOINT").at(-1);
  if (entrypoint === undefined) problems.push("final stage has no ENTRYPOINT");
  else if (!entrypoint.args.startsWith("[")) problems.push("ENTRYPOINT is not in exec (JSON array) form");
  return problems;
};

/** The final stage's base image. */
export const finalImage = (text: string): string => parseContainerfile(text).at(-1)!.image;
