/**
 * Kubernetes' `$(VAR)` references in env values, command and args: a reference to a defined variable
 * is replaced, `$$` is a literal `$`, and anything else (undefined names, unclosed references) stays
 * as written.
 */
export const expandReferences = (input: string, vars: ReadonlyMap<string, string>): string => {
  let out = "";
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== "$" || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1];
    if (next === "$") {
      out += "$";
      i++;
    } else if (next === "(") {
      const close = input.indexOf(")", i + 2);
      const name = close < 0 ? undefined : input.slice(i + 2, close);
      const value = name === undefined ? undefined : vars.get(name);
      if (value === undefined || close < 0) out += c;
      else {
        out += value;
        i = close;
      }
    } else out += c;
  }
  return out;
};

/** A container env entry as far as the agent resolves it. */
export interface EnvEntry {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly fieldRef?: { readonly fieldPath?: string } } & Record<string, unknown>;
}

/**
 * The container's environment: the image's, then the pod's fields agents rely on, then the
 * container's own entries in order (each may reference the ones before it). `fieldRef` values come
 * from `fields` (e.g. `status.podIP`); other `valueFrom` sources are reported as unsupported.
 */
export const buildEnv = (
  base: Readonly<Record<string, string>>,
  entries: readonly EnvEntry[],
  fields: Readonly<Record<string, string>>,
): { readonly env: Record<string, string>; readonly unsupported: string[] } => {
  const vars = new Map(Object.entries(base));
  const unsupported: string[] = [];
  for (const entry of entries) {
    if (entry.value !== undefined) vars.set(entry.name, expandReferences(entry.value, vars));
    else if (entry.valueFrom?.fieldRef?.fieldPath !== undefined) {
      const value = fields[entry.valueFrom.fieldRef.fieldPath];
      if (value === undefined)
        unsupported.push(`${entry.name} (fieldRef ${entry.valueFrom.fieldRef.fieldPath})`);
      else vars.set(entry.name, value);
    } else if (entry.valueFrom !== undefined) unsupported.push(entry.name);
    else vars.set(entry.name, "");
  }
  return { env: Object.fromEntries(vars), unsupported };
};
