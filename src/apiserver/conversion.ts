// Moves custom resources between served versions. Kinds without a conversion function (strategy None)
// only get their apiVersion rewritten, as kube-apiserver does.
import type { KObject, ResourceDef } from "./resources/types";
import { apiVersionOf } from "./resources/types";

export type Converter = (obj: KObject, toApiVersion: string) => KObject;

const rewriteApiVersion: Converter = (obj, toApiVersion) => ({ ...obj, apiVersion: toApiVersion });

/** Converters by API group; groups not listed use strategy None. */
export class Conversions {
  /** group -> version -> apiVersion, built once: every read, write and watch event asks, mostly to be told "as is". */
  private readonly apiVersions = new Map<string, Map<string, string>>();

  constructor(private readonly byGroup: ReadonlyMap<string, Converter> = new Map()) {}

  private apiVersion(group: string, version: string): string {
    let versions = this.apiVersions.get(group);
    if (versions === undefined) {
      versions = new Map();
      this.apiVersions.set(group, versions);
    }
    let apiVersion = versions.get(version);
    if (apiVersion === undefined) {
      apiVersion = apiVersionOf(group, version);
      versions.set(version, apiVersion);
    }
    return apiVersion;
  }

  convert(def: ResourceDef, obj: KObject, version: string): KObject {
    const target = this.apiVersion(def.group, version);
    if (obj.apiVersion === target) return obj;
    return (this.byGroup.get(def.group) ?? rewriteApiVersion)(obj, target);
  }
}
