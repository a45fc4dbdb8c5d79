// metav1.Condition bookkeeping: lastTransitionTime moves only when the status changes, as the apimachinery
// helpers do, so repeated reconciles write identical status and cause no update storms.
import type { Condition } from "../../api";

export type ConditionInput = Omit<Condition, "lastTransitionTime">;

export const findCondition = (
  conditions: ReadonlyArray<Condition> | undefined,
  type: string,
): Condition | undefined => conditions?.find((c) => c.type === type);

export const setCondition = (
  conditions: ReadonlyArray<Condition>,
  next: ConditionInput,
  now: string,
): ReadonlyArray<Condition> => {
  const previous = findCondition(conditions, next.type);
  const lastTransitionTime =
    previous !== undefined && previous.status === next.status ? previous.lastTransitionTime : now;
  const merged: Condition = { ...next, lastTransitionTime };
  return previous === undefined
    ? [...conditions, merged]
    : conditions.map((c) => (c.type === next.type ? merged : c));
};

export const removeCondition = (
  conditions: ReadonlyArray<Condition>,
  type: string,
): ReadonlyArray<Condition> => conditions.filter((c) => c.type !== type);

export const isConditionTrue = (conditions: ReadonlyArray<Condition> | undefined, type: string): boolean =>
  findCondition(conditions, type)?.status === "True";

/** metav1.Time: RFC 3339 with second precision, as the API server and kubectl show it. */
export const metaTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");
