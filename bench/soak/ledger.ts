// Records every claim→sandbox binding ever observed, so a run can prove no claim was bound to two sandboxes
// and no sandbox to two claims (both would mean two agents sharing, or losing, an execution environment).
export interface ObservedClaim {
  readonly metadata?: { readonly uid?: string; readonly name?: string };
  readonly status?: { readonly sandbox?: { readonly name?: string } };
}

export class BindingLedger {
  private readonly sandboxOfClaim = new Map<string, string>();
  private readonly claimOfSandbox = new Map<string, string>();
  private readonly violations = new Set<string>();

  /** Feeds one list of claims (a snapshot); bindings are keyed by claim uid, so a recreated name is a new claim. */
  observe(claims: ReadonlyArray<ObservedClaim>): void {
    for (const claim of claims) {
      const uid = claim.metadata?.uid;
      const sandbox = claim.status?.sandbox?.name;
      if (!uid || !sandbox) continue;
      const earlier = this.sandboxOfClaim.get(uid);
      if (earlier !== undefined && earlier !== sandbox) {
        this.violations.add(`claim ${claim.metadata?.name} moved from sandbox ${earlier} to ${sandbox}`);
      }
      const owner = this.claimOfSandbox.get(sandbox);
      if (owner !== undefined && owner !== uid) {
        this.violations.add(`sandbox ${sandbox} bound to claims ${owner} and ${uid}`);
      }
      this.sandboxOfClaim.set(uid, sandbox);
      this.claimOfSandbox.set(sandbox, uid);
    }
  }

  get doubleBound(): number {
    return this.violations.size;
  }

  get details(): string[] {
    return [...this.violations];
  }

  get claimsSeen(): number {
    return this.sandboxOfClaim.size;
  }
}
