// Which resources are served right now: the built-ins plus one entry per established CRD.
import { BUILTIN_RESOURCES } from "./builtin";
import { crdToResource } from "./crd";
import { type KObject, type ResourceDef, resourceId } from "./types";

export class Registry {
  private readonly crds = new Map<string, ResourceDef>();
  private readonly index = new Map<string, ResourceDef>();
  private readonly ids = new Map<string, ResourceDef>();
  /** Bumped whenever the served set changes, so derived documents know to rebuild. */
  generation = 0;

  constructor() {
    this.rebuild();
  }

  private rebuild(): void {
    this.generation++;
    this.index.clear();
    this.ids.clear();
    for (const def of [...BUILTIN_RESOURCES, ...this.crds.values()]) {
      this.ids.set(resourceId(def), def);
      for (const v of def.versions) this.index.set(`${def.group}/${v}/${def.plural}`, def);
    }
  }

  lookup(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.index.get(`${group}/${version}/${plural}`);
  }

  /** Every served resource by its storage identity (`resourceId`). */
  byId(): ReadonlyMap<string, ResourceDef> {
    return this.ids;
  }

  all(): ResourceDef[] {
    return [...BUILTIN_RESOURCES, ...this.crds.values()];
  }

  /** Serves (or re-serves, after an update) the kinds of a stored CRD. */
  putCrd(crd: KObject): ResourceDef {
    const def = crdToResource(crd);
    this.crds.set(def.crd!.name, def);
    this.rebuild();
    return def;
  }

  removeCrd(name: string): ResourceDef | undefined {
    const def = this.crds.get(name);
    this.crds.delete(name);
    this.rebuild();
    return def;
  }

  /** The stored CustomResourceDefinition objects being served. */
  crdObjects(): KObject[] {
    return [...this.crds.values()].map((d) => d.crd!.object);
  }
}
