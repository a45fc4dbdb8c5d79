// Memory growth of one part over a soak: RSS and JS heap (both after a full GC), and the object types whose
// live count grew most — which separates retained objects (heap and counts grow) from allocator or JIT slack
// (RSS grows, heap flat).
export interface PartSample {
  readonly rssKb: number;
  readonly heapKb: number;
  readonly extraKb: number;
  readonly objects: number;
  /** Open file descriptors (sockets, pipes, files). */
  readonly fds: number;
}

export interface ComponentSeries {
  readonly rssKb: { readonly first: number; readonly last: number; readonly max: number };
  readonly heapKb: { readonly first: number; readonly last: number; readonly max: number };
  readonly objects: { readonly first: number; readonly last: number; readonly max: number };
  readonly fds: { readonly first: number; readonly last: number; readonly max: number };
  readonly rssGrowthPct: number;
  readonly heapGrowthPct: number;
  /** Up to ten object types with the largest increase in live count, first to last sample. */
  readonly growingTypes: ReadonlyArray<{
    readonly type: string;
    readonly first: number;
    readonly last: number;
  }>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Median of the last three against the median of the first three, in percent with one decimal. */
export const growthPct = (series: number[]): number => {
  const head = median(series.slice(0, 3));
  const tail = median(series.slice(-3));
  return head > 0 ? Math.round(((tail - head) / head) * 1000) / 10 : 0;
};

const range = (series: number[]) => ({
  first: median(series.slice(0, 3)),
  last: median(series.slice(-3)),
  max: Math.max(0, ...series),
});

export const growth = (
  samples: ReadonlyArray<PartSample | undefined>,
  firstTypes: Record<string, number>,
  lastTypes: Record<string, number>,
): ComponentSeries => {
  const present = samples.filter((s): s is PartSample => s !== undefined);
  const rss = present.map((s) => s.rssKb);
  const heap = present.map((s) => s.heapKb);
  const growingTypes = Object.entries(lastTypes)
    .map(([type, last]) => ({ type, first: firstTypes[type] ?? 0, last }))
    .filter((t) => t.last > t.first)
    .sort((a, b) => b.last - b.first - (a.last - a.first))
    .slice(0, 10);
  return {
    rssKb: range(rss),
    heapKb: range(heap),
    objects: range(present.map((s) => s.objects)),
    fds: range(present.map((s) => s.fds)),
    rssGrowthPct: growthPct(rss),
    heapGrowthPct: growthPct(heap),
    growingTypes,
  };
};
