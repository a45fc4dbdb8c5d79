// The load profiles shared with the runners in bench/ that work without k6 (bench/profiles.json is the one
// source of numbers, so a k6 run and a local run measure the same thing).
export interface Thresholds {
  p99Ms?: number;
  claimReadyP99Ms?: number;
  errorRate: number;
}

export interface Profiles {
  routerThroughput: {
    sandboxIds: number;
    connections: number;
    durationSeconds: number;
    path: string;
    thresholds: Thresholds;
  };
  claimChurn: {
    claimsPerSecond: number;
    durationSeconds: number;
    namespace: string;
    warmPool: string;
    readyTimeoutSeconds: number;
    thresholds: Thresholds;
  };
  soak: {
    sandboxes: number;
    vus: number;
    durationSeconds: number;
    mix: { execute: number; upload: number; download: number };
    uploadBytes: number;
    thresholds: Thresholds;
  };
}

// open() resolves relative to this module and only works in k6's init context, which is where this runs.
export const profiles: Profiles = JSON.parse(open("../../profiles.json"));

export const env = (name: string, fallback: string): string => __ENV[name] ?? fallback;
