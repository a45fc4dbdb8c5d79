// Kubernetes version priority: GA > beta > alpha, higher numbers first, non-conforming names last.
const PATTERN = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

const rank = (v: string): [number, number, number] => {
  const m = PATTERN.exec(v);
  if (!m) return [0, 0, 0];
  const stability = m[2] === undefined ? 3 : m[2] === "beta" ? 2 : 1;
  return [stability, Number(m[1]), Number(m[3] ?? 0)];
};

export const compareVersions = (a: string, b: string): number => {
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
  return a < b ? -1 : a > b ? 1 : 0;
};
