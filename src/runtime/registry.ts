import { type GroupChild, signalGroup } from "./process";

/** The commands running right now, by id: exec streams are signalled through it and shutdown kills them all. */
export class ChildRegistry {
  private readonly children = new Map<string, GroupChild>();

  add(child: GroupChild): string {
    const id = crypto.randomUUID();
    this.children.set(id, child);
    void child.exited.finally(() => this.children.delete(id));
    return id;
  }

  get(id: string): GroupChild | undefined {
    return this.children.get(id);
  }

  get size(): number {
    return this.children.size;
  }

  killAll(): void {
    for (const child of this.children.values()) signalGroup(child.pid, "SIGKILL");
  }
}
